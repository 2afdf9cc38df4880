import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from tests.factories import UserFactory


@pytest.fixture
def curator(db):
    user = UserFactory(is_staff=True, email="curatrice@mtess.gouv.qc.ca")
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture(autouse=True)
def _language_reset_after_each_test():
    # The test client runs LocaleMiddleware in the test's own thread and Django never deactivates the language a
    # request activated: without this, a test that browses in English leaves later tests (and commands) in English.
    yield
    translation.deactivate()

import pytest
from django.contrib.auth.models import Group

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

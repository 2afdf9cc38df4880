import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from accounts.models import CURATORS_GROUP
from tests.factories import UserFactory


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Tests hash passwords with a fast hasher: each user a factory made cost 0.2 s of CPU with the production
    hasher (PBKDF2, a million iterations): the access tests of needs and buyers took 51 s, now 15 s. Production
    settings are unchanged."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def curator(db):
    user = UserFactory(is_staff=True, email="curatrice@mtess.gouv.qc.ca")
    user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture(autouse=True)
def _search_events_written_at_once(settings):
    # Search events are written in batches (insights.services.SearchEventBuffer); tests look at each one at once.
    settings.SEARCH_EVENTS_BATCH = 1


@pytest.fixture(autouse=True)
def _language_reset_after_each_test():
    # The test client runs LocaleMiddleware in the test's own thread and Django never deactivates the language a
    # request activated: without this, a test that browses in English leaves later tests (and commands) in English.
    yield
    translation.deactivate()


@pytest.fixture
def assert_max_sent_queries():
    """Like django_assert_max_num_queries, without the savepoints a test's transaction adds around atomic blocks
    (in autocommit, as in production, an atomic block is BEGIN/COMMIT on the connection, not an SQL query)."""
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def check(limit):
        with CaptureQueriesContext(connection) as captured:
            yield captured
        sent = [
            query["sql"]
            for query in captured.captured_queries
            if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
        ]
        assert len(sent) <= limit, f"{len(sent)} queries > {limit}:\n" + "\n".join(sent)

    return check


@pytest.fixture
def assert_snapshot_queries(snapshot):
    """``with assert_snapshot_queries(): client.get(url)``: the SQL statements sent inside the block, normalised
    (tests/sql_snapshots.py), must equal the test's snapshot in ``tests/__snapshots__/<test file>.ambr``.

    After a deliberate change of queries, run ``pytest --snapshot-update`` on the tests concerned and review the
    snapshot diff before committing it. ``name=`` tells apart several snapshots in one test (else syrupy numbers
    them); the block yields the captured statements, so a test can also compare two runs with each other.
    """
    from contextlib import contextmanager

    from tests.sql_snapshots import captured_statements

    @contextmanager
    def check(name=None):
        with captured_statements() as captured:
            yield captured
        assert captured.as_snapshot() == snapshot(name=name)

    return check

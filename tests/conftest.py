from dataclasses import dataclass
from functools import partial

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
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


# --- Transactional tests with serialized rollback (the browser tests and some others) ---

# The schema holding the initial content of the test database, beside ``public`` (which is what Django sees).
INITIAL_DATA_SCHEMA = "tests_initial_data"
# What Django's serialized rollback deserializes once the snapshot exists: nothing (the restore is done in SQL).
EMPTY_SERIALIZED_COPY = "[]"


@dataclass(frozen=True)
class InitialData:
    serialized: str  # Django's JSON copy, made when it created the test database
    restore_sql: str  # copies the snapshot back into the emptied tables, one INSERT … SELECT per table


def snapshot_initial_data(connection, serialized: str) -> str:
    """Put the database's initial content back the way Django does (flush, then deserialize its JSON copy through
    the ORM, with every trigger firing), copy each non-empty table into INITIAL_DATA_SCHEMA, and flush again.

    Return the SQL that restores that content into emptied tables. Its statement triggers fire as the ORM's did
    (the search synonyms' rules are rebuilt, the search index hears that reference data changed); foreign keys are
    deferred to the commit, as in Django's own restore. Generated columns are left to the database."""
    # As Django flushes after a transactional test: sequences go on, post_migrate stays silent.
    flush = partial(
        call_command, "flush", interactive=False, reset_sequences=False, inhibit_post_migrate=True
    )
    flush(verbosity=0)
    connection.creation.deserialize_db_from_string(serialized)
    schema = connection.ops.quote_name(INITIAL_DATA_SCHEMA)
    inserts = []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        for table in sorted(
            connection.introspection.django_table_names(only_existing=True, include_views=False)
        ):
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT EXISTS (SELECT FROM {name})")
            if not cursor.fetchone()[0]:
                continue
            cursor.execute(
                "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''",
                [name],
            )
            columns = cursor.fetchone()[0]
            cursor.execute(f"CREATE TABLE {schema}.{name} AS SELECT {columns} FROM {name}")
            inserts.append(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {schema}.{name}")
    flush(verbosity=0)
    return ";\n".join(inserts)


@pytest.fixture(scope="session")
def _initial_data(django_db_setup, django_db_blocker):
    """The test database's initial content (regions, categories, groups…), kept once for every transactional
    test with serialized rollback; made at the first of them (they run after the other tests).

    Django empties the database after each such test (a TRUNCATE of every table) and would refill it before the
    next by deserializing its JSON copy through the ORM, one to two seconds a test. Instead that copy is loaded
    once here, snapshotted into plain tables, and each test gets it back with one round trip of INSERT … SELECT
    (``_initial_data_restored``). Django is left an empty JSON copy to deserialize: with it, its flush still leaves
    alone the content that migrations create (no post_migrate). A transactional test without serialized rollback
    would break this (its flush runs post_migrate); there is none.

    Django keeps the copy on the connection object, and once Playwright's event loop runs, asgiref hands the main
    thread another connection object: the copy is taken here, before the browser starts.
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    serialized = getattr(connection, "_test_serialized_contents", None)
    if serialized is None:
        # A database Django did not serialize (TEST["SERIALIZE"] off): there is nothing to restore.
        yield None
        return
    with django_db_blocker.unblock():
        restore_sql = snapshot_initial_data(connection, serialized)
        connection.close()  # as after every transactional test
    connection._test_serialized_contents = EMPTY_SERIALIZED_COPY
    yield InitialData(serialized=serialized, restore_sql=restore_sql)
    connection._test_serialized_contents = serialized
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(INITIAL_DATA_SCHEMA)} CASCADE")
        connection.close()


def restores_initial_data(item) -> bool:
    """Whether the test is transactional with serialized rollback (it starts from the initial content)."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback"))


@pytest.fixture(autouse=True)
def _initial_data_restored(request, django_db_blocker):
    """Each transactional test with serialized rollback starts from the initial content: Django's flush after the
    previous one (or the snapshot) left every table empty, and this fills them again. Other tests: nothing."""
    if not restores_initial_data(request.node):
        return
    initial_data = request.getfixturevalue("_initial_data")
    if initial_data is None:
        return
    from django.db import connection, transaction

    # Whichever connection object the main thread has now: Django's own restore deserializes nothing and its
    # flush after the test keeps inhibiting post_migrate.
    connection._test_serialized_contents = EMPTY_SERIALIZED_COPY
    with django_db_blocker.unblock(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(initial_data.restore_sql)

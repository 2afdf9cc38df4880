"""The task queue (Procrastinate, kept in PostgreSQL): jobs deferred by the application run in a real worker."""

import pytest
from django.db import connection
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from directory.tasks import remove_old_jobs


def run_worker_until_idle():
    """Run a real worker (its own connection to the test database) until no job is left, as `manage.py
    procrastinate worker` would, then stop.

    The worker runs synchronous tasks in threads, each with its own Django connection, which Procrastinate closes
    after a task only once it is older than CONN_MAX_AGE: with 0 it is closed at once. Left open, it outlived its
    thread and the garbage collector's ResourceWarning failed whichever later test it came in."""
    settings_dict = connection.settings_dict
    kept = settings_dict["CONN_MAX_AGE"]
    settings_dict["CONN_MAX_AGE"] = 0
    try:
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
    finally:
        settings_dict["CONN_MAX_AGE"] = kept


# serialized_rollback: the transactional tests that follow (the browser tests) find the database as migrations
# left it; a plain flush would recreate content types that their restore then duplicates.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deferred_job_is_run_by_the_worker():
    job_id = remove_old_jobs.defer(timestamp=0)

    run_worker_until_idle()

    assert ProcrastinateJob.objects.get(id=job_id).status == "succeeded"


def test_periodic_tasks_are_declared_in_code():
    periodic = {task.task.name for task in app.periodic_registry.periodic_tasks.values()}
    assert "directory.tasks.remove_old_jobs" in periodic

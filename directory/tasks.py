"""Site-wide background work: housekeeping of the task queue itself.

Tasks of each app live in ``<app>/tasks.py`` (Procrastinate discovers them); periodic ones are declared there with
``@app.periodic``, so the schedule is in code, never in a crontab. The worker (``manage.py procrastinate worker``,
started by ``make run``) defers each periodic task once per due time, however many workers run.
"""

from django.conf import settings
from procrastinate.contrib.django import app


@app.periodic(cron="17 3 * * *")
@app.task(queue="housekeeping", queueing_lock="remove_old_jobs", pass_context=True)
async def remove_old_jobs(context, timestamp: int):
    """Delete finished jobs older than ``TASK_JOBS_RETENTION_HOURS`` (failed ones are kept for inspection)."""
    await context.app.job_manager.delete_old_jobs(nb_hours=settings.TASK_JOBS_RETENTION_HOURS)

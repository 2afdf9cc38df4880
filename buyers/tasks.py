"""Saved-search digests, run by the task worker. The periodic tasks (times in UTC, the worker's clock) defer one
job per saved search; each job first records which suppliers it tells about, then sends, so a retry never tells
about the same supplier twice."""

from procrastinate import exceptions
from procrastinate.contrib.django import app

from . import services
from .models import Frequency, SavedSearch

QUEUE = "digests"


def _defer_digests(frequency: str) -> int:
    ids = list(SavedSearch.objects.with_digest(frequency).values_list("pk", flat=True))
    for saved_search_id in ids:
        try:
            saved_search_digest.configure(queueing_lock=f"digest-{saved_search_id}").defer(
                saved_search_id=saved_search_id
            )
        except exceptions.AlreadyEnqueued:  # the previous run's job is still waiting: it will do
            pass
    return len(ids)


@app.periodic(cron="0 12 * * 1")
@app.task(queue=QUEUE, queueing_lock="weekly_digests")
def send_weekly_digests(timestamp: int) -> int:
    return _defer_digests(Frequency.WEEKLY)


@app.periodic(cron="0 12 1 * *")
@app.task(queue=QUEUE, queueing_lock="monthly_digests")
def send_monthly_digests(timestamp: int) -> int:
    return _defer_digests(Frequency.MONTHLY)


@app.task(queue=QUEUE, retry=3)
def saved_search_digest(saved_search_id: int) -> bool:
    return services.saved_search_digest_run(saved_search_id=saved_search_id)

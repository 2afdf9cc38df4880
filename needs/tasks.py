"""Background work of the needs: sending the outbox, and the periodic follow-up (closing at the deadline,
refusing needs left unrevised, reminders, digests, outcome requests, the retention purge).

Every task is idempotent: each reads the state it acts on and records what it did, so running it twice, or
after a crash, does nothing more. Cron times are in UTC (the worker's clock).
"""

from procrastinate.contrib.django import app

from . import notifications, services

# A sender stops after this many seconds and defers itself, so one job never holds a worker for hours.
SEND_TIME_BUDGET = 240


@app.task(queue="emails", queueing_lock="needs_send_emails")
def send_emails():
    """Send every due email of the outbox (claim, send, mark sent)."""
    return notifications.send_due(time_budget=SEND_TIME_BUDGET)


@app.periodic(cron="*/10 * * * *")
@app.task(queue="emails", queueing_lock="needs_send_emails_sweep")
def send_emails_sweep(timestamp: int):
    """A safety net: emails due for a retry, or queued while no worker ran, go out within ten minutes."""
    return notifications.send_due(time_budget=SEND_TIME_BUDGET)


@app.periodic(cron="*/15 * * * *")
@app.task(queue="needs", queueing_lock="needs_close_due")
def close_due_needs(timestamp: int):
    return services.needs_close_due()


@app.periodic(cron="20 * * * *")
@app.task(queue="needs", queueing_lock="needs_follow_up")
def follow_up(timestamp: int):
    """Hourly: refuse needs left unrevised ten days, remind recipients who have not opened a need, ask authors
    for outcomes."""
    return {
        "refused": services.needs_refuse_stale(),
        "reminded": services.automatic_reminders_send(),
        "outcomes_requested": services.outcome_requests_send(),
    }


# 11:00 UTC is 6:00 or 7:00 in Québec: the digest is there when the buyer starts the day.
@app.periodic(cron="0 11 * * *")
@app.task(queue="needs", queueing_lock="needs_daily_digests")
def daily_digests(timestamp: int):
    return services.digests_send()


@app.periodic(cron="40 3 * * *")
@app.task(queue="needs", queueing_lock="needs_purge")
def purge_expired_data(timestamp: int):
    """Retention: tokens and per-recipient viewing data of needs closed twelve months ago."""
    return services.needs_purge()

"""The dashboard's periodic work: the nightly coverage snapshot, the purge of old search events, and the yearly
confirmation requests and reminders to enterprises. Each task is idempotent (safe to run twice or to retry)."""

from procrastinate.contrib.django import app

from . import services


@app.periodic(cron="10 2 * * *")
@app.task(queue="insights", queueing_lock="take_coverage_snapshot")
def take_coverage_snapshot(timestamp: int):
    """Today's coverage of every region and category, for the trends (taking it again replaces it)."""
    return services.coverage_snapshot_take()


@app.periodic(cron="40 2 * * *")
@app.task(queue="insights", queueing_lock="purge_search_events")
def purge_search_events(timestamp: int):
    """Delete search events older than the retention period (24 months)."""
    return services.search_events_purge()


@app.periodic(cron="20 2 * * *")
@app.task(queue="insights", queueing_lock="roll_up_search_demand")
def roll_up_search_demand(timestamp: int):
    """Roll up the searches of each completed month (the demand view reads these, and the current month's events)."""
    return services.search_demand_roll_up()


@app.periodic(cron="0 9 * * *")
@app.task(queue="insights", queueing_lock="ask_for_confirmations")
def ask_for_confirmations(timestamp: int):
    """Ask the members of listings unchecked for 12 months to confirm them, then remind those who did not answer
    30 days later; each email goes once per period."""
    return {"asked": services.confirmations_ask(), "reminded": services.confirmations_remind()}

"""The keeping periods of privacy/retention.py, enforced every night (declared here, never in a crontab).

Each task is idempotent: it deletes or erases what is past its period at the time it runs, so a retried or late
run does the same work, and a run that finds nothing does nothing.
"""

from procrastinate.contrib.django import app

from . import services


@app.periodic(cron="41 2 * * *")
@app.task(queue="housekeeping", queueing_lock="purge_login_records")
def purge_login_records(timestamp: int):
    services.login_records_purge()


@app.periodic(cron="43 2 * * *")
@app.task(queue="housekeeping", queueing_lock="purge_expired_invitations")
def purge_expired_invitations(timestamp: int):
    services.expired_invitations_purge()


@app.periodic(cron="47 2 * * *")
@app.task(queue="housekeeping", queueing_lock="purge_refused_claim_messages")
def purge_refused_claim_messages(timestamp: int):
    services.refused_claim_messages_purge()

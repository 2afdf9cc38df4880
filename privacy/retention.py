"""How long personal data is kept once its purpose is met (Loi 25). The privacy policy shows these periods and
the periodic tasks of privacy/tasks.py enforce them: change them here and both follow."""

from datetime import timedelta

# django-axes' log-in records (address typed, IP address, browser): long enough to investigate an attack.
LOGIN_RECORDS = timedelta(days=90)
# An invitation nobody accepted, counted from its expiry (the inviter sees it expired meanwhile).
EXPIRED_INVITATIONS = timedelta(days=30)
# The message a person wrote with a claim that staff refused, counted from the decision (the decision and its
# reason stay, so that staff can answer questions about it).
REFUSED_CLAIM_MESSAGES = timedelta(days=90)
# Anonymised search events (insights.SearchEvent: no user, no address, no text), then their monthly roll-ups;
# purged by insights.tasks.purge_search_events.
SEARCH_EVENTS_MONTHS = 24
# A need's personal links (tokens), each enterprise's viewing time and its email log, counted from the need's
# closing (or withdrawal, or refusal): twelve months. The need's aggregate facts stay (needs.services.needs_purge).
CLOSED_NEEDS = timedelta(days=365)

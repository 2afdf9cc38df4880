"""Work of the staff dashboard that writes: search events, coverage snapshots, purges, and the yearly confirmation
of listings by their enterprises (emails, one-click confirmation)."""

import atexit
import calendar
import threading
import time
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import DateTimeField, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from buyers.models import Buyer
from directory.site import absolute_url, sender
from enterprises.models import Membership
from privacy import retention
from suppliers.models import Category, Region, Supplier

from .models import (
    Confirmation,
    ConfirmationRequest,
    CoverageSnapshot,
    ListingFacts,
    SearchDemandMonth,
    SearchEvent,
)

# How long search events are kept (then purged by insights.tasks.purge_search_events): privacy/retention.py, which
# the privacy policy shows.
SEARCH_EVENTS_RETENTION_MONTHS = retention.SEARCH_EVENTS_MONTHS
# A listing is asked to confirm once its last check (staff verification or confirmation) is this old…
CONFIRMATION_PERIOD_MONTHS = 12
# …and reminded this many days after the first email if nobody answered.
CONFIRMATION_REMINDER_DAYS = 30


def shift_months(moment, months: int):
    """The same day and time ``months`` later (earlier when negative), on the month's last day when it is
    shorter (31 March - 1 month = 28 or 29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- Search events ---


def buyer_organisation_kind(user) -> str:
    """The kind of organisation of a logged-in active buyer; empty for anyone else. Never who they are."""
    if not user.is_authenticated:
        return ""
    kind = Buyer.objects.active().filter(user_id=user.pk).values_list("organisation__kind", flat=True).first()
    return kind or ""


# Searches are written in batches: a process keeps the events of its last searches and writes them in one statement
# once it holds ``SEARCH_EVENTS_BATCH`` of them or the oldest is ``SEARCH_EVENTS_MAX_WAIT`` seconds old (and when
# it exits), so that most searches make no round trip to the database for it (bench/README.md, "Recording a
# search"). A crash loses at most one batch of anonymous statistics. The tests write each search at once
# (``SEARCH_EVENTS_BATCH = 1``, tests/conftest.py).
def search_events_batch() -> int:
    return getattr(settings, "SEARCH_EVENTS_BATCH", 50)


SEARCH_EVENTS_MAX_WAIT = 10
SEARCH_EVENT_COLUMNS = "hour, organisation_kind, regions, sectors, categories, with_text, results, channel"
# One statement whatever the number of events: a column is one array parameter (a list of codes as an array
# literal); ``set_config(…, true)`` in the same statement, hence the same transaction in autocommit, turns
# synchronous commit off for it, so the INSERT does not wait for the write-ahead log to reach the disk (a crash may
# lose the last instants of statistics, nothing else). The search views call it outside any transaction (inside
# one, it would spare that transaction's commit the wait too).
RECORD_SEARCH_EVENTS_SQL = f"""
INSERT INTO {SearchEvent._meta.db_table} ({SEARCH_EVENT_COLUMNS})
SELECT hour, kind, regions::varchar[], sectors::varchar[], categories::varchar[], with_text, results, channel
FROM unnest(%s::timestamptz[], %s::text[], %s::text[], %s::text[], %s::text[], %s::boolean[], %s::int[], %s::text[])
    AS event(hour, kind, regions, sectors, categories, with_text, results, channel),
    (SELECT set_config('synchronous_commit', 'off', true)) AS unsynced
"""
# Columns of a row that hold lists of codes (written as array literals; codes are validated, never quoted).
CODE_LIST_COLUMNS = (2, 3, 4)


def _array_literal(codes) -> str:
    return "{" + ",".join(codes) + "}"


class SearchEventBuffer:
    """The search events of this process not written yet."""

    def __init__(self):
        self.rows: list[list] = []
        self.oldest: float | None = None
        self.lock = threading.Lock()

    def add(self, row: list) -> None:
        with self.lock:
            self.rows.append(row)
            if self.oldest is None:
                self.oldest = time.monotonic()
            due = (
                len(self.rows) >= search_events_batch()
                or time.monotonic() - self.oldest >= SEARCH_EVENTS_MAX_WAIT
            )
            rows = self._take() if due else []
        self._write(rows)

    def flush(self) -> None:
        with self.lock:
            rows = self._take()
        self._write(rows)

    def _take(self) -> list[list]:
        rows, self.rows, self.oldest = self.rows, [], None
        return rows

    @staticmethod
    def _write(rows: list[list]) -> None:
        if rows:
            columns = [list(column) for column in zip(*rows, strict=True)]
            for index in CODE_LIST_COLUMNS:
                columns[index] = [_array_literal(codes) for codes in columns[index]]
            with connection.cursor() as cursor:
                cursor.execute(RECORD_SEARCH_EVENTS_SQL, columns)


search_events = SearchEventBuffer()


@atexit.register
def _write_pending_search_events():
    try:
        search_events.flush()
    except Exception:  # the process is exiting: the database may be gone, and these are only statistics
        pass


def search_event_record(sender, *, request, params, count: int, **kwargs) -> None:
    """Record a search, anonymised (``SearchEvent``): the first page only, so paging through results is not
    counted again. Receiver of ``suppliers.hooks.search_completed``; the event is written with the next batch
    (``SearchEventBuffer``). For a logged-in user, one query looks up the organisation kind."""
    if params.page != 1:
        return
    search_events.add(
        [
            timezone.now().replace(minute=0, second=0, microsecond=0),
            buyer_organisation_kind(request.user),
            sorted(params.region),
            sorted(params.sector),
            sorted(params.category),
            bool(params.q.strip()),
            count,
            sender,
        ]
    )


def search_events_purge(*, now: datetime | None = None) -> int:
    """Delete search events older than the retention period, and the monthly roll-ups of months wholly older;
    returns how many events."""
    from .demand import month_of

    cutoff = shift_months(now or timezone.now(), -SEARCH_EVENTS_RETENTION_MONTHS)
    deleted, _by_model = SearchEvent.objects.older_than(cutoff).delete()
    # The month of the cutoff keeps its roll-up until it is wholly older (aggregated counts, no event).
    SearchDemandMonth.objects.filter(month__lt=month_of(cutoff)).delete()
    return deleted


def search_demand_roll_up(*, now: datetime | None = None) -> int:
    """Roll up the searches of completed months (``insights.demand.search_demand_roll_up``); returns how many
    months."""
    from .demand import search_demand_roll_up as roll_up

    return len(roll_up(now=now or timezone.now(), retention_months=SEARCH_EVENTS_RETENTION_MONTHS))


# --- Coverage snapshots ---


def coverage_snapshot_take(*, today: date | None = None) -> int:
    """Store today's coverage of every region and category (``CoverageSnapshot``); taking it again the same
    day replaces it. Returns the number of cells."""
    from .coverage import snapshot_counts

    today = today or timezone.localdate()
    counts = snapshot_counts(now=timezone.now())
    regions = list(Region.objects.order_by("code").values_list("code", flat=True))
    categories = list(Category.objects.order_by("code").values_list("code", flat=True))
    rows = [
        CoverageSnapshot(
            taken_on=today,
            region_id=region,
            category_id=category,
            **{measure: int(counts[measure][region][category]) for measure in counts},
        )
        for region in regions
        for category in categories
    ]
    with transaction.atomic():
        CoverageSnapshot.objects.filter(taken_on=today).delete()
        CoverageSnapshot.objects.bulk_create(rows)
    return len(rows)


# --- The yearly confirmation of listings ---


def _send(template: str, *, to: list[str], context: dict) -> None:
    if not to:
        return
    context = {"site_url": settings.SITE_URL, **context}
    # The administration writes to enterprises in French.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"insights/email/{template}_subject.txt", context)
        body = render_to_string(f"insights/email/{template}_message.txt", context)
        from_email = sender()
    subject = " ".join(subject.split())
    # One message per person: co-members do not see each other's addresses.
    send_mass_mail([(subject, body, from_email, [address]) for address in sorted(set(to))])


def active_member_emails(supplier_id: int) -> list[str]:
    return list(
        Membership.objects.filter(supplier_id=supplier_id, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def listings_due_for_confirmation(*, now: datetime):
    """Published listings with an active member whose last check (or creation, if never checked) is at least
    ``CONFIRMATION_PERIOD_MONTHS`` old, each annotated with ``last_check``."""
    members = Membership.objects.filter(supplier_id=OuterRef("pk"), user__is_active=True)
    checked = ListingFacts.objects.filter(supplier_id=OuterRef("pk")).values("checked_at")
    return (
        Supplier.objects.published()
        .filter(Exists(members))
        .annotate(last_check=Coalesce(Subquery(checked), "created_at", output_field=DateTimeField()))
        .filter(last_check__lte=shift_months(now, -CONFIRMATION_PERIOD_MONTHS))
    )


def _confirmation_email_context(request: ConfirmationRequest, supplier: Supplier, last_check) -> dict:
    return {
        "supplier": supplier,
        "last_check": last_check,
        "confirm_url": absolute_url(reverse("insights:confirm", kwargs={"token": request.token})),
        "edit_url": absolute_url(reverse("enterprises:dashboard")),
        "public_url": absolute_url(supplier.get_absolute_url()),
    }


def confirmations_ask(*, now: datetime | None = None) -> int:
    """Email the members of every listing due for confirmation, once per period; returns how many listings.

    The request row of the period (unique per listing and due date) is created, then stamped when its email
    is sent, in one transaction per listing: a retry after a failure sends only what was not sent."""
    now = now or timezone.now()
    sent = 0
    for supplier in listings_due_for_confirmation(now=now).order_by("pk").iterator():
        due_on = timezone.localdate(shift_months(supplier.last_check, CONFIRMATION_PERIOD_MONTHS))
        with transaction.atomic():
            request, _created = ConfirmationRequest.objects.get_or_create(supplier=supplier, due_on=due_on)
            request = ConfirmationRequest.objects.select_for_update().get(pk=request.pk)
            if request.asked_at is not None:
                continue
            _send(
                "confirmation_request",
                to=active_member_emails(supplier.pk),
                context=_confirmation_email_context(request, supplier, supplier.last_check),
            )
            request.asked_at = now
            request.save(update_fields=["asked_at"])
            sent += 1
    return sent


def confirmations_remind(*, now: datetime | None = None) -> int:
    """Remind, once, the members of listings asked ``CONFIRMATION_REMINDER_DAYS`` ago that nobody confirmed nor
    verified since; returns how many listings."""
    now = now or timezone.now()
    pending = (
        ConfirmationRequest.objects.unanswered()
        .filter(reminded_at__isnull=True, asked_at__lte=now - timedelta(days=CONFIRMATION_REMINDER_DAYS))
        .filter(supplier__status="published")
        .select_related("supplier")
    )
    sent = 0
    for request in pending.order_by("pk").iterator():
        with transaction.atomic():
            locked = ConfirmationRequest.objects.select_for_update().get(pk=request.pk)
            if locked.reminded_at is not None:
                continue
            _send(
                "confirmation_reminder",
                to=active_member_emails(request.supplier_id),
                context=_confirmation_email_context(locked, request.supplier, request.asked_at),
            )
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def listing_confirm(
    *, supplier: Supplier, by=None, request: ConfirmationRequest | None = None
) -> Confirmation:
    """A member says the listing is current: stamps today's date (the listing's last check moves with it)."""
    return Confirmation.objects.create(
        supplier=supplier,
        confirmed_at=timezone.now(),
        confirmed_by=by if by is not None and by.is_authenticated else None,
        request=request,
    )

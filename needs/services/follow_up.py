"""Follow-up: reminders, digests, the outcome request and record, the retention purge."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from privacy import retention

from .. import notifications
from ..business_days import add_business_days_to_instant
from ..models import (
    AUTOMATIC_REMINDER_BUSINESS_DAYS,
    OUTCOME_REQUEST_DELAY,
    BuyerReminder,
    Need,
    NeedStatus,
    Notification,
    NotificationKind,
)
from .base import check_author, locked

# --- Follow-up ---


def buyer_reminder_send(*, need: Need, user) -> BuyerReminder:
    """The author reminds the recipients who have not answered (at most twice, 24 hours apart, before the
    deadline)."""
    with transaction.atomic():
        need = locked(need)
        check_author(need, user)
        allowed, reason = need.buyer_reminders_left()
        if not allowed:
            raise ValidationError(reason, code="reminder_not_allowed")
        reminder = BuyerReminder.objects.create(need=need, sent_by=user)
        notifications.enqueue(
            need=need,
            kind=NotificationKind.BUYER_REMINDER,
            recipients=need.recipients.active().notified().unanswered(),
            key=str(reminder.pk),
        )
    return reminder


def automatic_reminders_send(*, now=None) -> int:
    """Once per need, two business days after publication, remind the recipients who have not opened it."""
    now = now or timezone.now()
    count = 0
    candidates = Need.objects.filter(status=NeedStatus.PUBLISHED, automatic_reminder_at__isnull=True)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            need = locked(Need(pk=pk))
            if need.automatic_reminder_at is not None or not need.is_open_for_answers:
                continue
            if now < add_business_days_to_instant(need.published_at, AUTOMATIC_REMINDER_BUSINESS_DAYS):
                continue
            need.automatic_reminder_at = now
            need.save(update_fields=["automatic_reminder_at"])
            notifications.enqueue(
                need=need,
                kind=NotificationKind.REMINDER,
                recipients=need.recipients.active().notified().filter(viewed_at__isnull=True, answer=""),
            )
            count += 1
    return count


def digests_send(*, now=None) -> int:
    """Once a day, one email per need to its author listing the answers received since the last one."""
    now = now or timezone.now()
    count = 0
    needs = Need.objects.filter(status__in=[NeedStatus.PUBLISHED, NeedStatus.CLOSED])
    for pk in needs.values_list("pk", flat=True):
        with transaction.atomic():
            need = locked(Need(pk=pk))
            since = need.digest_sent_until
            answers = need.recipients.filter(answered_at__lte=now)
            if since:
                answers = answers.filter(answered_at__gt=since)
            if not answers.exists():
                continue
            notifications.enqueue(
                need=need,
                kind=NotificationKind.DIGEST,
                key=timezone.localtime(now).isoformat(timespec="seconds"),
                context={"since": since.isoformat() if since else None, "until": now.isoformat()},
            )
            need.digest_sent_until = now
            need.save(update_fields=["digest_sent_until"])
            count += 1
    return count


def outcome_requests_send(*, now=None) -> int:
    """Seven days after the deadline, ask the author for the outcome."""
    now = now or timezone.now()
    count = 0
    waiting = Need.objects.filter(status=NeedStatus.CLOSED, outcome_requested_at__isnull=True)
    for pk in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            need = locked(Need(pk=pk))
            if need.outcome_requested_at is not None or now < need.deadline_at + OUTCOME_REQUEST_DELAY:
                continue
            need.outcome_requested_at = now
            need.save(update_fields=["outcome_requested_at"])
            notifications.enqueue(need=need, kind=NotificationKind.OUTCOME_REQUEST)
            count += 1
    return count


def outcome_record(
    *,
    need: Need,
    user,
    awarded: bool,
    mode: str = "",
    retained=(),
    other_supplier: str = "",
    amount=None,
    seao_number: str = "",
) -> Need:
    """The author records the outcome: recipients retained or not; interested suppliers are told it is over."""
    with transaction.atomic():
        need = locked(need)
        check_author(need, user)
        retained_ids = {r.pk for r in retained}
        if not need.recipients.active().filter(pk__in=retained_ids).count() == len(retained_ids):
            raise PermissionDenied
        need.outcome_awarded = awarded
        need.outcome_mode = mode if awarded else ""
        need.outcome_supplier_name = other_supplier.strip() if awarded else ""
        need.outcome_amount = amount if awarded else None
        need.outcome_seao_number = seao_number.strip() if awarded else ""
        need._history_user = user
        need.save(
            update_fields=[
                "outcome_awarded",
                "outcome_mode",
                "outcome_supplier_name",
                "outcome_amount",
                "outcome_seao_number",
                "updated_at",
            ]
        )
        active = need.recipients.active()
        active.filter(pk__in=retained_ids if awarded else []).update(retained=True)
        active.exclude(pk__in=retained_ids if awarded else []).update(retained=False)
        need.change_status(NeedStatus.OUTCOME_RECORDED, by=user)
        notifications.enqueue(need=need, kind=NotificationKind.CLOSED, recipients=active.interested())
    return need


# --- Retention ---


def needs_purge(*, now=None) -> int:
    """Once the keeping period of privacy/retention.py has passed since a need closed, delete its tokens,
    per-recipient viewing data, email log and who answered for each enterprise (``answered_by``, a person). The
    need stays, with its estimated amount (a public body's figure, not personal data, which the dashboard's demand
    over 24 months sums), categories, regions, the enterprises' answers and the outcome."""
    now = now or timezone.now()
    due = Need.objects.filter(purged_at__isnull=True, closed_at__lte=now - retention.CLOSED_NEEDS)
    count = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            need = locked(Need(pk=pk))
            need.recipients.update(token=None, viewed_at=None, answered_by=None)
            Notification.objects.filter(need=need).delete()
            need.purged_at = now
            need.save(update_fields=["purged_at"])
            count += 1
    return count

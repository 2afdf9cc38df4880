"""The needs' outbox: every email about a need is a ``Notification`` row, sent by the task queue exactly once.

Enqueueing inserts rows (a unique key per need, recipient, kind and event makes it idempotent) and defers the
sender in the same transaction. The sender claims one due row (``pending`` → ``sending``, committed), sends it,
then marks it ``sent``. An SMTP failure puts the row back to ``pending`` for a later attempt (after a growing
delay, then ``failed``). A crash between the claim and the mark leaves the row in ``sending``: the email may have
gone out, so it is never sent again blindly (staff see it in the admin). Emails to suppliers are in French with
the English text below; emails to buyers and staff are in French. No tracking pixels, no tracked links.
"""

import json
import logging
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from directory.site import absolute_url, sender

from .models import DeliveryStatus, Need, Notification, NotificationKind, Recipient

logger = logging.getLogger(__name__)

SUPPLIER_KINDS = {
    NotificationKind.PUBLICATION,
    NotificationKind.UPDATE,
    NotificationKind.CLARIFICATION,
    NotificationKind.REMINDER,
    NotificationKind.BUYER_REMINDER,
    NotificationKind.WITHDRAWN,
    NotificationKind.CLOSED,
}
MAX_ATTEMPTS = 5
# Delay before attempt n + 1 after n SMTP failures.
RETRY_DELAYS = [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=8)]
ENGLISH_SEPARATOR = "\n\n" + "-" * 20 + " English version " + "-" * 20 + "\n\n"


def enqueue(*, need: Need, kind: str, recipients=None, key: str = "", context: dict | None = None) -> int:
    """Queue one email of ``kind`` per recipient (or one to the author/staff when ``recipients`` is None) and
    make sure the sender runs after the transaction commits. Queueing the same event twice adds nothing."""
    if recipients is None:
        rows = [Notification(need=need, recipient=None, kind=kind, key=key, context=context or {})]
    else:
        rows = [
            Notification(need=need, recipient_id=pk, kind=kind, key=key, context=context or {})
            for pk in recipients.values_list("pk", flat=True)
        ]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if rows:
        defer_sending()
    return len(created)


def defer_sending() -> None:
    """Defer the sender (in the current transaction); a sender already waiting in the queue is enough."""
    from procrastinate.exceptions import AlreadyEnqueued

    from .tasks import send_emails

    try:
        # A savepoint: the queueing lock's unique violation must not abort the caller's transaction.
        with transaction.atomic():
            send_emails.defer()
    except AlreadyEnqueued:
        pass


# --- Sending ---

# Claim the oldest due email and read what its message needs, in one statement (committed before sending).
CLAIM_SQL = """
WITH claimed AS (
    UPDATE {notification} SET status = 'sending', claimed_at = %(now)s, attempts = attempts + 1
    WHERE id = (
        SELECT id FROM {notification}
        WHERE status = 'pending' AND next_attempt_at <= %(now)s
        ORDER BY next_attempt_at, id
        LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id, need_id, recipient_id, kind, key, context, attempts
)
SELECT claimed.id, claimed.need_id, claimed.recipient_id, claimed.kind, claimed.key, claimed.context,
       claimed.attempts, recipient.token, recipient.retained, supplier.id, supplier.name, supplier.email
FROM claimed
LEFT JOIN {recipient} recipient ON recipient.id = claimed.recipient_id
LEFT JOIN {supplier} supplier ON supplier.id = recipient.supplier_id
"""
# A need read for its emails is read again after this many seconds (an edit made while sending shows soon).
NEED_CACHE_SECONDS = 10
LINK_PLACEHOLDER = "\x00link\x00"


class Sender:
    """Sends due emails one at a time over one mail-server connection; reads each need once (for a few seconds)
    and renders each message once per need, kind and event, each recipient's link put in afterwards."""

    def __init__(self, email_connection):
        self.email_connection = email_connection
        self.needs: dict[int, tuple[float, Need]] = {}
        self.rendered: dict[tuple, tuple[str, str]] = {}

    def need(self, pk: int) -> Need:
        loaded = self.needs.get(pk)
        if loaded is None or time.monotonic() - loaded[0] > NEED_CACHE_SECONDS:
            need = Need.objects.select_related("organisation", "author__user").get(pk=pk)
            loaded = self.needs[pk] = (time.monotonic(), need)
        return loaded[1]

    def claim_next(self) -> Notification | None:
        """Take the oldest due row: ``sending`` is committed before anything is sent."""
        from suppliers.models import Supplier

        sql = CLAIM_SQL.format(
            notification=Notification._meta.db_table,
            recipient=Recipient._meta.db_table,
            supplier=Supplier._meta.db_table,
        )
        with connection.cursor() as cursor:
            # The application's clock, as for next_attempt_at (the database's now() is a transaction's start).
            cursor.execute(sql, {"now": timezone.now()})
            row = cursor.fetchone()
        if row is None:
            return None
        pk, need_id, recipient_id, kind, key, context, attempts, token, retained, supplier_id, name, email = (
            row
        )
        notification = Notification(
            id=pk,
            need_id=need_id,
            recipient_id=recipient_id,
            kind=kind,
            key=key,
            context=json.loads(context) if isinstance(context, str) else context,
            attempts=attempts,
            status=DeliveryStatus.SENDING,
        )
        notification.need = self.need(need_id)
        if recipient_id is not None:
            # The recipient as its emails need it: its token, whether it was retained, its supplier's name and
            # public email (nothing else of these rows is read).
            notification.recipient = Recipient(
                id=recipient_id,
                need=notification.need,
                token=token,
                retained=retained,
                supplier=Supplier(id=supplier_id, name=name, email=email),
            )
        return notification

    def send_one(self, notification: Notification) -> str:
        messages = self.build_messages(notification)
        if not messages:
            # Nobody to write to any more (no public email, need purged…): nothing was sent.
            _set(notification.pk, status=DeliveryStatus.FAILED, last_error="no address")
            return "skipped"
        try:
            self.email_connection.send_messages(messages)
        except (smtplib.SMTPException, OSError) as error:
            # The server refused or could not be reached: the email was not accepted, so it is safe to retry.
            logger.warning("Email %s not sent: %s", notification.pk, error)
            self.email_connection.close()
            if notification.attempts >= MAX_ATTEMPTS:
                _set(notification.pk, status=DeliveryStatus.FAILED, last_error=str(error)[:1000])
                return "failed"
            delay = RETRY_DELAYS[min(notification.attempts, len(RETRY_DELAYS)) - 1]
            _set(
                notification.pk,
                status=DeliveryStatus.PENDING,
                next_attempt_at=timezone.now() + delay,
                last_error=str(error)[:1000],
            )
            return "retry"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Notification._meta.db_table} SET status = %s, sent_at = %s WHERE id = %s",
                [DeliveryStatus.SENT, timezone.now(), notification.pk],
            )
        return "sent"

    def build_messages(self, notification: Notification) -> list[EmailMessage]:
        """The row's email, one message per address (staff told of a submission each get their own)."""
        to = _addresses(notification)
        if not to:
            return []
        if notification.kind in SUPPLIER_KINDS:
            recipient = notification.recipient
            cache_key = (
                notification.need_id,
                notification.need.edition,
                notification.kind,
                notification.key,
                recipient.retained,
            )
            if cache_key not in self.rendered:
                self.rendered[cache_key] = _render(notification, link=LINK_PLACEHOLDER)
            subject, body = self.rendered[cache_key]
            body = body.replace(LINK_PLACEHOLDER, recipient_link(recipient))
        else:
            subject, body = _render(notification)
        with translation.override(settings.LANGUAGE_CODE):
            from_email = sender()
        return [
            EmailMessage(subject=subject, body=body, from_email=from_email, to=[address]) for address in to
        ]


def _set(pk: int, **fields) -> None:
    Notification.objects.filter(pk=pk).update(**fields)


def send_due(*, time_budget: float | None = None, email_connection=None) -> dict:
    """Send every due email, one at a time (claim, send, mark). Stops when none is due or after
    ``time_budget`` seconds (the sender then defers itself). Returns counts by outcome."""
    started = time.monotonic()
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    sender = Sender(email_connection or get_connection())
    try:
        while time_budget is None or time.monotonic() - started < time_budget:
            notification = sender.claim_next()
            if notification is None:
                break
            counts[sender.send_one(notification)] += 1
        else:
            defer_sending()
    finally:
        sender.email_connection.close()
    # Emails waiting for a retry are picked up by the periodic sweep (needs.tasks.send_emails_sweep).
    return counts


def recipient_link(recipient: Recipient) -> str:
    return absolute_url(reverse("needs:opportunity_by_token", kwargs={"token": recipient.token}))


def _addresses(notification: Notification) -> list[str]:
    if notification.kind in SUPPLIER_KINDS:
        recipient = notification.recipient
        if recipient is None or not recipient.supplier.email or not recipient.token:
            return []
        return [recipient.supplier.email]
    if notification.kind == NotificationKind.SUBMITTED:
        from enterprises.notifications import review_recipients

        return sorted(set(review_recipients()))
    author = notification.need.author
    # An author whose account was deleted is told nothing more.
    return [author.user.email] if author is not None else []


def _render(notification: Notification, *, link: str = "") -> tuple[str, str]:
    """The subject and body of an email: in French then English for a supplier, in French for a buyer or staff."""
    need = notification.need
    context = {
        "need": need,
        "notification": notification,
        "site_url": settings.SITE_URL,
        **notification.context,
        **_extra_context(notification),
    }
    template = f"needs/email/{notification.kind}"
    if notification.kind in SUPPLIER_KINDS:
        context["recipient"] = notification.recipient
        context["link"] = link
        subject, body = _render_bilingual(template, context)
    else:
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string(f"{template}_subject.txt", context)
            body = render_to_string(f"{template}_message.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body


def _render_bilingual(template: str, context: dict) -> tuple[str, str]:
    parts = {}
    for language in ("fr", "en"):
        with translation.override(language):
            parts[language] = (
                " ".join(render_to_string(f"{template}_subject.txt", context).split()),
                render_to_string(f"{template}_message.txt", context).strip(),
            )
    subject = f"{parts['fr'][0]} / {parts['en'][0]}"
    return subject, parts["fr"][1] + ENGLISH_SEPARATOR + parts["en"][1] + "\n"


def _extra_context(notification: Notification) -> dict:
    need = notification.need
    if notification.kind == NotificationKind.CLARIFICATION:
        return {"clarification": need.clarifications.filter(pk=notification.key).first()}
    if notification.kind == NotificationKind.DIGEST:
        since, until = notification.context.get("since"), notification.context.get("until")
        answers = need.recipients.select_related("supplier").filter(answered_at__lte=until)
        if since:
            answers = answers.filter(answered_at__gt=since)
        return {
            "answers": list(answers.order_by("answered_at")),
            "need_url": absolute_url(need.get_absolute_url()),
        }
    if notification.kind == NotificationKind.DECISION:
        return {
            "change": need.status_changes.order_by("-changed_at", "-pk").first(),
            "need_url": absolute_url(need.get_absolute_url()),
        }
    if notification.kind == NotificationKind.SUBMITTED:
        return {"review_url": absolute_url(reverse("admin:needs_need_change", args=[need.pk]))}
    if notification.kind == NotificationKind.OUTCOME_REQUEST:
        return {"outcome_url": absolute_url(reverse("needs:outcome", kwargs={"reference": need.reference}))}
    return {}

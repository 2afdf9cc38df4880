"""Telling recipients: one email per recipient through the task queue's real worker, each sent exactly once,
even when the sender is interrupted half-way or the mail server fails."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from needs import notifications, services
from needs.models import DeliveryStatus, NeedStatus, Notification, NotificationKind
from needs.tasks import send_emails_sweep
from tests.factories import UserFactory
from tests.needs_factories import NeedFactory, published_need, run_worker

RECIPIENTS = 10


class SimulatedCrash(BaseException):
    """The worker process dying: not an Exception, so no code of ours can catch it."""


class CrashingBackend(EmailBackend):
    """The mail server accepts the message, then the worker dies before marking it sent (after ``crash_after``
    messages)."""

    crash_after = None
    accepted = 0

    def send_messages(self, messages):
        count = super().send_messages(messages)
        type(self).accepted += count
        if type(self).accepted == type(self).crash_after:
            raise SimulatedCrash
        return count


class FlakyBackend(EmailBackend):
    """Refuses the first message to each address in ``refuse_once`` (a mail server failing), accepts the rest."""

    refuse_once: set = set()

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in type(self).refuse_once:
                type(self).refuse_once.discard(message.to[0])
                raise smtplib.SMTPServerDisconnected("connection lost")
        return super().send_messages(messages)


def submitted_need(recipients=RECIPIENTS):
    need = published_need(recipients=recipients)
    need.status = NeedStatus.SUBMITTED
    need.published_at = None
    need.save(update_fields=["status", "published_at"])
    return need


def addresses_sent():
    return [message.to[0] for message in mail.outbox]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_sends_one_email_per_recipient_in_french_then_english_with_a_personal_link():
    need = submitted_need(recipients=3)
    services.need_publish(need=need, by=UserFactory(is_staff=True))

    run_worker()

    publication = [m for m in mail.outbox if "Occasion d'affaires" in m.subject]
    recipients = list(need.recipients.select_related("supplier"))
    assert sorted(m.to[0] for m in publication) == sorted(r.supplier.email for r in recipients)
    for recipient in recipients:
        (message,) = [m for m in publication if m.to == [recipient.supplier.email]]
        french, english = message.body.split("English version")
        assert "Bonjour" in french and "Hello" not in french
        assert "Business opportunity" in message.subject
        assert (
            f"/occasions/lien/{recipient.token}/" in french
            and f"/occasions/lien/{recipient.token}/" in english
        )
        assert "<img" not in message.body  # no tracking pixel: plain text only
    assert set(
        Notification.objects.filter(kind=NotificationKind.PUBLICATION).values_list("status", flat=True)
    ) == {DeliveryStatus.SENT}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sender_interrupted_half_way_then_resumed_sends_each_email_exactly_once(settings):
    need = submitted_need()
    settings.EMAIL_BACKEND = "tests.test_needs_sending.CrashingBackend"
    CrashingBackend.accepted, CrashingBackend.crash_after = 0, RECIPIENTS // 2
    services.need_publish(need=need, by=UserFactory(is_staff=True))
    publication = Notification.objects.filter(kind=NotificationKind.PUBLICATION)

    run_worker()  # the job dies after the fifth email went out

    assert len(addresses_sent()) == RECIPIENTS // 2
    assert publication.filter(status=DeliveryStatus.SENT).count() == RECIPIENTS // 2 - 1
    # The email being sent when the worker died may have gone out: it stays "sending", never sent again blindly.
    assert publication.filter(status=DeliveryStatus.SENDING).count() == 1

    send_emails_sweep.defer(timestamp=0)  # the periodic sweep, every ten minutes
    run_worker()

    emails = [r.supplier.email for r in need.recipients.select_related("supplier")]
    publication_sent = [m.to[0] for m in mail.outbox if "Occasion d'affaires" in m.subject]
    assert sorted(publication_sent) == sorted(emails), "each recipient got its email exactly once"
    assert publication.filter(status=DeliveryStatus.SENT).count() == RECIPIENTS - 1
    assert publication.filter(status=DeliveryStatus.SENDING).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_server_failure_is_retried_later_and_the_email_sent_once(settings):
    need = submitted_need(recipients=3)
    failing = need.recipients.select_related("supplier").first().supplier.email
    settings.EMAIL_BACKEND = "tests.test_needs_sending.FlakyBackend"
    FlakyBackend.refuse_once = {failing}
    services.need_publish(need=need, by=UserFactory(is_staff=True))

    run_worker()

    row = Notification.objects.get(recipient__supplier__email=failing, kind=NotificationKind.PUBLICATION)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1 and "connection lost" in row.last_error
    assert failing not in addresses_sent()
    assert row.next_attempt_at > row.claimed_at  # later, not at once

    Notification.objects.filter(pk=row.pk).update(next_attempt_at=row.claimed_at)  # the delay has passed
    notifications.defer_sending()
    run_worker()

    assert addresses_sent().count(failing) == 1
    assert Notification.objects.get(pk=row.pk).status == DeliveryStatus.SENT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_email_refused_at_every_attempt_ends_failed(settings):
    need = submitted_need(recipients=1)
    settings.EMAIL_BACKEND = "tests.test_needs_sending.FlakyBackend"
    address = need.recipients.get().supplier.email
    services.need_publish(need=need, by=UserFactory(is_staff=True))
    row = Notification.objects.get(kind=NotificationKind.PUBLICATION)
    for _ in range(notifications.MAX_ATTEMPTS):
        FlakyBackend.refuse_once = {address}
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
        notifications.send_due()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and row.attempts == notifications.MAX_ATTEMPTS
    assert address not in addresses_sent()


@pytest.mark.django_db
def test_queueing_the_same_event_twice_adds_no_email():
    need = published_need(recipients=2)
    for _ in range(2):
        notifications.enqueue(need=need, kind=NotificationKind.PUBLICATION, recipients=need.recipients.all())
    assert Notification.objects.count() == 2

    notifications.send_due()
    notifications.send_due()

    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_withdrawing_a_published_need_cancels_unsent_emails_and_tells_those_already_told():
    need = published_need(recipients=2)
    told, not_yet = list(need.recipients.select_related("supplier"))
    notifications.enqueue(
        need=need, kind=NotificationKind.PUBLICATION, recipients=need.recipients.filter(pk=told.pk)
    )
    notifications.send_due()
    notifications.enqueue(
        need=need, kind=NotificationKind.PUBLICATION, recipients=need.recipients.filter(pk=not_yet.pk)
    )
    mail.outbox.clear()

    services.need_withdraw(need=need, user=need.author.user, message="Le besoin est reporté.")
    notifications.send_due()

    assert [m.to[0] for m in mail.outbox] == [told.supplier.email]
    assert "retiré" in mail.outbox[0].subject and "Le besoin est reporté." in mail.outbox[0].body


@pytest.mark.django_db
def test_submitting_tells_staff_and_deciding_tells_the_author(settings):
    settings.REVIEW_NOTIFICATION_EMAILS = ["validation@mtess.gouv.qc.ca", "curation@mtess.gouv.qc.ca"]
    settings.DEFAULT_FROM_EMAIL = "no-reply@repertoire.quebec"
    need = NeedFactory()
    services.need_submit(need=need, user=need.author.user)
    services.need_reject(need=need, by=UserFactory(is_staff=True), reason="Hors du champ du répertoire.")
    notifications.send_due()

    # One email per person: staff never see each other's address in the recipients.
    *to_staff, to_author = mail.outbox
    assert sorted(email.to[0] for email in to_staff) == [
        "curation@mtess.gouv.qc.ca",
        "validation@mtess.gouv.qc.ca",
    ]
    assert all(len(email.to) == 1 and need.reference in email.subject for email in to_staff)
    assert to_author.to == [need.author.user.email] and "Hors du champ du répertoire." in to_author.body
    # Sent in the site's name (directory.site.sender), in French.
    assert (
        to_author.from_email
        == '"Répertoire des fournisseurs d\'économie sociale" <no-reply@repertoire.quebec>'
    )

"""Follow-up of a published need: the automatic reminder, the buyer's digest, the outcome request, the purge."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from needs import notifications, services
from needs.business_days import add_business_days
from needs.models import DeclineReason, Need, NeedStatus, Notification, NotificationKind, Recipient
from tests.needs_factories import published_need

pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def sent_publication(need):
    for recipient in need.recipients.all():
        Notification.objects.create(
            need=need,
            recipient=recipient,
            kind=NotificationKind.PUBLICATION,
            status="sent",
            sent_at=need.published_at,
        )


def test_one_automatic_reminder_two_business_days_after_publication_to_those_who_have_not_opened_it():
    # Published on a Friday before a holiday Monday: two business days later is Wednesday.
    friday = timezone.localdate()
    while friday.weekday() != 4:
        friday += timedelta(days=1)
    need = published_need(
        recipients=3, published_at=at(friday), response_deadline=friday + timedelta(days=21)
    )
    sent_publication(need)
    opened, answered, silent = need.recipients.all()
    services.recipient_mark_viewed(opened)
    Recipient.objects.filter(pk=answered.pk).update(
        answer="not_interested", decline_reason="timing", answered_at=timezone.now()
    )
    from needs.models import Holiday

    Holiday.objects.update_or_create(
        date=friday + timedelta(days=3), defaults={"name_fr": "Férié", "name_en": "Holiday"}
    )
    due = at(add_business_days(friday, 2))
    assert due.date() == friday + timedelta(days=5)

    assert services.automatic_reminders_send(now=due - timedelta(minutes=1)) == 0
    assert services.automatic_reminders_send(now=due) == 1
    assert services.automatic_reminders_send(now=due + timedelta(days=1)) == 0, "only once"

    reminders = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert list(reminders.values_list("recipient", flat=True)) == [silent.pk]


def test_no_automatic_reminder_after_the_deadline():
    need = published_need(recipients=1, published_at=timezone.now() - timedelta(days=30))
    sent_publication(need)
    Need.objects.filter(pk=need.pk).update(response_deadline=timezone.localdate() - timedelta(days=1))
    assert services.automatic_reminders_send() == 0


def test_the_buyer_gets_one_daily_digest_of_new_answers_not_one_email_per_answer():
    need = published_need(recipients=3)
    first, second, third = need.recipients.select_related("supplier")
    services.answer_not_interested(recipient=first, reason=DeclineReason.CAPACITY)
    services.answer_interested(recipient=second, answers=[])

    assert services.digests_send() == 1
    assert services.digests_send() == 0, "nothing new since"
    notifications.send_due()
    (digest,) = mail.outbox
    assert digest.to == [need.author.user.email]
    assert first.supplier.name in digest.body and second.supplier.name in digest.body
    assert "2 nouvelles réponses" in digest.subject

    services.answer_interested(recipient=third, answers=[])
    assert services.digests_send(now=timezone.now() + timedelta(days=1)) == 1
    notifications.send_due()
    assert third.supplier.name in mail.outbox[1].body and first.supplier.name not in mail.outbox[1].body


def test_seven_days_after_the_deadline_the_author_is_asked_for_the_outcome_once():
    need = published_need(recipients=1)
    Need.objects.filter(pk=need.pk).update(status=NeedStatus.CLOSED)
    need.refresh_from_db()
    asked_at = need.deadline_at + timedelta(days=7)

    assert services.outcome_requests_send(now=asked_at - timedelta(minutes=1)) == 0
    assert services.outcome_requests_send(now=asked_at) == 1
    assert services.outcome_requests_send(now=asked_at + timedelta(days=1)) == 0
    notifications.send_due()
    (request,) = mail.outbox
    assert request.to == [need.author.user.email]
    assert reverse("needs:outcome", args=[need.reference]) in request.body


def test_twelve_months_after_closing_tokens_and_viewing_data_are_purged_and_aggregates_kept(client):
    need = published_need(recipients=2, estimated_amount=30000)
    sent_publication(need)
    viewer, decliner = need.recipients.all()
    token = viewer.token
    services.recipient_mark_viewed(viewer)
    services.answer_not_interested(recipient=decliner, reason=DeclineReason.CAPACITY)
    Need.objects.filter(pk=need.pk).update(response_deadline=timezone.localdate() - timedelta(days=1))
    services.needs_close_due()
    need.refresh_from_db()
    link = reverse("needs:opportunity_by_token", args=[token])
    assert client.get(link).status_code == 200

    assert services.needs_purge(now=need.closed_at + timedelta(days=364)) == 0
    assert services.needs_purge(now=need.closed_at + timedelta(days=365)) == 1

    assert client.get(link).status_code == 404
    assert "Lien invalide ou expiré" in client.get(link).content.decode()
    assert not Recipient.objects.filter(need=need).exclude(token=None).exists()
    assert not Recipient.objects.filter(need=need, viewed_at__isnull=False).exists()
    assert not Notification.objects.filter(need=need).exists()
    need.refresh_from_db()
    # The aggregate facts stay for statistics.
    assert need.purged_at is not None
    assert list(need.categories.values_list("code", flat=True)) == ["entretien.deneigement"]
    assert need.amount_band == "25000-99999"
    assert need.recipients.count() == 2
    assert (
        dict(need.recipients.values_list("answer", "decline_reason")).get("not_interested")
        == DeclineReason.CAPACITY
    )


def test_periodic_tasks_of_the_needs_are_declared_in_code():
    from procrastinate.contrib.django import app

    periodic = {task.task.name for task in app.periodic_registry.periodic_tasks.values()}
    assert {
        "needs.tasks.send_emails_sweep",
        "needs.tasks.close_due_needs",
        "needs.tasks.follow_up",
        "needs.tasks.daily_digests",
        "needs.tasks.purge_expired_data",
    } <= periodic

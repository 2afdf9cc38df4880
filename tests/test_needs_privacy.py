"""The needs' personal data: in a person's export, cleaned up when they delete their account, and kept only as
long as privacy/retention.py says (the privacy page shows that period)."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from needs import services
from needs.models import DeclineReason, Need, NeedStatus, Notification, NotificationKind, Recipient
from privacy import retention
from privacy.services import account_delete, personal_data_export
from tests.needs_factories import NeedFactory, published_need, recipient_member
from tests.test_needs_followup import sent_publication

pytestmark = pytest.mark.django_db


def test_a_buyers_export_lists_their_needs_and_a_members_export_their_answers(client):
    need = published_need(recipients=1, questions=["Combien ?"], estimated_amount=30000)
    recipient = need.recipients.get()
    member = recipient_member(recipient)
    services.answer_not_interested(
        recipient=recipient, user=member, reason=DeclineReason.CAPACITY, comment="Complet"
    )

    sections = personal_data_export(user=need.author.user)["sections"]
    (written,) = sections["needs"]["records"]
    assert written["reference"] == need.reference and written["questions"] == ["Combien ?"]
    assert written["estimated_amount"] == "30000.00"
    assert sections["need_answers"]["records"] == []

    client.force_login(member)
    data = json.loads(client.get(reverse("privacy:account_data_json")).content)
    (answer,) = data["sections"]["need_answers"]["records"]
    assert answer["need"] == need.reference and answer["comment"] == "Complet"
    assert data["sections"]["needs"]["records"] == []


def test_deleting_the_authors_account_withdraws_open_needs_and_keeps_the_others_facts():
    open_need = published_need(recipients=2)
    sent_publication(open_need)
    author = open_need.author
    draft = NeedFactory(author=author)
    closed = published_need(recipients=1, author=author, estimated_amount=30000)
    Need.objects.filter(pk=closed.pk).update(status=NeedStatus.CLOSED, closed_at=timezone.now())

    account_delete(user=author.user)

    assert not get_user_model().objects.filter(pk=author.user_id).exists()
    open_need.refresh_from_db()
    draft.refresh_from_db()
    closed.refresh_from_db()
    assert open_need.status == NeedStatus.WITHDRAWN and draft.status == NeedStatus.WITHDRAWN
    # The enterprises already told are told it is withdrawn.
    told = Notification.objects.filter(need=open_need, kind=NotificationKind.WITHDRAWN)
    assert set(told.values_list("recipient_id", flat=True)) == set(
        open_need.recipients.values_list("pk", flat=True)
    )
    # Facts stay for statistics, without an author.
    assert (
        closed.status == NeedStatus.CLOSED and closed.author is None and closed.amount_band == "25000-99999"
    )
    assert Recipient.objects.filter(need=closed).count() == 1


def test_a_need_without_author_still_opens_for_staff_and_its_recipients(client):
    need = published_need(recipients=1)
    recipient = need.recipients.get()
    account_delete(user=need.author.user)
    need.refresh_from_db()
    assert need.author is None
    client.force_login(get_user_model().objects.create_user(email="staff@mtess.gouv.qc.ca", is_staff=True))
    assert client.get(need.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(reverse("needs:opportunity_by_token", args=[recipient.token])).status_code == 200


def test_the_privacy_page_shows_the_needs_keeping_period_from_the_retention_module(client, monkeypatch):
    days = retention.CLOSED_NEEDS.days
    assert days == 365
    page = client.get(reverse("privacy"))
    assertContains(page, f"Effacés {days} jours après la fermeture du besoin")
    assertContains(page, f"{days} jours après la fermeture d'un besoin")
    monkeypatch.setattr(retention, "CLOSED_NEEDS", timedelta(days=30))
    assertContains(client.get(reverse("privacy")), "Effacés 30 jours après la fermeture du besoin")


def test_the_purge_follows_the_retention_module(monkeypatch):
    need = published_need(recipients=1)
    Need.objects.filter(pk=need.pk).update(
        status=NeedStatus.CLOSED, closed_at=timezone.now() - timedelta(days=40)
    )
    assert services.needs_purge() == 0
    monkeypatch.setattr(retention, "CLOSED_NEEDS", timedelta(days=30))
    assert services.needs_purge() == 1
    assert need.recipients.get().token is None


def test_the_purge_erases_who_answered_but_keeps_the_estimated_amount_the_dashboard_counts():
    from decimal import Decimal

    from insights.demand import needs_by_cell

    now = timezone.now()
    need = published_need(
        recipients=2,
        regions=["02"],
        estimated_amount=Decimal("40000"),
        published_at=now - timedelta(days=420),
    )
    answered, other = need.recipients.order_by("pk")
    member = recipient_member(answered)
    services.answer_not_interested(recipient=answered, user=member, reason=DeclineReason.CAPACITY, comment="")
    Need.objects.filter(pk=need.pk).update(status=NeedStatus.CLOSED, closed_at=now - timedelta(days=400))
    before = needs_by_cell(months=24, now=now)
    assert before[("02", "entretien.deneigement")] == (1, 40000)

    assert services.needs_purge(now=now) == 1

    answered.refresh_from_db()
    # Who answered for the enterprise is a person: erased with the links and viewing data.
    assert answered.answered_by is None and answered.token is None and answered.viewed_at is None
    # The answer itself belongs to the enterprise and stays, as do the need's facts.
    assert answered.answer == "not_interested" and answered.decline_reason == DeclineReason.CAPACITY
    assert personal_data_export(user=member)["sections"]["need_answers"]["records"] == []
    need.refresh_from_db()
    assert need.purged_at == now and need.estimated_amount == Decimal("40000")
    # A public body's estimated amount is not personal data: the dashboard's demand over 24 months is unchanged.
    assert needs_by_cell(months=24, now=now) == before


def test_the_privacy_page_says_what_the_purge_keeps_and_erases(client):
    page = client.get(reverse("privacy"))
    assertContains(page, "l'identité de la personne qui a répondu au nom de chaque entreprise")
    assertContains(page, "personne qui a répondu au nom de chacune")
    assertContains(page, "son montant estimé")
    assert "tranche de montant" not in page.content.decode()

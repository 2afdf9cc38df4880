"""From a need's page to the buyers' workspace: its recipients kept in a shortlist, and a market-research record
whose snapshot holds the recipients and their answers."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from buyers.models import MarketResearchRecord, RecordSource, Shortlist, ShortlistEntry
from needs import services
from needs.models import DeclineReason
from tests.factories import BuyerFactory, UserFactory
from tests.needs_factories import NeedFactory, published_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered():
    """A published need with three recipients: one interested (answers and a price), one not, one silent."""
    need = published_need(recipients=3, questions=["Combien de camions ?", "Depuis quand ?"])
    interested, declined, silent = need.recipients.order_by("pk")
    services.answer_interested(recipient=interested, answers=["Trois", "2015"], price=Decimal("12500.00"))
    services.answer_not_interested(recipient=declined, reason=DeclineReason.CAPACITY, comment="Pas cet hiver")
    return need, interested, declined, silent


def shortlist_url(need):
    return reverse("needs:shortlist_add", args=[need.reference])


def record_url(need):
    return reverse("needs:record_create", args=[need.reference])


# --- Shortlist ---


def test_the_author_keeps_chosen_recipients_in_a_new_list_with_the_needs_reference_and_answer(
    client, answered
):
    need, interested, declined, silent = answered
    client.force_login(need.author.user)
    response = client.post(shortlist_url(need), {"recipients": [interested.pk, declined.pk], "shortlist": ""})
    assert response.status_code == 302 and response["Location"] == need.get_absolute_url()

    shortlist = Shortlist.objects.get(owner=need.author)
    assert need.reference in shortlist.name
    notes = dict(shortlist.entries.values_list("supplier_id", "note"))
    assert set(notes) == {interested.supplier_id, declined.supplier_id}
    assert notes[interested.supplier_id] == f"Besoin {need.reference} : Intéressé"
    assert notes[declined.supplier_id] == f"Besoin {need.reference} : Pas intéressé"


def test_a_colleague_adds_to_their_own_list_once(client, answered):
    need, interested, _declined, _silent = answered
    colleague = BuyerFactory(organisation=need.organisation)
    own = Shortlist.objects.create(owner=colleague, name="Déneigement 2027")
    client.force_login(colleague.user)
    for _ in range(2):
        client.post(shortlist_url(need), {"recipients": [interested.pk], "shortlist": own.pk})
    assert list(own.entries.values_list("supplier_id", flat=True)) == [interested.supplier_id]


def test_someone_elses_list_or_another_needs_recipient_adds_nothing(client, answered):
    need, interested, _declined, _silent = answered
    authors_list = Shortlist.objects.create(owner=need.author, name="La liste de l'auteure")
    colleague = BuyerFactory(organisation=need.organisation)
    client.force_login(colleague.user)
    client.post(shortlist_url(need), {"recipients": [interested.pk], "shortlist": authors_list.pk})
    stranger = published_need(recipients=1).recipients.get()
    client.post(shortlist_url(need), {"recipients": [stranger.pk], "shortlist": ""})
    assert not ShortlistEntry.objects.exists()


def test_the_service_refuses_a_buyer_of_another_organisation(answered):
    need, interested, _declined, _silent = answered
    with pytest.raises(PermissionDenied):
        services.need_recipients_shortlist(need=need, buyer=BuyerFactory(), recipient_ids=[interested.pk])
    with pytest.raises(ValidationError):
        services.need_recipients_shortlist(need=need, buyer=need.author, recipient_ids=[])


def test_the_need_page_offers_the_workspace_to_buyers_once_published_and_never_to_staff(client, answered):
    need, interested, _declined, _silent = answered
    client.force_login(need.author.user)
    page = client.get(need.get_absolute_url())
    assertContains(page, f'name="recipients" value="{interested.pk}"')
    assertContains(page, record_url(need))
    client.force_login(UserFactory(is_staff=True))
    assertNotContains(client.get(need.get_absolute_url()), record_url(need))
    draft = NeedFactory(author=need.author)
    client.force_login(need.author.user)
    assertNotContains(client.get(draft.get_absolute_url()), 'form="shortlist-form"')


# --- Market-research record ---


RECORD_FORM = {
    "need": "Déneigement de trois écoles",
    "estimated_amount": "40000",
    "nature": "services",
    "mode_considered": "invited_tender",
    "justification": "Appel d'intérêt publié dans le répertoire; deux entreprises invitées.",
}


def test_a_record_of_the_need_holds_its_recipients_and_their_answers(client, answered):
    need, interested, declined, silent = answered
    client.force_login(need.author.user)
    form = client.get(record_url(need))
    assert form.status_code == 200
    assertContains(form, need.reference)
    response = client.post(record_url(need), {**RECORD_FORM, "selected": [interested.supplier.neq]})
    record = MarketResearchRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()

    assert record.source == RecordSource.NEED and record.criteria["need"] == need.reference
    assert record.results_count == 3
    rows = {row["neq"]: row for row in record.snapshot}
    assert set(rows) == {r.supplier.neq for r in (interested, declined, silent)}
    assert [row["neq"] for row in record.selected] == [interested.supplier.neq]
    first_question = "Question 1 : Combien de camions ?"
    assert record.extra_columns[:2] == ["Consulté le", "Réponse"] and first_question in record.extra_columns
    said = rows[interested.supplier.neq]["extra"]
    assert said["Réponse"] == "Intéressé" and said[first_question] == "Trois"
    assert said["Prix proposé ($)"] == "12500.00"
    refused = rows[declined.supplier.neq]["extra"]
    assert refused["Raison"] == "Capacité insuffisante" and refused["Commentaire"] == "Pas cet hiver"
    assert rows[silent.supplier.neq]["extra"]["Réponse"] == "Sans réponse"
    # The record's page shows the answers and what the need asked.
    page = client.get(record.get_absolute_url())
    assertContains(page, "Pas cet hiver")
    assertContains(page, f"{need.reference} — {need.title_fr}")


def test_no_record_before_the_need_is_published(client):
    draft = NeedFactory()
    client.force_login(draft.author.user)
    response = client.get(record_url(draft))
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    with pytest.raises(ValidationError):
        services.need_record_create(
            need=draft,
            buyer=draft.author,
            selected_ids=[],
            text="x",
            estimated_amount=1,
            nature="services",
            mode_considered="invited_tender",
            justification="x",
        )
    assert not MarketResearchRecord.objects.exists()

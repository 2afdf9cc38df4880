"""The yearly confirmation of listings: asked once per period, reminded once 30 days later, confirmed in one click
with the right token (or from the member's space), and the listings that did not answer shown to staff."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from insights.models import Confirmation, ConfirmationRequest, ListingFacts
from insights.services import confirmations_ask, confirmations_remind, listing_confirm, shift_months
from suppliers.models import Status
from tests.factories import MembershipFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db


def verified(days_ago, **kwargs):
    return SupplierFactory(last_verified_at=timezone.now() - timedelta(days=days_ago), **kwargs)


@pytest.fixture
def due_listing():
    """A published listing verified 13 months ago, with two members (one of them inactive)."""
    supplier = SupplierFactory(last_verified_at=shift_months(timezone.now(), -13))
    MembershipFactory(supplier=supplier, user=UserFactory(email="direction@entreprise.qc.ca"))
    MembershipFactory(supplier=supplier, user=UserFactory(email="ancienne@entreprise.qc.ca", is_active=False))
    return supplier


def test_members_are_asked_once_when_the_last_check_turns_12_months_old(due_listing):
    assert confirmations_ask() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["direction@entreprise.qc.ca"]
    request = ConfirmationRequest.objects.get(supplier=due_listing)
    assert reverse("insights:confirm", kwargs={"token": request.token}) in message.body
    assert request.due_on == timezone.localdate(shift_months(due_listing.last_verified_at, 12))

    # The next days: nothing more for this period.
    assert confirmations_ask(now=timezone.now() + timedelta(days=1)) == 0
    assert confirmations_ask(now=timezone.now() + timedelta(days=20)) == 0
    assert len(mail.outbox) == 1
    assert ConfirmationRequest.objects.count() == 1


def test_listings_checked_within_12_months_unpublished_or_without_members_are_not_asked(due_listing):
    recent = verified(300)
    MembershipFactory(supplier=recent)
    suspended = verified(400, status=Status.SUSPENDED)
    MembershipFactory(supplier=suspended)
    verified(400)  # no member
    confirmed = verified(400)
    MembershipFactory(supplier=confirmed)
    listing_confirm(supplier=confirmed)

    assert confirmations_ask() == 1
    assert set(ConfirmationRequest.objects.values_list("supplier_id", flat=True)) == {due_listing.pk}


def test_a_never_checked_listing_is_asked_12_months_after_it_was_created():
    young = SupplierFactory()
    MembershipFactory(supplier=young)
    assert confirmations_ask() == 0
    assert confirmations_ask(now=shift_months(timezone.now(), 12) + timedelta(minutes=1)) == 1


def test_the_reminder_goes_once_30_days_after_the_request_if_nobody_answered(due_listing):
    confirmations_ask()
    mail.outbox.clear()
    assert confirmations_remind(now=timezone.now() + timedelta(days=29)) == 0
    assert confirmations_remind(now=timezone.now() + timedelta(days=30, minutes=1)) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["direction@entreprise.qc.ca"]
    assert "Rappel" in mail.outbox[0].subject
    assert confirmations_remind(now=timezone.now() + timedelta(days=31)) == 0
    assert confirmations_remind(now=timezone.now() + timedelta(days=60)) == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("answer", ["confirmed", "verified"])
def test_no_reminder_once_the_listing_is_confirmed_or_verified(due_listing, answer):
    confirmations_ask()
    if answer == "confirmed":
        listing_confirm(supplier=due_listing)
    else:
        due_listing.mark_verified(by=UserFactory(is_staff=True))
    mail.outbox.clear()
    assert confirmations_remind(now=timezone.now() + timedelta(days=31)) == 0
    assert mail.outbox == []


def test_a_confirmed_listing_is_asked_again_12_months_after_its_confirmation(due_listing):
    confirmations_ask()
    listing_confirm(supplier=due_listing)
    a_year_later = shift_months(timezone.now(), 12) + timedelta(days=1)
    assert confirmations_ask(now=a_year_later) == 1
    assert ConfirmationRequest.objects.filter(supplier=due_listing).count() == 2


def test_the_emailed_link_confirms_the_listing_in_one_click_without_logging_in(client, due_listing):
    confirmations_ask()
    request = ConfirmationRequest.objects.get()
    url = reverse("insights:confirm", kwargs={"token": request.token})

    page = client.get(url)
    assert page.status_code == 200
    assert not Confirmation.objects.exists(), "opening the link (as mail scanners do) changes nothing"

    response = client.post(url)
    assert response.status_code == 302
    confirmation = Confirmation.objects.get()
    assert confirmation.supplier == due_listing
    assert confirmation.request == request
    assert confirmation.confirmed_by is None
    assert timezone.localdate(confirmation.confirmed_at) == timezone.localdate()
    assert ListingFacts.objects.get(supplier=due_listing).checked_at == confirmation.confirmed_at


def test_a_wrong_token_confirms_nothing(client, due_listing):
    confirmations_ask()
    token = ConfirmationRequest.objects.get().token
    for wrong in [token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 43, token.upper()]:
        assert client.get(reverse("insights:confirm", kwargs={"token": wrong})).status_code == 404
        assert client.post(reverse("insights:confirm", kwargs={"token": wrong})).status_code == 404
    assert not Confirmation.objects.exists()


def test_an_earlier_periods_token_no_longer_works(client, due_listing):
    confirmations_ask()
    old_token = ConfirmationRequest.objects.get().token
    listing_confirm(supplier=due_listing)
    confirmations_ask(now=shift_months(timezone.now(), 12) + timedelta(days=1))
    assert client.post(reverse("insights:confirm", kwargs={"token": old_token})).status_code == 404
    assert Confirmation.objects.count() == 1


def test_a_token_of_a_listing_no_longer_published_confirms_nothing(client, due_listing):
    confirmations_ask()
    token = ConfirmationRequest.objects.get().token
    due_listing.suspend(reason="Fermée")
    assert client.post(reverse("insights:confirm", kwargs={"token": token})).status_code == 404
    assert not Confirmation.objects.exists()


def test_a_member_confirms_from_their_space(client, due_listing):
    member = due_listing.memberships.get(user__is_active=True).user
    client.force_login(member)
    dashboard = client.get(reverse("enterprises:dashboard"))
    confirm_url = reverse("insights:confirm_as_member", kwargs={"pk": due_listing.pk})
    assert confirm_url in dashboard.content.decode()
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert Confirmation.objects.get().confirmed_by == member


def test_only_a_member_may_confirm_a_listing_from_a_space(client, due_listing):
    url = reverse("insights:confirm_as_member", kwargs={"pk": due_listing.pk})
    assert client.post(url).status_code == 302  # to the log-in page
    client.force_login(MembershipFactory().user)  # a member of another listing
    assert client.post(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.post(url).status_code == 404
    assert not Confirmation.objects.exists()


def test_staff_see_the_listings_that_did_not_answer(curator_client, due_listing):
    answered = verified(400, name="Entreprise qui a répondu")
    MembershipFactory(supplier=answered)
    confirmations_ask()
    listing_confirm(supplier=answered)
    closed = verified(400, name="Entreprise fermée depuis")
    MembershipFactory(supplier=closed)
    confirmations_ask()
    closed.suspend(reason="Fermée")
    response = curator_client.get(reverse("insights:freshness"))
    table = response.context["tables"]["sans_reponse"]
    assert [row[1].value for row in table.rows] == [due_listing.neq]
    assert response.context["unanswered_count"] == 1
    assert list(ConfirmationRequest.objects.unanswered().values_list("supplier_id", flat=True)) == [
        due_listing.pk
    ]


def test_a_request_about_a_listing_no_longer_published_is_not_counted_as_unanswered():
    from insights.freshness import unanswered_count

    closed = verified(400, name="Fermée")  # created just before the other: its neighbour in the listing index
    MembershipFactory(supplier=closed)
    still_open = verified(400, name="Ouverte")
    MembershipFactory(supplier=still_open)
    confirmations_ask()
    closed.suspend(reason="Fermée")
    assert unanswered_count() == 1
    assert list(ConfirmationRequest.objects.unanswered().values_list("supplier_id", flat=True)) == [
        still_open.pk
    ]


def test_a_persons_confirmations_are_in_their_data_export_and_stay_without_them_when_they_leave(due_listing):
    from privacy import services as privacy

    member = due_listing.memberships.get(user__is_active=True).user
    confirmation = listing_confirm(supplier=due_listing, by=member)
    data = privacy.personal_data_export(user=member)
    assert data["sections"]["listing_confirmations"]["records"] == [
        {"listing": due_listing.name, "neq": due_listing.neq, "confirmed_at": confirmation.confirmed_at}
    ]
    member.delete()
    confirmation.refresh_from_db()
    assert confirmation.confirmed_by is None
    assert ListingFacts.objects.get(supplier=due_listing).confirmed_at == confirmation.confirmed_at

"""Staff review in the admin: queues, field-by-field comparison, approve and refuse."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from enterprises import services
from enterprises.models import ClaimRequest, DecisionStatus, Membership, Revision
from suppliers.models import Status
from tests.factories import (
    MembershipFactory,
    OfferingFactory,
    SupplierFactory,
    UserFactory,
    VerifiedUserFactory,
)

REVISIONS = reverse("admin:enterprises_revision_changelist")
CLAIMS = reverse("admin:enterprises_claimrequest_changelist")


@pytest.fixture
def revision(db):
    supplier = SupplierFactory(name="Buanderie Solidaire", neq="1140000005", city="Saguenay")
    OfferingFactory(supplier=supplier, title="Lavage de literie", category_id="entretien.buanderie")
    member = MembershipFactory(supplier=supplier).user
    data = services.listing_snapshot(supplier)
    data.update(name="Buanderie Solidaire du Fjord", claimed_accreditations=["adapted"])
    return services.revision_submit(
        supplier=supplier, user=member, data=data, token=services.listing_edit_start(supplier)[1]
    )


def review_url(obj):
    return reverse(f"admin:enterprises_{obj._meta.model_name}_change", args=[obj.pk])


def test_review_queue_lists_pending_revisions_by_default(curator_client, revision, assert_snapshot_queries):
    other = SupplierFactory(name="Déjà décidée")
    decided = Revision.objects.create(
        supplier=other, data=services.listing_snapshot(other), status=DecisionStatus.REFUSED, reason="Non."
    )
    for _ in range(3):
        supplier = SupplierFactory()
        Revision.objects.create(supplier=supplier, data=services.listing_snapshot(supplier))
    with assert_snapshot_queries():
        response = curator_client.get(REVISIONS)
    shown = set(response.context["cl"].result_list)
    assert revision in shown and decided not in shown
    assert len(shown) == 4
    response = curator_client.get(REVISIONS, {"statut": "all"})
    assert decided in set(response.context["cl"].result_list)


def test_review_page_compares_current_and_proposed_values_field_by_field(curator_client, revision):
    response = curator_client.get(review_url(revision))
    assert response.status_code == 200
    html = response.content.decode()
    assertContains(response, "Buanderie Solidaire du Fjord")
    assertContains(response, "Version publique actuelle")
    changed_rows = re.findall(r'<tr class="changed">\s*<th scope="row">([^<]+)', html)
    assert [label.strip() for label in changed_rows] == ["Nom", "Accréditations déclarées"]
    assertContains(response, "2 champs modifiés")
    assertContains(response, "Lavage de literie")
    assertContains(response, 'name="_approve"')
    assertContains(response, 'name="_refuse"')


def test_curator_approves_from_the_review_page(curator_client, curator, revision):
    response = curator_client.post(
        review_url(revision), {"_approve": "Approuver", "verified_accreditations": ["adapted"], "reason": ""}
    )
    assert response.status_code == 302
    supplier = revision.supplier
    supplier.refresh_from_db()
    assert supplier.name == "Buanderie Solidaire du Fjord"
    assert supplier.accreditations == ["adapted"]
    assert supplier.history.first().history_user == curator
    revision.refresh_from_db()
    assert revision.status == DecisionStatus.APPROVED


def test_refusing_without_a_reason_is_rejected_on_the_review_page(curator_client, revision):
    response = curator_client.post(review_url(revision), {"_refuse": "Refuser", "reason": ""})
    assert response.status_code == 200
    assertContains(response, "Indiquez le motif du refus")
    revision.refresh_from_db()
    assert revision.status == DecisionStatus.PENDING


def test_curator_refuses_with_a_reason(curator_client, revision):
    response = curator_client.post(
        review_url(revision), {"_refuse": "Refuser", "reason": "Nom non conforme au REQ."}
    )
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.status == DecisionStatus.REFUSED
    assert revision.reason == "Nom non conforme au REQ."
    revision.supplier.refresh_from_db()
    assert revision.supplier.name == "Buanderie Solidaire"


def test_decided_revision_shows_the_decision_and_cannot_be_decided_again(curator_client, curator, revision):
    services.revision_refuse(revision=revision, by=curator, reason="Doublon.")
    response = curator_client.get(review_url(revision))
    assertContains(response, "Doublon.")
    assertNotContains(response, 'name="_approve"')
    assert curator_client.post(review_url(revision), {"_approve": "1"}).status_code == 403


def test_new_listing_review_shows_proposed_values_and_publishes(curator_client, db):
    member = VerifiedUserFactory()
    supplier = SupplierFactory(name="Nouvelle Coop", status=Status.DRAFT)
    OfferingFactory(supplier=supplier)
    MembershipFactory(user=member, supplier=supplier)
    revision = services.listing_submit(supplier=supplier, user=member)
    response = curator_client.get(review_url(revision))
    assertContains(response, "Nouvelle fiche soumise pour publication")
    assertNotContains(response, "Version publique actuelle")
    curator_client.post(review_url(revision), {"_approve": "1"})
    supplier.refresh_from_db()
    assert supplier.status == Status.PUBLISHED


def test_staff_outside_the_curators_group_cannot_review(client, revision):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(REVISIONS).status_code == 403
    assert client.get(review_url(revision)).status_code == 403
    assert client.post(review_url(revision), {"_approve": "1"}).status_code == 403


def test_non_staff_member_is_sent_to_the_admin_login(client, revision):
    client.force_login(Membership.objects.get(supplier=revision.supplier).user)
    response = client.get(review_url(revision))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# --- Claims ---


@pytest.fixture
def claim(db):
    supplier = SupplierFactory(name="Atelier Côte-Nord")
    return services.claim_request(user=VerifiedUserFactory(), neq=supplier.neq, message="Coordonnatrice.")


def test_claim_queue_and_approval(curator_client, claim, assert_snapshot_queries):
    refused = SupplierFactory()
    ClaimRequest.objects.create(
        user=UserFactory(), neq=refused.neq, supplier=refused, status=DecisionStatus.REFUSED, reason="Non."
    )
    with assert_snapshot_queries():
        response = curator_client.get(CLAIMS)
    assert list(response.context["cl"].result_list) == [claim]
    page = curator_client.get(review_url(claim))
    assertContains(page, "Coordonnatrice.")
    assertContains(page, "adresse confirmée")
    response = curator_client.post(review_url(claim), {"_approve": "1", "reason": ""})
    assert response.status_code == 302
    assert Membership.objects.filter(user=claim.user, supplier=claim.supplier).exists()


def test_claim_refusal_needs_a_reason(curator_client, claim):
    response = curator_client.post(review_url(claim), {"_refuse": "1", "reason": ""})
    assert response.status_code == 200
    assertContains(response, "Indiquez le motif du refus")
    response = curator_client.post(review_url(claim), {"_refuse": "1", "reason": "Aucune preuve."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == DecisionStatus.REFUSED


def test_new_listing_published_from_the_supplier_admin_can_still_be_approved(
    curator_client, curator, django_capture_on_commit_callbacks
):
    member = VerifiedUserFactory()
    supplier = SupplierFactory(name="Publiée ailleurs", status=Status.DRAFT)
    OfferingFactory(supplier=supplier)
    MembershipFactory(user=member, supplier=supplier)
    revision = services.listing_submit(supplier=supplier, user=member)
    supplier.publish(by=curator)
    assertContains(curator_client.get(review_url(revision)), "a déjà été publiée")
    with django_capture_on_commit_callbacks(execute=True):
        curator_client.post(review_url(revision), {"_approve": "1"})
    supplier.refresh_from_db()
    assert supplier.status == Status.PUBLISHED
    revision.refresh_from_db()
    assert revision.status == DecisionStatus.APPROVED
    assert [m.to for m in mail.outbox] == [[member.email]]

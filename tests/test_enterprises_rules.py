"""Each rule of the enterprise side in one home, used everywhere: a test per rule fails when the rule breaks."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import CURATORS_GROUP
from enterprises import services
from enterprises.models import ClaimRequest, DecisionStatus, EditMode, Revision, listing_edit_mode
from suppliers.models import SERVICE_AREA_REQUIRED, Status, validate_service_area
from tests.factories import MembershipFactory, OfferingFactory, SupplierFactory, VerifiedUserFactory
from tests.test_enterprises_listing import CREATE, listing_post


@pytest.mark.parametrize(
    ("status", "mode"),
    [
        (Status.DRAFT, EditMode.DIRECT),
        (Status.PENDING, EditMode.NONE),
        (Status.PUBLISHED, EditMode.REVISION),
        (Status.SUSPENDED, EditMode.REVISION),
        (Status.ARCHIVED, EditMode.NONE),
    ],
)
def test_how_a_member_may_edit_follows_the_status(db, client, status, mode):
    supplier = SupplierFactory(status=status)
    OfferingFactory(supplier=supplier)
    membership = MembershipFactory(supplier=supplier)
    assert listing_edit_mode(supplier) == mode == membership.edit_mode
    client.force_login(membership.user)
    page = client.get(reverse("enterprises:listing_edit", args=[supplier.pk]))
    dashboard = client.get(reverse("enterprises:dashboard"))
    edit_url = reverse("enterprises:listing_edit", args=[supplier.pk])
    if mode == EditMode.NONE:
        assert "form" not in page.context
        assert edit_url not in dashboard.content.decode()
    else:
        assert page.context["is_draft"] == (mode == EditMode.DIRECT)
        assertContains(dashboard, edit_url)


def test_the_services_refuse_an_edit_the_mode_does_not_allow(db):
    supplier = SupplierFactory(status=Status.PUBLISHED)
    member = MembershipFactory(supplier=supplier).user
    start, token = services.listing_edit_start(supplier)
    with pytest.raises(services.ListingNotEditable):
        services.listing_update_draft(supplier=supplier, user=member, data=start, token=token)
    supplier.archive(reason="Fermée.")
    with pytest.raises(services.ListingNotEditable):
        services.revision_submit(supplier=supplier, user=member, data=start, token=token)


# --- At least one region served, or all of Québec ---


def test_the_service_area_rule_has_one_wording_in_every_form(db, client, curator_client):
    client.force_login(VerifiedUserFactory())
    enterprise = client.post(CREATE, listing_post(regions_served=[]))
    assert enterprise.context["form"].errors["regions_served"] == [str(SERVICE_AREA_REQUIRED)]
    from suppliers.admin import SupplierAdminForm

    admin_form = SupplierAdminForm(
        {
            "name": "X",
            "neq": "1100000077",
            "legal_form": "non_profit",
            "description_fr": "X",
            "head_office_region": "01",
        }
    )
    assert not admin_form.is_valid()
    assert admin_form.errors["regions_served"] == [str(SERVICE_AREA_REQUIRED)]


def test_a_supplier_written_through_the_model_needs_a_region_or_all_of_quebec(db):
    supplier = SupplierFactory(regions=["01"])
    with pytest.raises(ValidationError) as refused:
        supplier.set_regions_served([])
    assert refused.value.messages == [str(SERVICE_AREA_REQUIRED)]
    assert list(supplier.regions_served.values_list("code", flat=True)) == ["01"]
    supplier.serves_all_quebec = True
    supplier.save()
    supplier.set_regions_served(["01", "02"])  # all of Québec lists none
    assert not supplier.regions_served.exists()
    validate_service_area(serves_all_quebec=False, regions=["03"])


def test_a_revision_cannot_leave_a_listing_without_a_service_area(db, curator):
    supplier = SupplierFactory(regions=["01"])
    member = MembershipFactory(supplier=supplier).user
    start, token = services.listing_edit_start(supplier)
    services.revision_submit(
        supplier=supplier, user=member, data={**start, "regions_served": []}, token=token
    )
    with pytest.raises(ValidationError):
        services.revision_approve(revision=Revision.objects.get(), by=curator, verified_accreditations=[])
    supplier.refresh_from_db()
    assert list(supplier.regions_served.values_list("code", flat=True)) == ["01"]


# --- Refusing needs a reason, said once ---


@pytest.mark.parametrize("kind", ["revision", "claim"])
def test_refusing_without_a_reason_is_refused_by_the_model_with_its_message(db, curator, kind):
    supplier = SupplierFactory()
    member = MembershipFactory(supplier=supplier).user
    if kind == "revision":
        start, token = services.listing_edit_start(supplier)
        obj = services.revision_submit(
            supplier=supplier, user=member, data={**start, "city": "Matane"}, token=token
        )
        refuse, expected = services.revision_refuse, "transmis à l'entreprise"
    else:
        obj = services.claim_request(user=VerifiedUserFactory(), neq=supplier.neq, message="?")
        refuse, expected = services.claim_refuse, "transmis au demandeur"
    with pytest.raises(ValidationError) as refused:
        refuse(**{kind: obj}, by=curator, reason="  ")
    assert expected in refused.value.message_dict["reason"][0]
    obj.refresh_from_db()
    assert obj.status == DecisionStatus.PENDING


def test_the_review_page_shows_the_models_refusal_message_on_the_reason_field(curator_client, db):
    claim = services.claim_request(user=VerifiedUserFactory(), neq=SupplierFactory().neq, message="?")
    response = curator_client.post(
        reverse("admin:enterprises_claimrequest_change", args=[claim.pk]), {"_refuse": "1", "reason": ""}
    )
    assert response.context["form"].errors["reason"] == [str(ClaimRequest.REFUSAL_REASON_REQUIRED)]


def test_the_curators_group_is_named_once(db, curator):
    assert Group.objects.filter(name=CURATORS_GROUP).exists()
    from enterprises.notifications import review_recipients

    assert review_recipients() == [curator.email]

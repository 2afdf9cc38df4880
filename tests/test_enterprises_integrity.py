"""Nothing lost, nothing overwritten without saying so: bounded formsets, two people editing one listing, a revision
made stale by staff or an import, two people creating the same NEQ at once."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from enterprises import services
from enterprises.models import DecisionStatus, Membership, Revision
from suppliers.models import MAX_OFFERINGS, Status, Supplier
from tests.factories import MembershipFactory, OfferingFactory, SupplierFactory, VerifiedUserFactory
from tests.test_enterprises_listing import CREATE, edit_post, listing_post

# --- Formsets are bounded ---


def test_a_huge_offering_count_is_refused_without_building_the_forms(client, db):
    client.force_login(VerifiedUserFactory())
    response = client.post(CREATE, listing_post(**{"offres-TOTAL_FORMS": "1000000000"}))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) <= MAX_OFFERINGS
    assertContains(response, f"Une fiche compte au plus {MAX_OFFERINGS} offres.")
    assert len(response.content) < 1_000_000
    assert not Supplier.objects.exists()


def test_more_offerings_than_the_maximum_are_refused(client, db):
    client.force_login(VerifiedUserFactory())
    data = listing_post(**{"offres-TOTAL_FORMS": str(MAX_OFFERINGS + 1)})
    for n in range(MAX_OFFERINGS + 1):
        data.update({f"offres-{n}-kind": "service", f"offres-{n}-title": f"Offre {n}", f"offres-{n}-category": "entretien.menager"})  # fmt: skip
    response = client.post(CREATE, data)
    assertContains(response, f"Une fiche compte au plus {MAX_OFFERINGS} offres.")
    assert not Supplier.objects.exists()


def test_the_admin_offering_inline_is_bounded_too(curator, db):
    from django.contrib import admin
    from django.test import RequestFactory

    from suppliers.admin import OfferingInline

    request = RequestFactory().get("/")
    request.user = curator
    formset_class = OfferingInline(Supplier, admin.site).get_formset(request, SupplierFactory())
    assert formset_class.max_num == MAX_OFFERINGS and formset_class.absolute_max == MAX_OFFERINGS


# --- Two members edit the same published listing ---


@pytest.fixture
def published(db):
    supplier = SupplierFactory(
        name="Récupération Solidaire",
        neq="1160000002",
        description_fr="Version approuvée.",
        phone="418 555-0000",
    )
    OfferingFactory(supplier=supplier, title="Collecte de matériel informatique")
    return supplier


@pytest.fixture
def first(published):
    return MembershipFactory(supplier=published, user__email="premiere@coop.example").user


@pytest.fixture
def second(published):
    return MembershipFactory(supplier=published, role="editor", user__email="second@coop.example").user


def post_as(user, url, data):
    client = Client()
    client.force_login(user)
    return client.post(url, data)


def test_the_second_of_two_members_sees_what_changed_and_keeps_what_they_typed(published, first, second):
    url = reverse("enterprises:listing_edit", args=[published.pk])
    # Both open the form, then A sends a phone change.
    form_a = edit_post(published, phone="418 555-1111", city="Rimouski")
    form_b = edit_post(published, phone="418 555-0000", city="Matane")
    assert post_as(first, url, form_a).status_code == 302

    response = post_as(second, url, form_b)
    assert response.status_code == 409
    assertContains(response, "La fiche a changé depuis que vous avez ouvert ce formulaire", status_code=409)
    assertContains(response, "418 555-1111", status_code=409)  # what A changed, shown
    form = response.context["form"]
    assert form.initial["city"] == "Matane"  # what B typed, kept
    assert form.initial["phone"] == "418 555-1111"  # what B left alone takes A's change
    # Nothing of B's was saved: the pending revision is still A's.
    revision = Revision.objects.get(supplier=published, status=DecisionStatus.PENDING)
    assert (revision.data["phone"], revision.data["city"]) == ("418 555-1111", "Rimouski")

    # B sends the form as it came back: both changes are in the revision.
    again = {**form_b, "phone": form.initial["phone"], "version": form.initial["version"]}
    assert post_as(second, url, again).status_code == 302
    revision.refresh_from_db()
    assert (revision.data["phone"], revision.data["city"]) == ("418 555-1111", "Matane")


def test_a_field_both_changed_keeps_the_second_persons_value_and_says_so(published, first, second):
    url = reverse("enterprises:listing_edit", args=[published.pk])
    form_a = edit_post(published, phone="418 555-1111")
    form_b = edit_post(published, phone="418 555-2222")
    post_as(first, url, form_a)
    response = post_as(second, url, form_b)
    assertContains(response, "vous l'aviez aussi modifié", status_code=409)
    assert response.context["form"].initial["phone"] == "418 555-2222"


def test_two_members_editing_a_draft_are_checked_the_same_way(db):
    draft = SupplierFactory(status=Status.DRAFT, city="Rimouski")
    OfferingFactory(supplier=draft)
    a, b = MembershipFactory(supplier=draft).user, MembershipFactory(supplier=draft, role="editor").user
    url = reverse("enterprises:listing_edit", args=[draft.pk])
    form_a, form_b = edit_post(draft, phone="418 555-1111"), edit_post(draft, city="Matane")
    assert post_as(a, url, form_a).status_code == 302
    assert post_as(b, url, form_b).status_code == 409
    draft.refresh_from_db()
    assert (draft.phone, draft.city) == ("418 555-1111", "Rimouski")


def test_a_form_without_its_version_is_not_applied_blindly(published, first):
    data = edit_post(published, city="Matane")
    del data["version"]
    response = post_as(first, reverse("enterprises:listing_edit", args=[published.pk]), data)
    assert response.status_code == 409
    assert not Revision.objects.exists()


# --- A revision applies only what the member changed ---


def submit_change(supplier, member, **changes):
    """A member sends a change from a form opened now."""
    start, token = services.listing_edit_start(supplier)
    return services.revision_submit(supplier=supplier, user=member, data={**start, **changes}, token=token)


def staff_edit(supplier, curator, **changes):
    """What the supplier admin (or an import) does: write the row, recorded in the history."""
    for field, value in changes.items():
        setattr(supplier, field, value)
    supplier._history_user = curator
    supplier.save()


def test_approving_a_stale_revision_keeps_what_staff_fixed_since(published, first, curator):
    submit_change(published, first, description_fr="Nouvelle description.")
    staff_edit(published, curator, phone="418 555-9999", name="Récupération Solidaire (corrigé)")
    revision = Revision.objects.get(supplier=published)
    services.revision_approve(revision=revision, by=curator, verified_accreditations=[])
    published.refresh_from_db()
    assert published.description_fr == "Nouvelle description."
    assert published.phone == "418 555-9999"
    assert published.name == "Récupération Solidaire (corrigé)"


def test_the_review_page_shows_a_field_staff_changed_since_as_a_conflict(
    published, first, curator, curator_client
):
    submit_change(published, first, phone="418 555-1111", city="Matane")
    staff_edit(published, curator, phone="418 555-9999")
    revision = Revision.objects.get(supplier=published)
    response = curator_client.get(reverse("admin:enterprises_revision_change", args=[revision.pk]))
    html = response.content.decode()
    assertContains(response, "1 champ a aussi été modifié par le personnel")
    assert '<tr class="conflict">' in html and "(conflit)" in html
    conflict_row = html[html.index('<tr class="conflict">') :].split("</tr>")[0]
    assert "Téléphone" in conflict_row and "418 555-9999" in conflict_row and "418 555-0000" in conflict_row
    assert "418 555-1111" in conflict_row
    # The city changed only on the member's side: a change, not a conflict.
    assert "Matane" in html
    assert html.count('<tr class="conflict">') == 1


def test_a_new_version_of_a_pending_change_keeps_its_conflicts(published, first, curator):
    submit_change(published, first, phone="418 555-1111")
    staff_edit(published, curator, phone="418 555-9999")
    # The member comes back and also changes the city: the phone still conflicts with staff's fix.
    assert services.listing_edit_start(published)[0]["phone"] == "418 555-1111"
    submit_change(published, first, city="Matane")
    rows = {row["label"]: row for row in services.review_rows(Revision.objects.get(supplier=published))}
    assert rows["téléphone"]["conflict"]
    assert rows["municipalité"]["changed"] and not rows["municipalité"]["conflict"]


# --- An import while a member edits ---


def test_an_import_while_a_member_edits_is_a_conflict_not_a_silent_overwrite(published, first):
    from suppliers.importing import supplier_to_row
    from suppliers.services import supplier_import

    form = edit_post(published, city="Matane")
    row = {**supplier_to_row(published), "phone": "418 555-7777"}
    report = supplier_import(open_rows=lambda: enumerate([row], start=2))
    assert report.ok and report.updated == 1
    response = post_as(first, reverse("enterprises:listing_edit", args=[published.pk]), form)
    assert response.status_code == 409
    assertContains(response, "418 555-7777", status_code=409)
    assert not Revision.objects.exists()


def test_an_import_after_a_revision_is_kept_when_the_revision_is_approved(published, first, curator):
    from suppliers.importing import supplier_to_row
    from suppliers.services import supplier_import

    submit_change(published, first, city="Matane")
    row = {**supplier_to_row(published), "phone": "418 555-7777"}
    assert supplier_import(open_rows=lambda: enumerate([row], start=2)).ok
    services.revision_approve(revision=Revision.objects.get(), by=curator, verified_accreditations=[])
    published.refresh_from_db()
    assert (published.phone, published.city) == ("418 555-7777", "Matane")


# --- The same NEQ created twice at once ---


def test_creating_an_neq_taken_meanwhile_gives_the_form_error_not_a_500(client, db, monkeypatch):
    from enterprises import forms

    user = VerifiedUserFactory()
    client.force_login(user)
    original_clean_neq = forms.ListingForm.clean_neq

    def clean_neq_then_someone_else_creates_it(form):
        neq = original_clean_neq(form)
        SupplierFactory(neq=neq, status=Status.DRAFT)  # between the form's check and the insert
        return neq

    monkeypatch.setattr(forms.ListingForm, "clean_neq", clean_neq_then_someone_else_creates_it)
    response = client.post(CREATE, listing_post())
    assert response.status_code == 200
    assert response.context["form"].errors["neq"] == [str(services.NEQ_UNAVAILABLE)]
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_people_creating_the_same_neq_at_once_get_one_listing_and_three_form_errors(monkeypatch):
    users = [VerifiedUserFactory(email=f"createur{n}@coop.example") for n in range(4)]
    everyone_validated = threading.Barrier(4, timeout=30)
    original = services.listing_create

    def create_once_everyone_has_validated(**kwargs):
        everyone_validated.wait()
        return original(**kwargs)

    monkeypatch.setattr(services, "listing_create", create_once_everyone_has_validated)
    statuses = []

    def create(user):
        client = Client()
        client.force_login(user)
        try:
            statuses.append(client.post(CREATE, listing_post()).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=[user]) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 302]
    assert Supplier.objects.filter(neq="1170000001").count() == 1
    assert Membership.objects.filter(supplier__neq="1170000001").count() == 1


def test_the_dashboard_names_no_unpublished_listing_the_user_claimed(client, db):
    hidden = SupplierFactory(name="Fiche Cachée", status=Status.SUSPENDED)
    user = VerifiedUserFactory()
    services.claim_request(user=user, neq=hidden.neq, message="Directrice.")
    client.force_login(user)
    response = client.get(reverse("enterprises:dashboard"))
    assertNotContains(response, "Fiche Cachée")
    assertContains(response, f"Fiche du NEQ {hidden.neq}")

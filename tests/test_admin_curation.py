import re

import pytest
from django.contrib.admin import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from suppliers.admin import CappedCountPaginator
from suppliers.models import Status, Supplier
from tests.factories import OfferingFactory, SupplierFactory, UserFactory
from tests.test_import_export import HEADER, VALID_ROWS

CHANGELIST = "admin:suppliers_supplier_changelist"


def test_anonymous_visitor_is_sent_to_admin_login(client, db):
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_non_staff_user_cannot_reach_the_admin(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_curators_group_cannot_see_suppliers(client, db):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_curator_sees_changelist_with_filters(curator_client, assert_snapshot_queries):
    SupplierFactory.create_batch(5)
    with assert_snapshot_queries():
        response = curator_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    for title in ["statut", "région desservie", "secteur", "forme juridique", "accréditation"]:
        assertContains(response, title)


@pytest.mark.parametrize(
    ("cap", "params", "expected_count"), [(3, {}, 3), (10, {}, 5), (3, {"q": "1100"}, 3)]
)
def test_changelist_counts_at_most_the_cap(curator_client, monkeypatch, cap, params, expected_count):
    # The count is the changelist's only query that would read the whole table: it stops at COUNT_CAP rows, and
    # so do the pages offered.
    monkeypatch.setattr(CappedCountPaginator, "COUNT_CAP", cap)
    monkeypatch.setattr(site.get_model_admin(Supplier), "list_per_page", 1)
    SupplierFactory.create_batch(5)
    changelist = curator_client.get(reverse(CHANGELIST), params).context["cl"]
    assert isinstance(changelist.paginator, CappedCountPaginator)
    assert changelist.result_count == expected_count
    assert changelist.paginator.num_pages == expected_count


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status__exact": "draft"}, {"Brouillon inc."}),
        ({"region_served": "06"}, {"Montréal inc.", "Partout inc."}),
        ({"sector": "alimentation"}, {"Montréal inc."}),
        ({"legal_form__exact": "cooperative"}, {"Partout inc."}),
        ({"accreditation": "adapted"}, {"Partout inc."}),
        ({"q": "montr"}, {"Montréal inc."}),
        ({"q": "1100000777"}, {"Brouillon inc."}),
    ],
)
def test_changelist_filters_and_search(curator_client, params, expected):
    SupplierFactory(name="Montréal inc.", regions=["06"], categories=["alimentation.traiteur"])
    SupplierFactory(
        name="Partout inc.",
        serves_all_quebec=True,
        regions=[],
        legal_form="cooperative",
        coop_type="worker",
        accreditations=["adapted"],
    )
    SupplierFactory(name="Brouillon inc.", status=Status.DRAFT, neq="1100000777")
    response = curator_client.get(reverse(CHANGELIST), params)
    assert {s.name for s in response.context["cl"].result_list} == expected


def test_curator_publishes_from_the_list(curator_client, curator):
    supplier = SupplierFactory(status=Status.PENDING)
    curator_client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [supplier.pk]})
    supplier.refresh_from_db()
    assert supplier.status == Status.PUBLISHED
    assert supplier.history.first().history_user == curator


def test_suspend_asks_for_a_reason_then_records_it(curator_client, curator):
    supplier = SupplierFactory(status=Status.PUBLISHED)
    data = {"action": "suspend", "_selected_action": [supplier.pk]}
    response = curator_client.post(reverse(CHANGELIST), data)
    assertContains(response, "Motif")
    assert Supplier.objects.get(pk=supplier.pk).status == Status.PUBLISHED
    response = curator_client.post(reverse(CHANGELIST), {**data, "apply": "1", "reason": ""})
    assertContains(response, "Ce champ est obligatoire")
    curator_client.post(reverse(CHANGELIST), {**data, "apply": "1", "reason": "Assurance échue"})
    supplier.refresh_from_db()
    assert (supplier.status, supplier.status_reason) == (Status.SUSPENDED, "Assurance échue")
    assert supplier.history.first().history_change_reason == "Assurance échue"


def test_archive_with_reason(curator_client):
    supplier = SupplierFactory(status=Status.SUSPENDED)
    curator_client.post(
        reverse(CHANGELIST),
        {"action": "archive", "_selected_action": [supplier.pk], "apply": "1", "reason": "Fermeture"},
    )
    assert Supplier.objects.get(pk=supplier.pk).status == Status.ARCHIVED


def test_not_allowed_transition_is_reported_not_applied(curator_client):
    supplier = SupplierFactory(status=Status.DRAFT)
    response = curator_client.post(
        reverse(CHANGELIST),
        {"action": "suspend", "_selected_action": [supplier.pk], "apply": "1", "reason": "x"},
        follow=True,
    )
    assertContains(response, "transition non permise")
    assert Supplier.objects.get(pk=supplier.pk).status == Status.DRAFT


def test_mark_verified_stamps_the_curator(curator_client, curator):
    supplier = SupplierFactory()
    curator_client.post(reverse(CHANGELIST), {"action": "mark_verified", "_selected_action": [supplier.pk]})
    supplier.refresh_from_db()
    assert supplier.last_verified_by == curator and supplier.last_verified_at


def test_change_form_shows_offerings_inline_and_history_shows_field_changes(curator_client, curator):
    offering = OfferingFactory(title="Buffet froid")
    supplier = offering.supplier
    response = curator_client.get(reverse("admin:suppliers_supplier_change", args=[supplier.pk]))
    assertContains(response, "Buffet froid")
    supplier.suspend(by=curator, reason="Vérification des assurances")
    response = curator_client.get(reverse("admin:suppliers_supplier_history", args=[supplier.pk]))
    assertContains(response, "Vérification des assurances")
    assertContains(response, curator.email)
    assert re.search(r"published.*&rarr;.*suspended", response.content.decode(), re.S)


IMPORT = "admin:suppliers_supplier_import"


def admin_import(client, content: bytes, name: str = "f.csv"):
    """Upload a file to the admin's import: the preview."""
    return client.post(reverse(IMPORT), {"import_file": SimpleUploadedFile(name, content)})


def admin_confirm(client, preview):
    return client.post(reverse(IMPORT), {"token": preview.context["token"], "confirm": "1"}, follow=True)


def test_admin_import_previews_then_confirms(curator_client):
    response = admin_import(curator_client, ("\n".join([HEADER, *VALID_ROWS]) + "\n").encode())
    assert response.status_code == 200
    assert Supplier.objects.count() == 0  # preview only
    assertContains(response, "Traiteur La Marmite solidaire")
    assertContains(response, "2 créée(s)")
    response = admin_confirm(curator_client, response)
    assert response.status_code == 200
    assert Supplier.objects.count() == 2
    assert sorted(Supplier.objects.get(neq="1145678901").regions_served.values_list("code", flat=True)) == [
        "01",
        "03",
    ]
    record = Supplier.objects.get(neq="1145678901").history.get()
    assert record.history_user.email and record.history_change_reason == "Import de fichier (administration)"


def test_admin_import_with_bad_rows_shows_errors_and_offers_no_confirmation(curator_client):
    bad = "12345,Sans NEQ valide,non_profit,,,Description.,,,,,,,,01,01,,"
    response = admin_import(curator_client, ("\n".join([HEADER, VALID_ROWS[0], bad]) + "\n").encode())
    assert response.status_code == 200
    assert response.context.get("token") is None
    assertContains(response, "10 chiffres")
    assertNotContains(response, 'name="confirm"')
    assert Supplier.objects.count() == 0


def test_admin_export_writes_the_import_columns(curator_client):
    SupplierFactory(neq="1100000123", regions=["01", "02"])
    response = curator_client.post(
        reverse("admin:suppliers_supplier_export"),
        {"format": "0", "resource": "0", **{f"supplierresource_{c}": "on" for c in HEADER.split(",")}},
    )
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    assert content.splitlines()[0] == HEADER
    assert "1100000123" in content and "01;02" in content


def test_search_results_come_newest_first_unless_a_column_is_chosen(curator_client):
    older = SupplierFactory(name="Atelier Traiteur Ancien")
    newer = SupplierFactory(name="Zénith Traiteur")
    response = curator_client.get(reverse(CHANGELIST), {"q": "traiteur"})
    assert list(response.context["cl"].result_list) == [newer, older]
    by_name = curator_client.get(reverse(CHANGELIST), {"q": "traiteur", "o": "1"})
    assert list(by_name.context["cl"].result_list) == [older, newer]
    listing = curator_client.get(reverse(CHANGELIST))
    assert list(listing.context["cl"].result_list) == [older, newer]

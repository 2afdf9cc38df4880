"""Exports of search results and shortlists: CSV with a byte order mark and XLSX, the issue's columns, every text
cell neutralised, streamed, at most EXPORT_MAX_ROWS rows with a clear message past that; active buyers and staff
only; each export logged without its user."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django.asserts import assertContains

from buyers import exports, searching, services
from buyers.models import ExportLog, Visibility
from suppliers.models import Accreditation, CoopType, LegalForm
from tests.factories import SupplierFactory

from .conftest import ROLES

pytestmark = pytest.mark.django_db
CSV_URL = reverse("buyers:search_export", kwargs={"fmt": "csv"})
XLSX_URL = reverse("buyers:search_export", kwargs={"fmt": "xlsx"})


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [
        [cell if cell is not None else "" for cell in row]
        for row in workbook.active.iter_rows(values_only=True)
    ]


@pytest.fixture
def hostile(db):
    """A supplier whose fields a spreadsheet would run as formulas."""
    return SupplierFactory(
        name='=HYPERLINK("https://exemple.com","Cliquez")',
        neq="2200000055",
        legal_form=LegalForm.COOPERATIVE,
        coop_type=CoopType.SOLIDARITY,
        accreditations=[Accreditation.ADAPTED],
        phone="+1 418 555-0000",
        email="info@coop.exemple.qc.ca",
        website="https://coop.exemple.qc.ca",
        employees_band="10-49",
        last_verified_at=timezone.now(),
        regions=["08"],
        categories=["alimentation.traiteur", "entretien.menager"],
    )


@pytest.mark.parametrize("role", ROLES)
def test_who_may_export_search_results(as_role, role, caterers):
    response = as_role(role).get(CSV_URL + "?region=08")
    expected = {"anonymous": 302, "pending": 403, "buyer_a": 200, "buyer_b": 200, "member": 403, "staff": 200}
    assert response.status_code == expected[role]


def test_the_csv_has_a_byte_order_mark_the_columns_and_the_search_pages_results(
    client, buyer_a, caterers, hostile
):
    client.force_login(buyer_a.user)
    response = client.get(CSV_URL + "?region=08&sort=name")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="fournisseurs-{timezone.localdate().isoformat()}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "NEQ",
        "Nom",
        "Forme juridique",
        "Type de coopérative",
        "Accréditations vérifiées",
        "Région du siège social",
        "Régions desservies",
        "Catégories (segment UNSPSC)",
        "Nombre d'employés",
        "Courriel public",
        "Téléphone",
        "Site web",
        "Page du répertoire",
        "Dernière vérification",
    ]
    # The same suppliers, in the same order, as the search page.
    names = [row[1] for row in rows[1:]]
    assert names == [
        '\'=HYPERLINK("https://exemple.com","Cliquez")',
        "Coop Cantine du Nord",
        "Repas Solidaires Val-d'Or",
        "Traiteur La Bonne Table",
    ]
    row = rows[1]
    assert row[0] == "2200000055"
    assert row[2:6] == ["Coopérative", "Coopérative de solidarité", "Entreprise adaptée", "Bas-Saint-Laurent"]
    assert row[6] == "Abitibi-Témiscamingue"
    assert row[7] == "Service de traiteur (UNSPSC 90); Entretien ménager (UNSPSC 76)"
    assert row[8:12] == [
        "10 à 49 employés",
        "info@coop.exemple.qc.ca",
        "'+1 418 555-0000",
        "https://coop.exemple.qc.ca",
    ]
    assert row[12] == "http://testserver" + hostile.get_absolute_url()
    assert row[13] == timezone.localdate().isoformat()


def test_all_of_quebec_is_written_in_words(client, buyer_a):
    SupplierFactory(name="Partout", serves_all_quebec=True, regions=[])
    client.force_login(buyer_a.user)
    rows = csv_rows(client.get(CSV_URL + "?q=Partout"))
    assert rows[1][6] == "Tout le Québec"


def test_the_xlsx_holds_text_never_formulas(client, buyer_a, caterers, hostile):
    client.force_login(buyer_a.user)
    response = client.get(XLSX_URL + "?region=08&sort=name")
    assert response["Content-Disposition"].endswith(
        f'filename="fournisseurs-{timezone.localdate().isoformat()}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet["A1"].value == "NEQ" and sheet["A1"].font.bold
    assert sheet["B2"].value == '\'=HYPERLINK("https://exemple.com","Cliquez")'
    assert sheet["B2"].data_type == "s"
    assert sheet["K2"].value == "'+1 418 555-0000"
    assert sheet.max_row == 5


def test_an_export_follows_the_search_pages_query_string(client, buyer_a, caterers):
    client.force_login(buyer_a.user)
    rows = csv_rows(client.get(CSV_URL + "?q=capitale"))
    assert [row[1] for row in rows[1:]] == ["Traiteur de la Capitale"]


def test_an_invalid_query_string_is_refused_with_a_message(client, buyer_a):
    client.force_login(buyer_a.user)
    response = client.get(CSV_URL + "?region=99")
    assertContains(response, "ne forment pas une recherche valide", status_code=400)


def test_past_the_cap_the_buyer_is_asked_to_narrow_the_search(client, buyer_a, caterers, monkeypatch):
    monkeypatch.setattr("buyers.views.exports.EXPORT_MAX_ROWS", 3)
    client.force_login(buyer_a.user)
    response = client.get(XLSX_URL + "?sector=alimentation")
    assertContains(
        response, "Cette recherche donne 4 fournisseurs : un export en compte au plus 3.", status_code=400
    )
    assertContains(response, "?sector=alimentation", status_code=400)
    assert not ExportLog.objects.exists()
    assert len(xlsx_rows(client.get(XLSX_URL + "?region=08"))) == 4


def test_the_search_page_offers_exports_under_the_cap_and_says_why_not_over_it(
    client, buyer_a, caterers, monkeypatch
):
    client.force_login(buyer_a.user)
    page = client.get(reverse("suppliers:search") + "?region=08")
    assertContains(page, CSV_URL + "?region=08")
    assertContains(page, XLSX_URL + "?region=08")
    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 2)
    page = client.get(reverse("suppliers:search") + "?region=08")
    assertContains(page, "Précisez la recherche pour l'exporter")
    assert CSV_URL not in page.content.decode()


def test_rows_are_read_a_chunk_at_a_time_in_the_pages_order(client, buyer_a, caterers, monkeypatch):
    monkeypatch.setattr(searching, "EXPORT_CHUNK", 3)  # a full chunk, then a partial one
    client.force_login(buyer_a.user)
    rows = csv_rows(client.get(CSV_URL + "?sector=alimentation&sort=name"))
    assert [row[1] for row in rows[1:]] == [
        "Coop Cantine du Nord",
        "Repas Solidaires Val-d'Or",
        "Traiteur de la Capitale",
        "Traiteur La Bonne Table",
    ]


def test_a_shortlist_exports_with_status_decision_date_and_note(client, buyer_a, caterers, curator):
    shortlist = services.shortlist_create(owner=buyer_a, name="Cafétéria")
    services.shortlist_add(
        shortlist=shortlist, supplier=caterers[0], by=buyer_a.user, note="-2 jours de délai"
    )
    services.shortlist_add(shortlist=shortlist, supplier=caterers[1], by=buyer_a.user)
    caterers[1].suspend(by=curator, reason="Non conforme")
    client.force_login(buyer_a.user)
    for fmt, read in [("csv", csv_rows), ("xlsx", xlsx_rows)]:
        rows = read(client.get(reverse("buyers:shortlist_export", kwargs={"pk": shortlist.pk, "fmt": fmt})))
        assert rows[0][-4:] == ["Statut dans le répertoire", "Décision", "Date de la décision", "Note privée"]
        assert [row[1] for row in rows[1:]] == ["Traiteur La Bonne Table", "Coop Cantine du Nord"]
        assert rows[1][-4:] == [
            "Publiée",
            "Considéré",
            timezone.localdate().isoformat(),
            "'-2 jours de délai",
        ]
        assert rows[2][-4] == "Suspendue"


def test_a_colleague_exports_a_shared_list_and_others_cannot(as_role, client, colleague_a, buyer_a, caterers):
    shortlist = services.shortlist_create(owner=buyer_a, name="Partagée", visibility=Visibility.ORGANISATION)
    services.shortlist_add(shortlist=shortlist, supplier=caterers[0], by=buyer_a.user)
    url = reverse("buyers:shortlist_export", kwargs={"pk": shortlist.pk, "fmt": "csv"})
    client.force_login(colleague_a.user)
    assert client.get(url).status_code == 200
    expected = {"anonymous": 302, "pending": 403, "buyer_b": 404, "member": 403, "staff": 403}
    for role, status in expected.items():
        assert as_role(role).get(url).status_code == status


def test_each_export_is_logged_with_the_kind_of_organisation_not_the_user(client, buyer_a, caterers, curator):
    client.force_login(buyer_a.user)
    b"".join(client.get(CSV_URL + "?region=08").streaming_content)
    client.force_login(curator)
    b"".join(client.get(XLSX_URL + "?region=08").streaming_content)
    logged = list(
        ExportLog.objects.order_by("created_at").values("organisation_kind", "kind", "format", "rows")
    )
    assert logged == [
        {"organisation_kind": "health", "kind": "search", "format": "csv", "rows": 3},
        {"organisation_kind": "staff", "kind": "search", "format": "xlsx", "rows": 3},
    ]
    assert {field.name for field in ExportLog._meta.fields} == {
        "id",
        "organisation_kind",
        "kind",
        "format",
        "rows",
        "created_at",
    }

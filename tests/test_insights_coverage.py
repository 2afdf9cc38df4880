"""Coverage: who *serves* a region, *coverage(r, c)*, thin and empty cells, the dashboard's fast counts (against the
definitions and against counts written here by hand), its toggles, and the list behind a cell."""

import html
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from insights.coverage import CoverageFilters, cell_supplier_ids, coverage_by_category, coverage_by_sector
from insights.models import ListingFacts
from insights.services import listing_confirm
from suppliers.models import (
    Accreditation,
    Category,
    CoopType,
    CoverageLevel,
    LegalForm,
    Region,
    Sector,
    Status,
    Supplier,
)
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """Six suppliers; the counts each test expects are worked out by hand from this list."""
    now = timezone.now()
    return {
        # Serves 01 and 02, two categories of the same sector.
        "a": SupplierFactory(
            name="A",
            legal_form=LegalForm.COOPERATIVE,
            coop_type=CoopType.WORKER,
            regions=["01", "02"],
            categories=["entretien.menager", "entretien.deneigement"],
            last_verified_at=now - timedelta(days=30),
        ),
        # Serves all of Québec (and lists no region).
        "b": SupplierFactory(
            name="B",
            serves_all_quebec=True,
            regions=[],
            categories=["entretien.menager"],
            accreditations=[Accreditation.ADAPTED],
            last_verified_at=now - timedelta(days=800),
        ),
        "c": SupplierFactory(name="C", regions=["01"], categories=["alimentation.traiteur"]),
        # Not published: never counted.
        "d": SupplierFactory(name="D", status=Status.DRAFT, regions=["01"], categories=["entretien.menager"]),
        "e": SupplierFactory(
            name="E",
            status=Status.SUSPENDED,
            serves_all_quebec=True,
            regions=[],
            categories=["entretien.menager"],
        ),
        # Head office in 01 but serves 03 only: it does not serve 01.
        "f": SupplierFactory(
            name="F",
            head_office_region=Region.objects.get(code="01"),
            regions=["03"],
            categories=["entretien.menager"],
            accreditations=[Accreditation.INTEGRATION],
        ),
    }


# (region, category) → suppliers, counted by hand from the fixture.
EXPECTED_CELLS = {
    ("01", "entretien.menager"): {"A", "B"},
    ("02", "entretien.menager"): {"A", "B"},
    ("03", "entretien.menager"): {"B", "F"},
    ("04", "entretien.menager"): {"B"},
    ("17", "entretien.menager"): {"B"},
    ("01", "entretien.deneigement"): {"A"},
    ("02", "entretien.deneigement"): {"A"},
    ("03", "entretien.deneigement"): set(),
    ("01", "alimentation.traiteur"): {"C"},
    ("02", "alimentation.traiteur"): set(),
}


def test_a_supplier_serves_the_regions_it_lists_or_every_region_when_it_serves_all_of_quebec(catalogue):
    assert {s.name for s in Supplier.objects.serves("01")} == {"A", "B", "C"}
    assert {s.name for s in Supplier.objects.serves("03")} == {"B", "F"}
    assert {s.name for s in Supplier.objects.serves("11")} == {"B"}


@pytest.mark.parametrize(("cell", "names"), EXPECTED_CELLS.items())
def test_coverage_counts_distinct_published_suppliers_serving_the_region_with_the_category(
    catalogue, cell, names
):
    region, category = cell
    assert {s.name for s in Supplier.objects.covering(region, category)} == names
    assert Supplier.objects.coverage(region, category) == len(names)


def test_a_cell_is_empty_at_zero_thin_at_one_and_covered_from_two(catalogue):
    assert Supplier.objects.coverage_level("03", "entretien.deneigement") == CoverageLevel.EMPTY
    assert Supplier.objects.coverage_level("04", "entretien.menager") == CoverageLevel.THIN
    assert Supplier.objects.coverage_level("01", "entretien.menager") == CoverageLevel.COVERED
    assert [CoverageLevel.of(n) for n in (0, 1, 2, 3)] == ["empty", "thin", "covered", "covered"]


def test_the_dashboard_counts_equal_the_definitions_in_every_cell(catalogue):
    categories = list(Category.objects.all())
    matrix = coverage_by_category(CoverageFilters(), categories=categories)
    for region in Region.objects.all():
        for category in categories:
            assert matrix.count(region.code, category.code) == Supplier.objects.coverage(
                region.code, category.code
            ), (
                region.code,
                category.code,
            )
    for (region, category), names in EXPECTED_CELLS.items():
        assert matrix.count(region, category) == len(names)


def test_a_sector_cell_counts_a_supplier_once_whatever_its_categories_in_the_sector(catalogue):
    matrix = coverage_by_sector(CoverageFilters())
    assert matrix.count("01", "entretien") == 2  # A (two categories of the sector) and B
    assert matrix.count("03", "entretien") == 2  # B and F
    assert matrix.count("04", "entretien") == 1  # B
    assert matrix.count("01", "alimentation") == 1  # C
    assert matrix.count("04", "alimentation") == 0
    assert matrix.level("04", "alimentation") == CoverageLevel.EMPTY


def test_the_toggles_count_only_the_suppliers_they_keep(catalogue):
    adapted = coverage_by_sector(CoverageFilters(accreditations=("adapted",)))
    assert adapted.count("01", "entretien") == 1  # B
    accredited = coverage_by_sector(CoverageFilters(accreditations=("adapted", "integration")))
    assert accredited.count("03", "entretien") == 2  # B and F
    cooperatives = coverage_by_sector(CoverageFilters(legal_form=LegalForm.COOPERATIVE))
    assert cooperatives.count("01", "entretien") == 1  # A
    assert cooperatives.count("03", "entretien") == 0
    recent = coverage_by_sector(CoverageFilters(checked_recently=True))
    assert recent.count("01", "entretien") == 1  # A (verified a month ago); B was verified 800 days ago


def test_a_confirmation_by_the_enterprise_counts_as_checked_recently(catalogue):
    listing_confirm(supplier=catalogue["b"])
    recent = coverage_by_sector(CoverageFilters(checked_recently=True))
    assert recent.count("04", "entretien") == 1  # B, confirmed today


def test_the_list_behind_a_cell_is_the_cells_suppliers_with_the_toggles(catalogue):
    entretien = Sector.objects.get(code="entretien")
    menager = Category.objects.get(code="entretien.menager")
    ids = cell_supplier_ids(CoverageFilters(), region_code="01", sector=entretien)
    assert sorted(ids) == sorted(
        Supplier.objects.serves("01").in_sectors("entretien").values_list("pk", flat=True)
    )
    assert sorted(ids) == sorted([catalogue["a"].pk, catalogue["b"].pk])
    ids = cell_supplier_ids(CoverageFilters(accreditations=("adapted",)), region_code="01", category=menager)
    assert list(ids) == [catalogue["b"].pk]
    for region in Region.objects.all():
        ids = cell_supplier_ids(CoverageFilters(), region_code=region.code, category=menager)
        assert sorted(ids) == sorted(
            Supplier.objects.covering(region.code, menager.code).values_list("pk", flat=True)
        )


def test_the_cell_page_lists_the_suppliers_of_the_cell(curator_client, catalogue, assert_max_sent_queries):
    url = reverse("insights:cell") + "?region=01&category=entretien.menager"
    curator_client.get(url)  # loads the search index
    with assert_max_sent_queries(9):
        response = curator_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert catalogue["a"].get_absolute_url() in content
    assert catalogue["b"].get_absolute_url() in content
    assert catalogue["d"].get_absolute_url() not in content
    assert catalogue["f"].get_absolute_url() not in content


def test_an_unknown_cell_is_a_400_that_says_so(curator_client, catalogue):
    response = curator_client.get(reverse("insights:cell") + "?region=99&sector=entretien")
    assert response.status_code == 400
    response = curator_client.get(reverse("insights:cell") + "?region=01")
    assert response.status_code == 400


def test_the_coverage_page_shows_each_cell_with_its_level_and_link(curator_client, catalogue):
    response = curator_client.get(reverse("insights:coverage"))
    assert response.status_code == 200
    row = response.context["tables"]["couverture"].rows[3]  # Mauricie (04)
    sectors = [column.label for column in response.context["tables"]["couverture"].columns]
    entretien = sectors.index(Category.objects.get(code="entretien.menager").sector.name)
    assert row[entretien].value == 1
    assert row[entretien].level == "thin"
    assert "region=04" in row[entretien].url and "sector=entretien" in row[entretien].url


class TestListingFactsKeptByTheDatabase:
    """The narrow rows the dashboard counts follow the suppliers whatever writes them."""

    def test_publishing_adds_the_listing_and_unpublishing_removes_it(self, catalogue):
        draft = catalogue["d"]
        assert not ListingFacts.objects.filter(supplier=draft).exists()
        draft.publish()
        assert ListingFacts.objects.filter(supplier=draft).exists()
        draft.suspend(reason="Test")
        assert not ListingFacts.objects.filter(supplier=draft).exists()

    def test_new_regions_and_categories_are_counted(self, catalogue):
        c = catalogue["c"]
        c.regions_served.set(["05"])
        c.categories.set(["entretien.menager"])
        matrix = coverage_by_category(
            CoverageFilters(), categories=[Category.objects.get(code="entretien.menager")]
        )
        assert matrix.count("05", "entretien.menager") == 2  # B and C
        assert matrix.count("01", "entretien.menager") == 2  # A and B: C left 01

    def test_a_deleted_supplier_is_no_longer_counted(self, catalogue):
        catalogue["b"].delete()
        assert not ListingFacts.objects.filter(supplier_id=catalogue["b"].pk).exists()
        assert coverage_by_sector(CoverageFilters()).count("04", "entretien") == 0

    def test_the_latest_confirmation_is_kept(self, catalogue):
        b = catalogue["b"]
        first = listing_confirm(supplier=b)
        assert ListingFacts.objects.get(supplier=b).confirmed_at == first.confirmed_at
        first.delete()
        assert ListingFacts.objects.get(supplier=b).confirmed_at is None
        assert ListingFacts.objects.get(supplier=b).checked_at == b.last_verified_at


def test_the_list_behind_a_cell_exports_as_csv_with_names_kept_as_text(curator_client, catalogue):
    import csv
    import io

    catalogue["a"].name = "=HYPERLINK(1)"
    catalogue["a"].save(update_fields=["name"])
    response = curator_client.get(reverse("insights:cell_export") + "?region=01&sector=entretien")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Fournisseur", "NEQ"]
    assert sorted(row[0] for row in rows[1:]) == ["'=HYPERLINK(1)", "B"]
    b = next(row for row in rows[1:] if row[0] == "B")
    assert b[3] == "Entreprise adaptée"
    assert (
        b[4] == catalogue["b"].last_verified_at.astimezone(timezone.get_current_timezone()).date().isoformat()
    )


def test_a_supplier_serving_a_service_area_counts_in_its_region_as_the_search_finds_it():
    from suppliers.models import ServiceArea, ServiceAreaKind

    mrc = ServiceArea.objects.create(
        code="TEST-MRC", name="MRC d'essai", kind=ServiceAreaKind.MRC, region_id="05"
    )
    local = SupplierFactory(regions=[], categories=["entretien.menager"])
    local.areas_served.set([mrc])
    menager = Category.objects.get(code="entretien.menager")
    matrix = coverage_by_category(CoverageFilters(), categories=[menager])
    assert (
        matrix.count("05", "entretien.menager") == 1 == Supplier.objects.coverage("05", "entretien.menager")
    )
    assert (
        matrix.count("06", "entretien.menager") == 0 == Supplier.objects.coverage("06", "entretien.menager")
    )
    assert list(cell_supplier_ids(CoverageFilters(), region_code="05", category=menager)) == [local.pk]


def test_the_coverage_tables_sector_headers_are_abbreviated_with_their_full_names_kept(
    curator_client, catalogue
):
    import csv
    import io
    import re

    content = curator_client.get(reverse("insights:coverage")).content.decode()
    head = content[content.index('<table class="figures figures--compact" id="table-couverture">') :]
    head = head[: head.index("</thead>")]
    headers = re.findall(
        r'<th scope="col" class="figures__number"><abbr title="([^"]+)" aria-hidden="true">([^<]+)</abbr>'
        r'<span class="visually-hidden">([^<]+)</span></th>',
        head,
    )
    names = [html.unescape(name) for name in Sector.objects.values_list("name_fr", flat=True)]
    assert [html.unescape(title) for title, _short, _hidden in headers] == names
    assert [html.unescape(hidden) for _title, _short, hidden in headers] == names
    shorts = [html.unescape(short) for _title, short, _hidden in headers]
    assert len(set(shorts)) == 13 and max(len(short) for short in shorts) <= 10
    # The key below the table gives every short name in full; the export's header keeps the full names.
    for short, name in zip(shorts, names, strict=True):
        assert f"<div><dt>{html.escape(short)}</dt><dd>{html.escape(name)}</dd></div>" in content
    export = curator_client.get(reverse("insights:export_coverage", kwargs={"table": "couverture"}))
    header = next(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert header == ["Région", *names]


def test_a_sector_without_a_short_name_is_shortened_to_its_first_word():
    from insights.reports import short_name

    assert (
        short_name(Sector(code="nouveau", name_fr="Économie circulaire", name_en="Circular economy"))
        == "Écono."
    )
    assert short_name(Sector(code="court", name_fr="Arts, métiers", name_en="Arts")) == "Arts"


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "fr",
            "2 fournisseurs publiés desservent la région avec au moins une catégorie du secteur « Entretien et "
            "services immobiliers » : chacun dessert toute la région, tout le Québec ou une zone de service (MRC, "
            "municipalité) qui s'y trouve.",
        ),
        (
            "en",
            "2 published suppliers serve the region with at least one category of the sector “Cleaning and "
            "facility services”: each serves the whole region, all of Québec or a service area (RCM, "
            "municipality) within it.",
        ),
    ],
)
def test_the_cell_page_says_a_supplier_serves_the_region_also_through_all_of_quebec_or_a_service_area(
    curator_client, catalogue, language, sentence
):
    curator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = curator_client.get(reverse("insights:cell") + "?region=01&sector=entretien")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    assert sentence in text


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "fr",
            "Aucun fournisseur publié ne dessert la région avec au moins une catégorie du secteur « Fabrication et "
            "sous-traitance ».",
        ),
        (
            "en",
            "No published supplier serves the region with at least one category of the sector “Manufacturing and "
            "subcontracting”.",
        ),
    ],
)
def test_an_empty_cell_says_no_supplier_serves_the_region(curator_client, catalogue, language, sentence):
    # It said "0 fournisseur publié dessert la région [...] : il dessert toute la région [...]" ("0 published
    # suppliers serve the region [...]: each serves [...]"), describing suppliers that are not there.
    curator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = curator_client.get(reverse("insights:cell") + "?region=01&sector=fabrication")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    assert sentence in text
    assert "0 fournisseur" not in text
    assert "0 published" not in text

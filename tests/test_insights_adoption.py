"""Adoption (organisations with an active buyer, active buyers, the workspace's activity per month) and the
market-research records in "demand beside supply", against counts worked out by hand from the fixtures; the
exports' small cells."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from buyers import services as buyer_services
from buyers.models import BuyerStatus, ExportLog, RecordSource, Shortlist
from insights import adoption
from insights.demand import add_months, demand_beside_supply, month_of, records_by_cell
from insights.services import shift_months
from tests.factories import BuyerFactory, BuyerOrganisationFactory, SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bodies():
    """Four bodies: two municipalities of 08 with active buyers (one of them with two), a health body of 08 with
    only a pending buyer, a school service centre of 03 with an active buyer and a refused one."""
    now = timezone.now()
    val_dor = BuyerOrganisationFactory(name="Ville de Val-d'Or", kind="municipal", region_id="08")
    amos = BuyerOrganisationFactory(name="Ville d'Amos", kind="municipal", region_id="08")
    cisss = BuyerOrganisationFactory(name="CISSS de l'Abitibi", kind="health", region_id="08")
    css = BuyerOrganisationFactory(name="CSS de la Capitale", kind="education", region_id="03")
    buyers = {
        "val_dor_1": BuyerFactory(organisation=val_dor, user__last_login=now - timedelta(days=3)),
        "val_dor_2": BuyerFactory(organisation=val_dor, user__last_login=now - timedelta(days=60)),
        "amos": BuyerFactory(organisation=amos, user__last_login=now - timedelta(days=200)),
        "cisss": BuyerFactory(
            organisation=cisss, status=BuyerStatus.PENDING, user__last_login=now - timedelta(days=1)
        ),
        "css": BuyerFactory(organisation=css, user__last_login=None),
        "css_refused": BuyerFactory(
            organisation=css, status=BuyerStatus.REFUSED, user__last_login=now - timedelta(days=1)
        ),
    }
    return buyers


def test_organisations_with_an_active_buyer_are_counted_once_by_kind_and_region(bodies):
    assert adoption.organisations_with_active_buyer() == {
        ("municipal", "08"): 2,  # Val-d'Or (two buyers, counted once) and Amos
        ("education", "03"): 1,  # the CSS: its refused buyer changes nothing
    }  # the CISSS has only a pending buyer


def test_active_buyers_are_counted_over_30_and_90_days(bodies):
    # Active: val_dor_1 (3 days), val_dor_2 (60 days), amos (200 days), css (never logged in).
    assert adoption.active_buyers(now=timezone.now()) == {0: 4, 30: 1, 90: 2}


def _record(author, *, criteria, source=RecordSource.SEARCH):
    return buyer_services.record_create(
        author=author,
        suppliers=[],
        selected_ids=[],
        need="Entretien ménager des bureaux",
        estimated_amount=20000,
        nature="services",
        mode_considered="mutual_agreement",
        justification="Recherche de marché",
        source=source,
        criteria=criteria,
    )


def test_lists_exports_and_records_are_counted_per_month(bodies, monkeypatch):
    now = timezone.now()
    this_month, last_month = month_of(now), add_months(month_of(now), -1)
    earlier = shift_months(now, -1)
    author = bodies["val_dor_1"]
    Shortlist.objects.create(owner=author, name="Ménage")
    Shortlist.objects.create(owner=author, name="Traiteurs", created_at=earlier)
    Shortlist.objects.create(owner=bodies["amos"], name="Déneigement", created_at=earlier)
    ExportLog.objects.create(organisation_kind="municipal", kind="search", format="csv", rows=10)
    _record(author, criteria={"filters": {}})
    with monkeypatch.context() as patched:
        patched.setattr(buyer_services.timezone, "now", lambda: earlier)
        _record(author, criteria={"filters": {}})
        _record(bodies["amos"], criteria={"filters": {}})
    # Older than the twelve months shown: not counted.
    Shortlist.objects.create(owner=author, name="Vieille", created_at=shift_months(now, -13))
    rows = adoption.workspace_activity_by_month(now=now)
    assert len(rows) == 12
    assert rows[-1] == (this_month, 1, 1, 1)
    assert rows[-2] == (last_month, 2, 0, 2)
    assert all(row[1:] == (0, 0, 0) for row in rows[:-2])


def test_records_count_in_each_region_and_category_they_were_about(bodies):
    author = bodies["val_dor_1"]
    # From a search on two regions and one category: (08, ménage) and (10, ménage).
    _record(author, criteria={"filters": {"region": ["08", "10"], "category": ["entretien.menager"]}})
    # From a list about a region and a category.
    _record(
        author,
        source=RecordSource.SHORTLIST,
        criteria={"shortlist": "Ménage", "region": "08", "category": "entretien.menager"},
    )
    # No region, or no category: in no cell.
    _record(author, criteria={"filters": {"category": ["entretien.menager"]}})
    _record(
        author, source=RecordSource.SHORTLIST, criteria={"shortlist": "X", "region": "08", "category": None}
    )
    assert records_by_cell(months=12, now=timezone.now()) == {
        ("08", "entretien.menager"): 2,
        ("10", "entretien.menager"): 1,
    }


def test_records_are_shown_beside_coverage_and_count_as_demand(bodies):
    SupplierFactory(regions=["08"], categories=["entretien.menager"])
    _record(bodies["val_dor_1"], criteria={"filters": {"region": ["08"], "category": ["entretien.menager"]}})
    cells = {(c.region.code, c.category.code): c for c in demand_beside_supply(months=12, now=timezone.now())}
    cell = cells[("08", "entretien.menager")]
    assert (cell.demand.records, cell.demand.searches, cell.coverage, cell.demand.total) == (1, 0, 1, 1)


def _export(client, url):
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_adoption_page_shows_the_counts_and_its_exports_suppress_small_cells(curator_client, bodies):
    response = curator_client.get(reverse("insights:adoption"))
    assert response.status_code == 200
    rows = _export(curator_client, response.context["exports"]["organismes"])
    header, by_region = rows[0], {row[0]: row for row in rows[1:]}
    region_08 = next(row for label, row in by_region.items() if "(08)" in label)
    region_03 = next(row for label, row in by_region.items() if "(03)" in label)
    # Two municipalities of 08, one school service centre of 03: both fewer than three organisations.
    assert region_08[header.index(str(dict(adoption.OrganisationKind.choices)["municipal"]))] == "< 3"
    assert region_03[header.index(str(dict(adoption.OrganisationKind.choices)["education"]))] == "< 3"
    content = response.content.decode()
    assert "Listes, exportations et fiches de recherche de marché par mois" in content

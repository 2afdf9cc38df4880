"""Demand beside supply and the ranked gaps, against counts worked out by hand; their CSV exports with small cells
suppressed."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.demand import (
    add_months,
    demand_beside_supply,
    month_start,
    ranked_gaps,
    search_demand,
    searches_by_region,
)
from insights.models import SearchDemandDay, SearchDemandMonth, SearchEvent
from insights.services import search_demand_roll_up, search_events_purge, shift_months
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def searches(count, *, regions=(), sectors=(), categories=(), results=1, hour=None):
    hour = hour or timezone.now().replace(minute=0, second=0, microsecond=0)
    SearchEvent.objects.bulk_create(
        SearchEvent(
            hour=hour,
            regions=list(regions),
            sectors=list(sectors),
            categories=list(categories),
            results=results,
        )
        for _ in range(count)
    )


@pytest.fixture
def market():
    # Supply: (01, ménage) 2 suppliers, (02, ménage) 1, (04, traiteur) 1; everything else empty.
    SupplierFactory(regions=["01"], categories=["entretien.menager"])
    SupplierFactory(regions=["01"], categories=["entretien.menager"])
    SupplierFactory(regions=["02"], categories=["entretien.menager"])
    SupplierFactory(regions=["04"], categories=["alimentation.traiteur"])
    # Demand (this year unless said).
    searches(5, regions=["01"], categories=["entretien.menager"], results=2)
    searches(3, regions=["02", "03"], categories=["entretien.menager"], results=1, hour=months_ago(2))
    searches(4, regions=["03"], categories=["entretien.menager"], results=0, hour=months_ago(5))
    searches(2, regions=["01"], categories=["alimentation.traiteur"], results=0)
    searches(1, regions=["02"], categories=["alimentation.traiteur"], results=0)
    searches(2, regions=["04"], categories=["alimentation.traiteur"], results=1)
    searches(10, categories=["alimentation.traiteur"], results=1)  # no region: in no cell
    searches(6, regions=["01"], sectors=["alimentation"], results=3)  # a sector, no category
    searches(2, regions=["03"], categories=["entretien.menager"], results=0, hour=months_ago(13))


def months_ago(count):
    return shift_months(timezone.now(), -count).replace(minute=0, second=0, microsecond=0)


def now():
    return timezone.now()


# (region, category): (searches, found nothing, coverage), worked out from the fixture.
EXPECTED = {
    ("01", "entretien.menager"): (5, 0, 2),
    ("02", "entretien.menager"): (3, 0, 1),
    ("03", "entretien.menager"): (7, 4, 0),
    ("01", "alimentation.traiteur"): (2, 2, 0),
    ("02", "alimentation.traiteur"): (1, 1, 0),
    ("04", "alimentation.traiteur"): (2, 0, 1),
}
EXPECTED_GAPS = [
    ("03", "entretien.menager"),  # demand 7, empty
    ("02", "entretien.menager"),  # demand 3, thin
    ("01", "alimentation.traiteur"),  # demand 2, empty…
    ("04", "alimentation.traiteur"),  # …before demand 2, thin
    ("02", "alimentation.traiteur"),  # demand 1
]


def test_searches_count_in_each_region_and_category_they_filtered(market):
    cells = search_demand(months=12, now=now())
    assert {key: (d.searches, d.empty_searches) for key, d in cells.items()} == {
        key: (n, empty) for key, (n, empty, _coverage) in EXPECTED.items()
    }


def test_a_sector_cell_counts_searches_on_the_sector_and_on_its_categories(market):
    cells = search_demand(months=12, now=now(), by="sector")
    assert cells[("01", "alimentation")].searches == 8  # 2 on traiteur + 6 on the sector
    assert cells[("03", "entretien")].searches == 7


def test_searches_by_region_count_every_search_filtering_the_region(market):
    assert searches_by_region(months=12, now=now()) == {
        "01": (13, 2),
        "02": (4, 1),
        "03": (7, 4),
        "04": (2, 0),
    }


def test_demand_is_shown_beside_coverage(market):
    cells = demand_beside_supply(months=12, now=now())
    assert {
        (cell.region.code, cell.category.code): (
            cell.demand.searches,
            cell.demand.empty_searches,
            cell.coverage,
        )
        for cell in cells
    } == EXPECTED


def test_gaps_are_cells_with_demand_and_thin_or_empty_supply_most_wanted_first(market):
    gaps = ranked_gaps(demand_beside_supply(months=12, now=now()))
    assert [(cell.region.code, cell.category.code) for cell in gaps] == EXPECTED_GAPS


def test_a_longer_period_counts_older_searches(market):
    cells = search_demand(months=24, now=now())
    assert cells[("03", "entretien.menager")].searches == 9
    cells = search_demand(months=3, now=now())
    assert (
        cells[("03", "entretien.menager")].searches == 3
    )  # the 3 of two months ago; not the 4 of five months ago


def test_the_demand_page_lists_the_gaps_in_order(curator_client, market):
    response = curator_client.get(reverse("insights:demand"))
    assert response.status_code == 200
    rows = response.context["tables"]["lacunes"].rows
    assert [(row[0].value[-3:-1], row[1].value) for row in rows] == [
        (region, _category_name(category)) for region, category in EXPECTED_GAPS
    ]


def _category_name(code):
    from suppliers.models import Category

    return Category.objects.get(code=code).name


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_gaps_export_has_the_same_rows_with_small_cells_suppressed(curator_client, market):
    response = curator_client.get(reverse("insights:export_demand", kwargs={"table": "lacunes"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert "Couverture" not in header, "a coverage level would tell a suppressed 1 from a 2"
    assert header[:6] == [
        "Région",
        "Catégorie",
        "Fournisseurs (couverture)",
        "Recherches",
        "Recherches sans résultat",
        "Besoins publiés",
    ]
    by_cell = {(row[0][-3:-1], row[1]): row for row in body}
    assert len(body) == len(EXPECTED_GAPS)
    assert by_cell[("03", _category_name("entretien.menager"))][2:5] == ["0", "7", "4"]
    # 1 supplier, 3 searches, 0 found nothing.
    assert by_cell[("02", _category_name("entretien.menager"))][2:5] == ["< 3", "3", "0"]
    # 0 suppliers, 2 searches, 2 found nothing.
    assert by_cell[("01", _category_name("alimentation.traiteur"))][2:5] == ["0", "< 3", "< 3"]


def test_the_period_is_bounded_to_known_choices(curator_client, market):
    response = curator_client.get(reverse("insights:demand"), {"period": "999"})
    assert response.status_code == 200
    assert response.context["months"] == 12


def test_a_search_older_than_the_period_is_not_counted(market):
    searches(1, regions=["05"], categories=["entretien.menager"], hour=timezone.now() - timedelta(days=400))
    assert ("05", "entretien.menager") not in search_demand(months=12, now=now())


def test_completed_months_rolled_up_count_as_their_events_did(market):
    def figures():
        return (
            {key: (d.searches, d.empty_searches) for key, d in search_demand(months=24, now=now()).items()},
            {key: d.searches for key, d in search_demand(months=24, now=now(), by="sector").items()},
            searches_by_region(months=24, now=now()),
        )

    before = figures()
    assert search_demand_roll_up() == 3  # 2, 5 and 13 months ago; the current month stays live
    assert search_demand_roll_up() == 0  # done once
    # The roll-ups answer alone: the events of completed months are no longer read.
    SearchEvent.objects.filter(hour__lt=months_ago(1)).delete()
    assert figures() == before


def test_completed_days_of_the_month_rolled_up_count_as_their_events_did_and_today_stays_live(db):
    """On the 20th, the 3rd and the 10th are rolled up (their events no longer read) and the 20th is counted live;
    once the month is over it has its month's roll-up and its days go."""
    mid_month = timezone.make_aware(timezone.datetime(2026, 11, 20, 15))
    on = lambda day, hour=10: timezone.make_aware(timezone.datetime(2026, 11, day, hour))  # noqa: E731
    searches(3, regions=["03"], categories=["entretien.menager"], results=0, hour=on(3))
    searches(2, regions=["03", "05"], categories=["entretien.menager"], hour=on(10, 23))
    searches(4, regions=["05"], sectors=["alimentation"], hour=on(20, 9))

    def figures(at):
        return (
            {key: (d.searches, d.empty_searches) for key, d in search_demand(months=3, now=at).items()},
            {key: d.searches for key, d in search_demand(months=3, now=at, by="sector").items()},
            searches_by_region(months=3, now=at),
        )

    before = figures(mid_month)
    assert before[0][("03", "entretien.menager")] == (5, 3)
    search_demand_roll_up(now=mid_month)
    assert sorted(set(SearchDemandDay.objects.values_list("day", flat=True))) == [on(3).date(), on(10).date()]
    SearchEvent.objects.filter(hour__lt=on(20, 0)).delete()  # the rolled-up days answer alone
    assert figures(mid_month) == before
    searches(1, regions=["05"], sectors=["alimentation"], hour=on(20, 14))  # today's: counted at once
    assert search_demand(months=3, now=mid_month, by="sector")[("05", "alimentation")].searches == 5

    next_month = timezone.make_aware(timezone.datetime(2026, 12, 2, 3))
    search_demand_roll_up(now=next_month)
    assert not SearchDemandDay.objects.exists()
    assert SearchDemandMonth.objects.filter(month=on(1).date()).exists()
    assert search_demand(months=3, now=next_month, by="sector")[("05", "alimentation")].searches == 5


def test_rolled_up_sums_kept_by_a_process_follow_a_new_roll_up_and_a_purge(market):
    """The sums of rolled-up months are kept per process (``rolled_totals``), keyed by the months and the newest
    roll-up row: a month purged, or rolled up again, is counted as it now is."""
    search_demand_roll_up()
    cell = dict(region="03", column="category", code="entretien.menager")
    before = search_demand(months=24, now=now())[("03", "entretien.menager")].searches
    month = SearchDemandMonth.objects.filter(**cell).order_by("month").values_list("month", flat=True).first()
    old = SearchDemandMonth.objects.get(month=month, **cell).searches
    SearchDemandMonth.objects.filter(month=month).delete()  # as the purge does, with its events
    SearchEvent.objects.filter(
        hour__gte=month_start(month), hour__lt=month_start(add_months(month, 1))
    ).delete()
    assert search_demand(months=24, now=now())[("03", "entretien.menager")].searches == before - old
    SearchDemandMonth.objects.create(month=month, searches=40, empty=0, **cell)
    assert search_demand(months=24, now=now())[("03", "entretien.menager")].searches == before - old + 40


def test_the_purge_removes_roll_ups_of_months_older_than_the_retention_and_nothing_else(market):
    old_month = months_ago(30).date().replace(day=1)
    searches(1, regions=["06"], categories=["entretien.menager"], hour=months_ago(30))
    SearchDemandMonth.objects.create(
        month=old_month, region="06", column="region", code="", searches=1, empty=0
    )
    search_demand_roll_up()
    kept = set(SearchDemandMonth.objects.exclude(month=old_month).values_list("pk", flat=True))
    assert kept

    search_events_purge()

    assert set(SearchDemandMonth.objects.values_list("pk", flat=True)) == kept
    assert not SearchEvent.objects.filter(hour__lt=months_ago(24)).exists()
    assert SearchEvent.objects.filter(hour=months_ago(13)).count() == 2


def test_the_page_shows_the_first_rows_and_the_export_has_them_all(curator_client, market, monkeypatch):
    from insights import reports

    monkeypatch.setattr(reports, "DEMAND_ROWS_SHOWN", 2)
    response = curator_client.get(reverse("insights:demand"))
    table = response.context["tables"]["demande_offre"]
    assert len(table.visible_rows) == 2
    assert table.hidden_count == len(EXPECTED) - 2
    assert f"2 premières lignes sur {len(EXPECTED)}" in response.content.decode()
    rows = read_csv(curator_client.get(reverse("insights:export_demand", kwargs={"table": "demande_offre"})))
    assert len(rows) - 1 == len(EXPECTED)

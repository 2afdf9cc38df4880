"""Demand beside supply: for each region and category (or sector), what buyers looked for and asked for, beside
the coverage, and the ranked *gaps* (demand where supply is thin or empty) for outreach.

Demand signals of a cell (r, c) over a period:
- buyer searches that filtered region r and category c (a search on several regions or categories counts once in
  each of its cells; a search without a region is not counted in any cell), and how many of them found nothing;
- needs published in r for c (count and estimated amounts) — from the needs module (``needs_by_cell``);
- market-research records for r and c — from the buyers' workspace (``records_by_cell``).
Those two return ``None`` while their data does not exist in this database: the dashboard says so.

A cell's *demand* is the sum of its searches, needs published and records; *gaps* are the cells with demand whose
coverage is thin or empty, by demand (most first), then empty before thin, then searches that found nothing.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from suppliers.models import Category, CoverageLevel, Region

from .coverage import CoverageFilters, coverage_by_category
from .models import SearchEvent
from .services import shift_months

# Periods staff can look at, in months (search events are kept 24 months).
PERIODS = {3: _("3 derniers mois"), 12: _("12 derniers mois"), 24: _("24 derniers mois")}
DEFAULT_PERIOD = 12


@dataclass
class Demand:
    searches: int = 0
    empty_searches: int = 0
    needs_published: int | None = None
    needs_amount: int | None = None
    records: int | None = None

    @property
    def total(self) -> int:
        return self.searches + (self.needs_published or 0) + (self.records or 0)


def period_start(now, months: int):
    return shift_months(now, -months)


def search_groups(*, since):
    """Searches since ``since`` that filtered at least one region, grouped by their filters (a few thousand
    groups at most, whatever the number of searches)."""
    return (
        SearchEvent.objects.since(since)
        .exclude(regions=[])
        .values_list("regions", "sectors", "categories")
        .annotate(searches=Count("pk"), empty=Count("pk", filter=Q(results=0)))
        .order_by()
    )


def search_demand(*, since, by: str = "category") -> dict[tuple[str, str], Demand]:
    """Searches per (region code, category code) — or (region code, sector code) with ``by="sector"``, where a
    search on a category counts for its sector."""
    sector_of = dict(Category.objects.values_list("code", "sector_id"))
    cells: dict[tuple[str, str], Demand] = defaultdict(Demand)
    for regions, sectors, categories, searches, empty in search_groups(since=since):
        if by == "sector":
            columns = set(sectors) | {sector_of[code] for code in categories if code in sector_of}
        else:
            columns = set(categories)
        for region in regions:
            for column in columns:
                cell = cells[(region, column)]
                cell.searches += searches
                cell.empty_searches += empty
    return dict(cells)


def searches_by_region(*, since) -> dict[str, tuple[int, int]]:
    """Per region code: searches that filtered it (whatever else they filtered) and those that found nothing."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        SearchEvent.objects.since(since)
        .exclude(regions=[])
        .values_list("regions")
        .annotate(searches=Count("pk"), empty=Count("pk", filter=Q(results=0)))
        .order_by()
    )
    for regions, searches, empty in rows:
        for region in regions:
            totals[region][0] += searches
            totals[region][1] += empty
    return {region: (values[0], values[1]) for region, values in totals.items()}


def needs_by_cell(*, since) -> dict[tuple[str, str], tuple[int, int]] | None:
    """Needs published per (region, category): count and estimated amounts. ``None``: the needs module's data is
    not in this database yet."""
    return None


def records_by_cell(*, since) -> dict[tuple[str, str], int] | None:
    """Market-research records per (region, category). ``None``: the workspace's data is not in this database
    yet."""
    return None


@dataclass
class DemandCell:
    region: Region
    category: Category
    coverage: int
    demand: Demand

    @property
    def level(self) -> CoverageLevel:
        return CoverageLevel.of(self.coverage)


def demand_beside_supply(*, since, now=None, filters: CoverageFilters | None = None) -> list[DemandCell]:
    """Every (region, category) cell with some demand, with its coverage; by demand, most first."""
    regions = list(Region.objects.order_by("code"))
    categories = list(
        Category.objects.select_related("sector").order_by("sector__position", "position", "code")
    )
    coverage = coverage_by_category(
        filters or CoverageFilters(), categories=categories, regions=regions, now=now
    )
    demand = search_demand(since=since)
    needs = needs_by_cell(since=since)
    records = records_by_cell(since=since)
    for key in set(needs or {}) | set(records or {}):
        demand.setdefault(key, Demand())
    regions_by_code = {region.code: region for region in regions}
    categories_by_code = {category.code: category for category in categories}
    cells = []
    for (region_code, category_code), cell_demand in demand.items():
        if region_code not in regions_by_code or category_code not in categories_by_code:
            continue
        if needs is not None:
            cell_demand.needs_published, cell_demand.needs_amount = needs.get(
                (region_code, category_code), (0, 0)
            )
        if records is not None:
            cell_demand.records = records.get((region_code, category_code), 0)
        cells.append(
            DemandCell(
                region=regions_by_code[region_code],
                category=categories_by_code[category_code],
                coverage=coverage.count(region_code, category_code),
                demand=cell_demand,
            )
        )
    cells.sort(key=lambda cell: (-cell.demand.total, cell.coverage, cell.region.code, cell.category.code))
    return cells


def gap_sort_key(cell: DemandCell):
    return (
        -cell.demand.total,
        cell.coverage,
        -cell.demand.empty_searches,
        cell.region.code,
        cell.category.code,
    )


def ranked_gaps(cells: list[DemandCell]) -> list[DemandCell]:
    """The cells with demand whose coverage is thin or empty, most wanted first."""
    gaps = [cell for cell in cells if cell.demand.total > 0 and cell.level != CoverageLevel.COVERED]
    return sorted(gaps, key=gap_sort_key)

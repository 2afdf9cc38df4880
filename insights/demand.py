"""Demand beside supply: for each region and category (or sector), what buyers looked for and asked for, beside
the coverage, and the ranked *gaps* (demand where supply is thin or empty) for outreach.

Demand signals of a cell (r, c) over a period (calendar months: the current one and those before it):
- buyer searches that filtered region r and category c (a search on several regions or categories counts once in
  each of its cells; a search on a sector counts in the sector's cell only; a search without a region is in no
  cell), and how many of them found nothing;
- needs published in r for c (count and estimated amounts) — from the needs module (``needs_by_cell``);
- market-research records for r and c — from the buyers' workspace (``records_by_cell``).

Completed months are read from their nightly roll-up (``SearchDemandMonth``), the current month (and any month not
rolled up yet) from the events themselves, with the same counting (``count_cells``).

A cell's *demand* is the sum of its searches, needs published and records; *gaps* are the cells with demand whose
coverage is thin or empty, by demand (most first), then empty before thin, then searches that found nothing.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from operator import itemgetter

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buyers.models import MarketResearchRecord, RecordSource
from needs.models import Need
from suppliers.models import Category, CoverageLevel, Region

from .coverage import CoverageFilters, coverage_by_category
from .models import DemandColumn, SearchDemandMonth, SearchEvent

# Periods staff can look at, in calendar months (search events are kept 24 months).
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


# --- Months ---


def month_of(moment: datetime) -> date:
    """The first day of the (local) month of ``moment``."""
    return timezone.localtime(moment).date().replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_start(month: date) -> datetime:
    """The (aware) local midnight starting ``month``."""
    return timezone.make_aware(datetime.combine(month, time.min))


def period_months(months: int, now: datetime) -> list[date]:
    """The calendar months of a period of ``months`` months ending with the current one, oldest first."""
    current = month_of(now)
    return [add_months(current, -offset) for offset in range(months - 1, -1, -1)]


# --- Counting searches per cell ---

# A cell key: (column, region code, sector or category code; "" for the region's total).
CellKey = tuple[str, str, str]


def search_groups(events):
    """Searches that filtered at least one region, grouped by their filters (a few thousand groups at most,
    whatever the number of searches)."""
    return (
        events.exclude(regions=[])
        .values_list("regions", "sectors", "categories")
        .annotate(searches=Count("pk"), empty=Count("pk", filter=Q(results=0)))
        .order_by()
    )


def count_cells(groups, sector_of: dict[str, str]) -> dict[CellKey, list[int]]:
    """Searches and searches that found nothing per cell, from ``search_groups``."""
    cells: dict[CellKey, list[int]] = defaultdict(lambda: [0, 0])
    for regions, sectors, categories, searches, empty in groups:
        sectors_searched = set(sectors) | {sector_of[code] for code in categories if code in sector_of}
        keys = [(DemandColumn.CATEGORY, "", code) for code in set(categories)]
        keys += [(DemandColumn.SECTOR, "", code) for code in sectors_searched]
        keys.append((DemandColumn.REGION, "", ""))
        for region in regions:
            for column, _empty, code in keys:
                cell = cells[(column, region, code)]
                cell[0] += searches
                cell[1] += empty
    return cells


def _events_of_months(months: list[date]):
    condition = Q()
    for month in months:
        condition |= Q(hour__gte=month_start(month), hour__lt=month_start(add_months(month, 1)))
    return SearchEvent.objects.filter(condition) if months else SearchEvent.objects.none()


def search_counts(*, months: int, now: datetime) -> dict[CellKey, list[int]]:
    """Searches and searches that found nothing per cell over the period: roll-ups for the completed months that
    have one, events for the others."""
    wanted = period_months(months, now)
    current = month_of(now)
    rolled = set(
        SearchDemandMonth.objects.filter(month__in=[month for month in wanted if month < current])
        .values_list("month", flat=True)
        .distinct()
    )
    sector_of = dict(Category.objects.values_list("code", "sector_id"))
    cells = count_cells(search_groups(_events_of_months([m for m in wanted if m not in rolled])), sector_of)
    if rolled:
        newest = SearchDemandMonth.objects.aggregate(newest=Max("pk"))["newest"]
        for key, (searches, empty) in rolled_totals(tuple(sorted(rolled)), newest).items():
            cell = cells[key]
            cell[0] += searches
            cell[1] += empty
    return cells


@lru_cache(maxsize=8)
def rolled_totals(months: tuple[date, ...], newest: int | None) -> dict[CellKey, tuple[int, int]]:
    """Searches and empty searches per cell summed over these rolled-up months, kept per process: a month's
    roll-up is written once (``search_demand_roll_up``) and only ever deleted whole by the purge, so the months
    and the newest roll-up row (``newest``) identify the sum exactly. Summing 24 months at 1,000,000 search
    events took 0.17 s of the demand page (bench/README.md)."""
    totals = (
        SearchDemandMonth.objects.filter(month__in=months)
        .values_list("column", "region", "code")
        .annotate(searches=Sum("searches"), empty=Sum("empty"))
        .order_by()
    )
    return {(column, region, code): (searches, empty) for column, region, code, searches, empty in totals}


def search_demand(
    *, months: int, now: datetime, by: str = DemandColumn.CATEGORY, counts=None
) -> dict[tuple[str, str], Demand]:
    """Searches per (region code, category code) — or (region code, sector code) with ``by="sector"``.
    ``counts``: ``search_counts`` of the period, when already read."""
    counts = counts if counts is not None else search_counts(months=months, now=now)
    return {
        (region, code): Demand(searches=searches, empty_searches=empty)
        for (column, region, code), (searches, empty) in counts.items()
        if column == by
    }


def searches_by_region(*, months: int, now: datetime, counts=None) -> dict[str, tuple[int, int]]:
    """Per region code: searches that filtered it (whatever else they filtered) and those that found nothing."""
    counts = counts if counts is not None else search_counts(months=months, now=now)
    return {
        region: (searches, empty)
        for (column, region, _code), (searches, empty) in counts.items()
        if column == DemandColumn.REGION
    }


def search_demand_roll_up(*, now: datetime, retention_months: int) -> list[date]:
    """Roll up each completed month of the retention period that has no roll-up yet; returns those months."""
    current = month_of(now)
    done = set(SearchDemandMonth.objects.values_list("month", flat=True).distinct())
    sector_of = dict(Category.objects.values_list("code", "sector_id"))
    rolled = []
    for offset in range(retention_months - 1, 0, -1):
        month = add_months(current, -offset)
        if month in done:
            continue
        cells = count_cells(search_groups(_events_of_months([month])), sector_of)
        SearchDemandMonth.objects.bulk_create(
            [
                SearchDemandMonth(
                    month=month, region=region, column=column, code=code, searches=searches, empty=empty
                )
                for (column, region, code), (searches, empty) in cells.items()
            ],
            ignore_conflicts=True,
        )
        if cells:
            rolled.append(month)
    return rolled


# --- Needs and market-research records (from other modules) ---


def needs_by_cell(*, months: int, now: datetime) -> dict[tuple[str, str], tuple[int, int]]:
    """Needs published in the period per (region, category): how many, and the sum of their estimated amounts
    (dollars; a need without an amount adds none). A need for all of Québec counts in every region; a need about
    several regions or categories counts once in each of its cells."""
    since = month_start(period_months(months, now)[0])
    published = Need.objects.filter(published_at__gte=since)
    all_codes = list(Region.objects.values_list("code", flat=True))
    regions = defaultdict(set)
    for need_id, region_id in Need.regions.through.objects.filter(need__in=published).values_list(
        "need_id", "region_id"
    ):
        regions[need_id].add(region_id)
    categories = defaultdict(set)
    for need_id, category_id in Need.categories.through.objects.filter(need__in=published).values_list(
        "need_id", "category_id"
    ):
        categories[need_id].add(category_id)
    cells: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0])
    for need_id, all_quebec, amount in published.values_list("pk", "all_quebec", "estimated_amount"):
        for region in all_codes if all_quebec else regions[need_id]:
            for category in categories[need_id]:
                cell = cells[(region, category)]
                cell[0] += 1
                cell[1] += int(amount or 0)
    return {key: (count, amount) for key, (count, amount) in cells.items()}


def record_cells(source: str, criteria: dict) -> set[tuple[str, str]]:
    """The (region, category) cells a market-research record is about: the regions and categories its search
    filtered, or its list's region and category. A record that names no region or no category is in no cell."""
    if source == RecordSource.SHORTLIST:
        regions, categories = [criteria.get("region")], [criteria.get("category")]
    else:
        filters = criteria.get("filters") or {}
        regions, categories = filters.get("region") or [], filters.get("category") or []
    return {(region, category) for region in regions if region for category in categories if category}


def records_by_cell(*, months: int, now: datetime) -> dict[tuple[str, str], int]:
    """Market-research records created in the period per (region, category); a record about several regions or
    categories counts once in each of its cells."""
    since = month_start(period_months(months, now)[0])
    cells: dict[tuple[str, str], int] = defaultdict(int)
    rows = MarketResearchRecord.objects.filter(created_at__gte=since).values_list("source", "criteria")
    for source, criteria in rows.iterator(chunk_size=2000):
        for cell in record_cells(source, criteria or {}):
            cells[cell] += 1
    return dict(cells)


# --- Beside supply ---


@dataclass
class DemandCell:
    region: Region
    category: Category
    coverage: int
    demand: Demand

    @property
    def level(self) -> CoverageLevel:
        return CoverageLevel.of(self.coverage)


def demand_beside_supply(
    *, months: int, now: datetime, filters: CoverageFilters | None = None, counts=None
) -> list[DemandCell]:
    """Every (region, category) cell with some demand, with its coverage; by demand, most first."""
    regions = list(Region.objects.order_by("code"))
    categories = list(
        Category.objects.select_related("sector").order_by("sector__position", "position", "code")
    )
    coverage = coverage_by_category(
        filters or CoverageFilters(), categories=categories, regions=regions, now=now
    )
    demand = search_demand(months=months, now=now, counts=counts)
    needs = needs_by_cell(months=months, now=now)
    records = records_by_cell(months=months, now=now)
    for key in set(needs) | set(records):
        demand.setdefault(key, Demand())
    # Plain lists and dicts in the loop: at 1,000,000 search events a period has some 17,000 cells with demand.
    rows = {
        region.code: (region, row)
        for region, row in zip(coverage.regions, coverage.counts.tolist(), strict=True)
    }
    columns = {category.code: (category, column) for column, category in enumerate(coverage.columns)}
    keyed = []
    for key, cell_demand in demand.items():
        region_code, category_code = key
        if region_code not in rows or category_code not in columns:
            continue
        region, row = rows[region_code]
        category, column = columns[category_code]
        cell_demand.needs_published, cell_demand.needs_amount = needs.get(key, (0, 0))
        cell_demand.records = records.get(key, 0)
        coverage_count = row[column]
        total = cell_demand.searches + cell_demand.needs_published + cell_demand.records
        keyed.append(
            (
                (-total, coverage_count, region_code, category_code),
                DemandCell(region=region, category=category, coverage=coverage_count, demand=cell_demand),
            )
        )
    keyed.sort(key=itemgetter(0))
    return [cell for _key, cell in keyed]


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

"""Demand beside supply: for each region and category (or sector), what buyers looked for and asked for, beside
the coverage, and the ranked *gaps* (demand where supply is thin or empty) for outreach.

Demand signals of a cell (r, c) over a period (calendar months: the current one and those before it):
- buyer searches that filtered region r and category c (a search on several regions or categories counts once in
  each of its cells; a search on a sector counts in the sector's cell only; a search without a region is in no
  cell), and how many of them found nothing;
- needs published in r for c (count and estimated amounts) — from the needs module (``needs_by_cell``);
- market-research records for r and c — from the buyers' workspace (``records_by_cell``).

Completed months are read from their nightly roll-up (``SearchDemandMonth``), the completed days of the current
month from theirs (``SearchDemandDay``), today (and any day or month not rolled up yet) from the events themselves,
with the same counting (``count_cells``): what is counted live is at most a day of searches, whatever the day of
the month.

A cell's *demand* is the sum of its searches, needs published and records; *gaps* are the cells with demand whose
coverage is thin or empty, by demand (most first), then empty before thin, then searches that found nothing.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from operator import itemgetter

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buyers.models import MarketResearchRecord, RecordSource
from needs.models import Need
from suppliers.catalogue import current_catalogue
from suppliers.models import Category, CoverageLevel, Region

from .coverage import CoverageFilters, coverage_by_category
from .models import DemandColumn, SearchDemandDay, SearchDemandMonth, SearchEvent

# Periods staff can look at, in calendar months (search events are kept 24 months).
PERIODS = {3: _("3 derniers mois"), 12: _("12 derniers mois"), 24: _("24 derniers mois")}
DEFAULT_PERIOD = 12


@dataclass(slots=True)
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
    """The (aware) local midnight starting ``month`` (or any day)."""
    return timezone.make_aware(datetime.combine(month, time.min))


def days_between(first: date, stop: date) -> list[date]:
    """The days from ``first`` to the day before ``stop``."""
    return [first + timedelta(days=offset) for offset in range((stop - first).days)]


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


def _events_between(spans: list[tuple[date, date]]):
    """The events of these spans of days (``(first, stop)``: from ``first``'s midnight to ``stop``'s), adjacent
    spans joined."""
    joined: list[list[date]] = []
    for first, stop in sorted(spans):
        if joined and joined[-1][1] == first:
            joined[-1][1] = stop
        else:
            joined.append([first, stop])
    condition = Q()
    for first, stop in joined:
        condition |= Q(hour__gte=month_start(first), hour__lt=month_start(stop))
    return SearchEvent.objects.filter(condition) if joined else SearchEvent.objects.none()


# The two roll-ups: (model, its period field).
ROLL_UPS = {"month": (SearchDemandMonth, "month"), "day": (SearchDemandDay, "day")}


def _rolled(kind: str, periods: list[date]) -> set[date]:
    """Which of ``periods`` (months or days) have their roll-up."""
    model, field = ROLL_UPS[kind]
    return set(model.objects.filter(**{f"{field}__in": periods}).values_list(field, flat=True).distinct())


def search_counts(*, months: int, now: datetime) -> dict[CellKey, list[int]]:
    """Searches and searches that found nothing per cell over the period: roll-ups for the completed months and
    the completed days of the current month that have one, events for the rest."""
    wanted = period_months(months, now)
    current = month_of(now)
    today = timezone.localdate(now)
    days = days_between(current, today)
    rolled = {"month": _rolled("month", wanted[:-1]), "day": _rolled("day", days)}
    spans = [(month, add_months(month, 1)) for month in wanted[:-1] if month not in rolled["month"]]
    spans += [(day, day + timedelta(days=1)) for day in days if day not in rolled["day"]]
    spans.append((today, add_months(current, 1)))
    sector_of = dict(Category.objects.values_list("code", "sector_id"))
    cells = count_cells(search_groups(_events_between(spans)), sector_of)
    for kind, periods in rolled.items():
        if not periods:
            continue
        model, _field = ROLL_UPS[kind]
        newest = model.objects.aggregate(newest=Max("pk"))["newest"]
        for key, (searches, empty) in rolled_totals(kind, tuple(sorted(periods)), newest).items():
            cell = cells[key]
            cell[0] += searches
            cell[1] += empty
    return cells


@lru_cache(maxsize=16)
def rolled_totals(kind: str, periods: tuple[date, ...], newest: int | None) -> dict[CellKey, tuple[int, int]]:
    """Searches and empty searches per cell summed over these rolled-up months or days (``kind``), kept per
    process: a period's roll-up is written once (``search_demand_roll_up``) and only ever deleted whole (by the
    purge, or a day once its month is rolled up), so the periods and the newest roll-up row (``newest``) identify
    the sum exactly. Summing 24 months at 1,000,000 search events took 0.17 s of the demand page
    (bench/README.md)."""
    model, field = ROLL_UPS[kind]
    totals = (
        model.objects.filter(**{f"{field}__in": periods})
        .values_list("column", "region", "code")
        .annotate(searches=Sum("searches"), empty=Sum("empty"))
        .order_by()
    )
    return {(column, region, code): (searches, empty) for column, region, code, searches, empty in totals}


def searches_by_cell(counts, by: str = DemandColumn.CATEGORY) -> dict[tuple[str, str], tuple[int, int]]:
    """From ``search_counts``: (searches, found nothing) per (region code, category code) — or (region code,
    sector code) with ``by="sector"``."""
    return {(region, code): figures for (column, region, code), figures in counts.items() if column == by}


def search_demand(
    *, months: int, now: datetime, by: str = DemandColumn.CATEGORY, counts=None
) -> dict[tuple[str, str], Demand]:
    """Searches per (region code, category code) — or (region code, sector code) with ``by="sector"``.
    ``counts``: ``search_counts`` of the period, when already read."""
    counts = counts if counts is not None else search_counts(months=months, now=now)
    return {
        key: Demand(searches=searches, empty_searches=empty)
        for key, (searches, empty) in searches_by_cell(counts, by).items()
    }


def searches_by_region(*, months: int, now: datetime, counts=None) -> dict[str, tuple[int, int]]:
    """Per region code: searches that filtered it (whatever else they filtered) and those that found nothing."""
    counts = counts if counts is not None else search_counts(months=months, now=now)
    return {
        region: (searches, empty)
        for (column, region, _code), (searches, empty) in counts.items()
        if column == DemandColumn.REGION
    }


def _roll_up(kind: str, period: date, stop: date, sector_of: dict[str, str]) -> bool:
    """Store the counts of the events from ``period`` to ``stop`` as the roll-up of ``period``; False when there
    were none (nothing stored: the period is counted live, at no cost)."""
    model, field = ROLL_UPS[kind]
    cells = count_cells(search_groups(_events_between([(period, stop)])), sector_of)
    model.objects.bulk_create(
        [
            model(**{field: period}, region=region, column=column, code=code, searches=searches, empty=empty)
            for (column, region, code), (searches, empty) in cells.items()
        ],
        ignore_conflicts=True,
    )
    return bool(cells)


def search_demand_roll_up(*, now: datetime, retention_months: int) -> list[date]:
    """Roll up each completed month of the retention period that has no roll-up yet, then each completed day of
    the current month, and delete the days of earlier months (their month's roll-up counts them); returns the
    months rolled up."""
    current = month_of(now)
    sector_of = dict(Category.objects.values_list("code", "sector_id"))
    completed = [add_months(current, -offset) for offset in range(retention_months - 1, 0, -1)]
    done = _rolled("month", completed)
    rolled = [
        month
        for month in completed
        if month not in done and _roll_up("month", month, add_months(month, 1), sector_of)
    ]
    days = days_between(current, timezone.localdate(now))
    done = _rolled("day", days)
    for day in days:
        if day not in done:
            _roll_up("day", day, day + timedelta(days=1), sector_of)
    SearchDemandDay.objects.filter(day__lt=current).delete()
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


@dataclass(slots=True)
class DemandCell:
    region: Region
    category: Category
    coverage: int
    demand: Demand
    level: CoverageLevel

    def __init__(self, region, category, coverage, demand):
        self.region, self.category, self.coverage, self.demand = region, category, coverage, demand
        self.level = CoverageLevel.of(coverage)


def demand_beside_supply(
    *, months: int, now: datetime, filters: CoverageFilters | None = None, counts=None
) -> list[DemandCell]:
    """Every (region, category) cell with some demand, with its coverage; by demand, most first."""
    # The regions and categories of the search index's reference data, loaded once per change of any of them.
    reference = current_catalogue().reference
    coverage = coverage_by_category(
        filters or CoverageFilters(), categories=reference.categories, regions=reference.regions, now=now
    )
    searched = searches_by_cell(counts if counts is not None else search_counts(months=months, now=now))
    needs = needs_by_cell(months=months, now=now)
    records = records_by_cell(months=months, now=now)
    # Plain tuples, dicts and lists in the loop: at 1,000,000 search events a period has some 17,000 cells with
    # demand; the cells' objects are made once they are in order.
    rows = {
        region.code: (index, row)
        for index, (region, row) in enumerate(zip(coverage.regions, coverage.counts.tolist(), strict=True))
    }
    columns = {category.code: column for column, category in enumerate(coverage.columns)}
    no_figures = (0, 0)
    keyed = []
    for key in searched.keys() | needs.keys() | records.keys():
        region_code, category_code = key
        if region_code not in rows or category_code not in columns:
            continue
        index, row = rows[region_code]
        column = columns[category_code]
        searches, empty = searched.get(key, no_figures)
        needs_published, needs_amount = needs.get(key, no_figures)
        records_count = records.get(key, 0)
        keyed.append(
            (
                -(searches + needs_published + records_count),
                row[column],
                region_code,
                category_code,
                index,
                column,
                searches,
                empty,
                needs_published,
                needs_amount,
                records_count,
            )
        )
    keyed.sort(key=itemgetter(0, 1, 2, 3))
    regions, categories = coverage.regions, coverage.columns
    return [
        DemandCell(regions[index], categories[column], coverage_count, Demand(*figures))
        for _total, coverage_count, _region, _category, index, column, *figures in keyed
    ]


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

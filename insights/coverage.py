"""Coverage counts for the dashboard: *coverage(r, c)* for every region and category (or sector) at once.

The definitions live in ``SupplierQuerySet`` (``serves``, ``covering``, ``coverage``) and ``CoverageLevel``; they
read the supplier rows and their many-to-many tables, one cell at a time. Here the same counts come from the
per-process index of the listing facts (``insights.listing_index``, kept from ``ListingFacts``). The tests check
that both give the same numbers.
"""

from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from suppliers.models import Accreditation, Category, CoverageLevel, LegalForm, Region, Sector

from .listing_index import current_index
from .services import shift_months

# "Verified in the last 12 months": checked (staff verification or the enterprise's confirmation) this recently.
CHECKED_RECENTLY_MONTHS = 12


def region_bit(code: str) -> int:
    return int(code) - 1


@dataclass(frozen=True)
class CoverageFilters:
    """The dashboard's toggles: accredited enterprises (any of), a legal form, checked in the last 12 months."""

    accreditations: tuple[str, ...] = ()
    legal_form: str = ""
    checked_recently: bool = False

    def checked_since(self, now):
        return shift_months(now, -CHECKED_RECENTLY_MONTHS)

    def select(self, index, *, now=None):
        """The listings of ``index`` these toggles keep (a boolean array, or None for all)."""
        return index.select(
            accreditations=self.accreditations,
            legal_form=self.legal_form,
            checked_since=self.checked_since(now or timezone.now()) if self.checked_recently else None,
        )

    @property
    def active(self) -> bool:
        return bool(self.accreditations or self.legal_form or self.checked_recently)


@dataclass
class CoverageMatrix:
    """Counts of suppliers serving each region (rows) with each column (a sector or a category)."""

    regions: list
    columns: list  # Sector or Category objects
    counts: np.ndarray

    def __post_init__(self):
        self._rows = {region.code: i for i, region in enumerate(self.regions)}
        self._columns = {column.code: j for j, column in enumerate(self.columns)}

    def count(self, region_code: str, column_code: str) -> int:
        return int(self.counts[self._rows[region_code], self._columns[column_code]])

    def level(self, region_code: str, column_code: str) -> CoverageLevel:
        return CoverageLevel.of(self.count(region_code, column_code))

    def level_totals(self) -> dict[str, int]:
        return {
            CoverageLevel.EMPTY: int(np.count_nonzero(self.counts == 0)),
            CoverageLevel.THIN: int(np.count_nonzero(self.counts == 1)),
            CoverageLevel.COVERED: int(np.count_nonzero(self.counts >= 2)),
        }


def _matrix(filters, *, column, columns, regions, now) -> CoverageMatrix:
    regions = regions if regions is not None else list(Region.objects.order_by("code"))
    index = current_index()
    now = now or timezone.now()
    region_bits = tuple(region_bit(region.code) for region in regions)
    column_bits = tuple(item.bit for item in columns)
    # The same counts for the same toggles until the facts change (a page, its exports, the next visit); "checked
    # in the last 12 months" moves with the day.
    key = (
        "coverage",
        filters,
        timezone.localdate(now) if filters.checked_recently else None,
        column,
        region_bits,
        column_bits,
    )
    counts = index.memoised(
        key,
        lambda: index.coverage(
            filters.select(index, now=now), region_bits=region_bits, column=column, column_bits=column_bits
        ),
    )
    return CoverageMatrix(regions=regions, columns=list(columns), counts=counts)


def coverage_by_sector(filters: CoverageFilters, *, regions=None, sectors=None, now=None) -> CoverageMatrix:
    """Suppliers serving each region with at least one category of each sector."""
    sectors = sectors if sectors is not None else list(Sector.objects.order_by("position", "code"))
    return _matrix(filters, column="sector", columns=sectors, regions=regions, now=now)


def coverage_by_category(filters: CoverageFilters, *, categories, regions=None, now=None) -> CoverageMatrix:
    """*coverage(r, c)* for every region and each of ``categories``."""
    return _matrix(filters, column="category", columns=categories, regions=regions, now=now)


# The measures of a nightly snapshot: the toggles that select their listings.
SNAPSHOT_MEASURES = {
    "suppliers": CoverageFilters(),
    "cooperatives": CoverageFilters(legal_form=LegalForm.COOPERATIVE),
    "non_profits": CoverageFilters(legal_form=LegalForm.NON_PROFIT),
    "adapted": CoverageFilters(accreditations=(Accreditation.ADAPTED,)),
    "integration": CoverageFilters(accreditations=(Accreditation.INTEGRATION,)),
    "checked_recently": CoverageFilters(checked_recently=True),
}


def snapshot_counts(*, now) -> dict[str, dict[str, dict[str, int]]]:
    """Per measure, per region code, per category code: the counts of a coverage snapshot."""
    regions = list(Region.objects.order_by("code"))
    categories = list(Category.objects.order_by("code"))
    result = {}
    for measure, filters in SNAPSHOT_MEASURES.items():
        matrix = coverage_by_category(filters, categories=categories, regions=regions, now=now)
        result[measure] = {
            region.code: {category.code: int(matrix.counts[i, j]) for j, category in enumerate(categories)}
            for i, region in enumerate(regions)
        }
    return result


def cell_supplier_ids(filters: CoverageFilters, *, region_code: str, sector=None, category=None, now=None):
    """Ids of the suppliers behind a cell (a region and a sector or category), in id order."""
    index = current_index()
    column, item = ("category", category) if category is not None else ("sector", sector)
    return index.in_cell(
        filters.select(index, now=now), region_bit=region_bit(region_code), column=column, column_bit=item.bit
    )

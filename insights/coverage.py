"""Coverage counts for the dashboard: *coverage(r, c)* for every region and category (or sector) at once.

The definitions live in ``SupplierQuerySet`` (``serves``, ``covering``, ``coverage``) and ``CoverageLevel``; they
read the supplier rows and their many-to-many tables, one cell at a time. Here the same counts come from the search
index of the published catalogue (``suppliers.catalogue``, kept by the search's triggers): a region's bitmap (its
regions served as a whole, all of Québec, or a service area in it, as ``SupplierQuerySet.serving`` says) and the
toggles' bitmaps, then one population count per category. "Checked in the last 12 months" comes from the listings'
dates (``insights.listing_index``). The tests check that both give the same numbers.
"""

from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from suppliers.catalogue import current_catalogue, unpack
from suppliers.models import Accreditation, Category, CoverageLevel, LegalForm, Region, Sector

from .listing_index import current_index
from .services import shift_months

# "Verified in the last 12 months": checked (staff verification or the enterprise's confirmation) this recently.
CHECKED_RECENTLY_MONTHS = 12


@dataclass(frozen=True)
class CoverageFilters:
    """The dashboard's toggles: accredited enterprises (any of), a legal form, checked in the last 12 months."""

    accreditations: tuple[str, ...] = ()
    legal_form: str = ""
    checked_recently: bool = False

    def checked_since(self, now):
        return shift_months(now, -CHECKED_RECENTLY_MONTHS)

    def select(self, catalogue, *, now=None):
        """The bitmap of the published listings (slots of ``catalogue``'s index) these toggles keep."""
        index, options = catalogue.index, catalogue.reference.options
        selected = index.live
        if self.accreditations:
            numbers = [options["accreditation"][value] for value in self.accreditations]
            selected = selected & index.any_of("accreditation", numbers, catalogue.reference)
        if self.legal_form:
            selected = selected & index.any_of(
                "legal_form", [options["legal_form"][self.legal_form]], catalogue.reference
            )
        if self.checked_recently:
            since = self.checked_since(now or timezone.now())
            selected = selected & index.of_ids(current_index().checked_since(since))
        return selected

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


def _region_bitmap(catalogue, region_code: str) -> np.ndarray:
    return catalogue.index.any_of("region", [int(region_code)], catalogue.reference)


def _column_counts(catalogue, column: str, within: np.ndarray, codes) -> list[int]:
    counts = catalogue.index.facets[column].counts(within)
    numbers = catalogue.reference.options[column]
    return [
        int(counts[numbers[code]]) if code in numbers and numbers[code] < len(counts) else 0 for code in codes
    ]


# The matrices computed from one version of the search index (a page, its exports and the next visit ask the same
# until the catalogue or, for "checked recently", the listings' dates change); a new index starts afresh.
MEMO_SIZE = 256
_memo = {"index": None, "results": {}}


def _matrix(filters, *, column, columns, regions, now) -> CoverageMatrix:
    regions = regions if regions is not None else list(Region.objects.order_by("code"))
    catalogue = current_catalogue()
    now = now or timezone.now()
    codes = tuple(item.code for item in columns)
    key = (
        current_index().key if filters.checked_recently else None,
        filters,
        timezone.localdate(now) if filters.checked_recently else None,
        column,
        tuple(region.code for region in regions),
        codes,
    )
    memo = _memo
    if memo["index"] is not catalogue.index:
        memo = {"index": catalogue.index, "results": {}}
        _memo.update(memo)
    counts = memo["results"].get(key)
    if counts is None:
        selected = filters.select(catalogue, now=now)
        counts = np.array(
            [
                _column_counts(catalogue, column, selected & _region_bitmap(catalogue, region.code), codes)
                for region in regions
            ],
            dtype=np.int64,
        ).reshape(len(regions), len(codes))
        if len(memo["results"]) >= MEMO_SIZE:
            memo["results"].clear()
        memo["results"][key] = counts
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
    catalogue = current_catalogue()
    index, reference = catalogue.index, catalogue.reference
    column, item = ("category", category) if category is not None else ("sector", sector)
    number = reference.options[column].get(item.code)
    if number is None:
        return np.zeros(0, np.int64)
    inside = filters.select(catalogue, now=now) & _region_bitmap(catalogue, region_code)
    inside = inside & index.any_of(column, [number], reference)
    slots = np.flatnonzero(unpack(inside, index.capacity))
    return np.sort(index.ids[slots].astype(np.int64))

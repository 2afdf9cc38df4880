"""Coverage counts for the dashboard: *coverage(r, c)* for every region and category (or sector) at once.

The definitions live in ``SupplierQuerySet`` (``serves``, ``covering``, ``coverage``) and ``CoverageLevel``; they
read the supplier rows and their many-to-many tables, one cell at a time. Here the same counts come from the
narrow ``ListingFacts`` rows (one per published listing, trigger-kept): one GROUP BY on the (regions served,
categories) masks, then each group's count is spread over the bits of its masks with one matrix product
(regions × groups · groups × categories). The tests check both give the same numbers.
"""

from dataclasses import dataclass

import numpy as np
from django.db.models import Count, F, Q
from django.utils import timezone

from suppliers.models import Accreditation, CoverageLevel, LegalForm, Region, Sector, Supplier

from .models import ListingFacts
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

    def facts(self, *, now=None):
        facts = ListingFacts.objects.all()
        if self.accreditations:
            facts = facts.with_accreditations(*self.accreditations)
        if self.legal_form:
            facts = facts.with_legal_form(self.legal_form)
        if self.checked_recently:
            facts = facts.checked_since(self.checked_since(now or timezone.now()))
        return facts

    def suppliers(self, queryset, *, now=None):
        """The same filters on a ``Supplier`` queryset (the list behind a cell)."""
        if self.accreditations:
            queryset = queryset.with_accreditations(*self.accreditations)
        if self.legal_form:
            queryset = queryset.filter(legal_form=self.legal_form)
        if self.checked_recently:
            recent = ListingFacts.objects.checked_since(self.checked_since(now or timezone.now()))
            queryset = queryset.filter(pk__in=recent.values("supplier_id"))
        return queryset

    @property
    def active(self) -> bool:
        return bool(self.accreditations or self.legal_form or self.checked_recently)


def _has_bits(masks: np.ndarray, bits) -> np.ndarray:
    """A groups × bits matrix of 0/1: whether each mask has each bit."""
    return (masks[:, None] >> np.asarray(bits, dtype=np.int64)[None, :]) & 1


def _spread(groups, region_codes, bits) -> np.ndarray:
    """regions × bits counts from ``(region_mask, other_mask, count)`` groups."""
    if not groups:
        return np.zeros((len(region_codes), len(bits)), dtype=np.int64)
    data = np.array(groups, dtype=np.int64)
    in_region = _has_bits(data[:, 0], [region_bit(code) for code in region_codes])
    with_bit = _has_bits(data[:, 1], bits) * data[:, 2:3]
    return in_region.T @ with_bit


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

    def cells(self):
        """(region, column, count, level) for every cell, rows first."""
        for i, region in enumerate(self.regions):
            for j, column in enumerate(self.columns):
                count = int(self.counts[i, j])
                yield region, column, count, CoverageLevel.of(count)

    def level_totals(self) -> dict[str, int]:
        totals = dict.fromkeys(CoverageLevel.values, 0)
        for _region, _column, _count, level in self.cells():
            totals[level] += 1
        return totals


def coverage_by_sector(filters: CoverageFilters, *, regions=None, sectors=None, now=None) -> CoverageMatrix:
    """Suppliers serving each region with at least one category of each sector."""
    regions = regions if regions is not None else list(Region.objects.order_by("code"))
    sectors = sectors if sectors is not None else list(Sector.objects.order_by("position", "code"))
    groups = list(
        filters.facts(now=now)
        .values("region_mask", "sector_mask")
        .annotate(n=Count("pk"))
        .values_list("region_mask", "sector_mask", "n")
        .order_by()
    )
    counts = _spread(groups, [region.code for region in regions], [sector.bit for sector in sectors])
    return CoverageMatrix(regions=regions, columns=sectors, counts=counts)


def coverage_by_category(filters: CoverageFilters, *, categories, regions=None, now=None) -> CoverageMatrix:
    """*coverage(r, c)* for every region and each of ``categories``."""
    regions = regions if regions is not None else list(Region.objects.order_by("code"))
    facts = filters.facts(now=now)
    if categories:
        # Only the listings with one of these categories: a sector's drill-down reads a fraction of the rows.
        wanted = 0
        for category in categories:
            wanted |= 1 << category.bit
        facts = facts.annotate(wanted=F("category_mask").bitand(wanted)).exclude(wanted=0)
    groups = list(
        facts.values("region_mask", "category_mask")
        .annotate(n=Count("pk"))
        .values_list("region_mask", "category_mask", "n")
        .order_by()
    )
    counts = _spread(groups, [region.code for region in regions], [category.bit for category in categories])
    return CoverageMatrix(regions=regions, columns=list(categories), counts=counts)


# The measures of a nightly snapshot, each a condition on the listing facts.
SNAPSHOT_MEASURES = {
    "suppliers": Q(),
    "cooperatives": Q(legal_form=LegalForm.COOPERATIVE),
    "non_profits": Q(legal_form=LegalForm.NON_PROFIT),
    "adapted": Q(accreditations__contains=[Accreditation.ADAPTED]),
    "integration": Q(accreditations__contains=[Accreditation.INTEGRATION]),
}


def snapshot_counts(*, now) -> dict[str, dict[str, dict[str, int]]]:
    """Per measure, per region code, per category code: the counts of a coverage snapshot (one query a
    measure)."""
    from suppliers.models import Category

    regions = list(Region.objects.order_by("code"))
    categories = list(Category.objects.order_by("code"))
    measures = dict(SNAPSHOT_MEASURES)
    measures["checked_recently"] = Q(checked_at__gte=shift_months(now, -CHECKED_RECENTLY_MONTHS))
    result = {}
    for measure, condition in measures.items():
        groups = list(
            ListingFacts.objects.filter(condition)
            .values("region_mask", "category_mask")
            .annotate(n=Count("pk"))
            .values_list("region_mask", "category_mask", "n")
            .order_by()
        )
        counts = _spread(
            groups, [region.code for region in regions], [category.bit for category in categories]
        )
        result[measure] = {
            region.code: {category.code: int(counts[i, j]) for j, category in enumerate(categories)}
            for i, region in enumerate(regions)
        }
    return result


def cell_suppliers(filters: CoverageFilters, *, region_code: str, sector_code="", category_code="", now=None):
    """The suppliers behind a cell (by the definitions of ``SupplierQuerySet``), in name order."""
    suppliers = Supplier.objects.serves(region_code)
    suppliers = suppliers.offering(category_code) if category_code else suppliers.in_sectors(sector_code)
    return filters.suppliers(suppliers, now=now).order_by("name", "pk")

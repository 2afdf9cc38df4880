"""The search index of published suppliers: their filter values and orders, kept in each process and brought up to
date before every search.

PostgreSQL stays the source of truth and matches text (``suppliers_search_document``). What it cannot do fast is
count: facet counts are a pass over every matching row, and a broad word or no word at all matches most of the
catalogue. So each process keeps, for every published supplier, its filter values (regions and service areas
served, sectors, categories, legal form, accreditations) and its place in name order and in "most recently
updated" order. A search state is then a few bitmap operations, a facet count a population count or a count over
the matched suppliers, and a page of results the n-th matched suppliers in an order.

Layout. A published supplier has a *slot* (a bit position); an option is identified by a number that is never
given twice (a region by its code, sectors, categories and service areas by ``number``, legal forms and
accreditations by their place in the choices), so a deleted option's identity never passes to a new one. A facet
with few options keeps one bitmap per option (``DenseFacet``); one with many keeps (slot, option) pairs and counts
from the matched set (``SparseFacet``), so the number of options costs no memory per supplier and no ceiling.

Freshness. An index belongs to a database snapshot (``pg_current_snapshot()``). Before each search, one query
(``CHECK_SQL``) returns the suppliers whose filter data changed in transactions that snapshot does not see
(``suppliers_search_change``, written by the triggers of migration 0012), with their current data and where they
go in name order; the index is then copied with only those suppliers replaced. Versions are immutable and share
what did not change, so a request keeps a consistent index while another installs a newer one, and an old version
is freed as soon as no request holds it. A change is therefore visible to the next search of every process; the
whole index is reloaded only at start, after a process was idle past the change log's retention, after a bulk
change of a large part of the catalogue, or when suppliers were truncated. A transaction's own uncommitted
changes are applied to a private copy for its own searches and never to the shared index.
"""

import bisect
import threading
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.db import connection

from .models import (
    NAME_SORT_KEY_FUNCTION,
    Accreditation,
    Category,
    LegalForm,
    Region,
    Sector,
    ServiceArea,
)

FACETS = ("region", "area", "sector", "category", "legal_form", "accreditation")
LEGAL_FORMS = list(LegalForm.values)
ACCREDITATIONS = list(Accreditation.values)
# A facet with options numbered up to this keeps one bitmap per option; past it, (supplier, option) pairs.
DENSE_OPTIONS = 64
# Flags of a supplier record: legal form (bits 0-3), accreditations (bits 4-11), all of Québec (bit 14).
ACCREDITATION_SHIFT = 4
ALL_QUEBEC_FLAG = 1 << 14

# --- Bitmaps: little-endian bit order in 64-bit words; bit s is the supplier in slot s. ---


def pack(flags: np.ndarray) -> np.ndarray:
    """A boolean array as a bitmap."""
    packed = np.packbits(flags, bitorder="little")
    padding = (-len(packed)) % 8
    if padding:
        packed = np.concatenate([packed, np.zeros(padding, np.uint8)])
    return packed.view("<u8")


def unpack(bitmap: np.ndarray, size: int) -> np.ndarray:
    return np.unpackbits(bitmap.view(np.uint8), bitorder="little", count=size).view(bool)


def popcount(bitmap: np.ndarray) -> int:
    return int(np.bitwise_count(bitmap).sum(dtype=np.int64))


def bitmap_of(slots: np.ndarray, size: int) -> np.ndarray:
    flags = np.zeros(size, bool)
    flags[slots] = True
    return pack(flags)


def bits_at(bitmap: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Whether each of these slots is set in the bitmap."""
    slots = slots.astype(np.int64)
    return ((bitmap[slots >> 6] >> (slots & 63).astype(np.uint64)) & np.uint64(1)).astype(bool)


def _words(size: int) -> int:
    return (size + 63) // 64


# --- Facets ---


class DenseFacet:
    """One bitmap per option number (the rows of ``stack``)."""

    def __init__(self, stack: np.ndarray):
        self.stack = stack

    @classmethod
    def of_pairs(cls, slots, options, *, width: int, size: int) -> "DenseFacet":
        stack = np.zeros((width, _words(size)), np.uint64)
        order = np.argsort(options, kind="stable")
        bounds = np.searchsorted(options[order], np.arange(width + 1))
        for option in range(width):
            chosen = slots[order[bounds[option] : bounds[option + 1]]]
            if len(chosen):
                stack[option] = bitmap_of(chosen, size)
        return cls(stack)

    @property
    def width(self) -> int:
        return len(self.stack)

    def any_of(self, options, size: int) -> np.ndarray:
        rows = [option for option in options if 0 <= option < len(self.stack)]
        if not rows:
            return np.zeros(_words(size), np.uint64)
        return np.bitwise_or.reduce(self.stack[rows], axis=0)

    def counts(self, within: np.ndarray) -> np.ndarray:
        if not len(self.stack):
            return np.zeros(0, np.int64)
        return np.bitwise_count(self.stack & within).sum(axis=1, dtype=np.int64)

    def replaced(self, changed: np.ndarray, slots, options, *, width: int, size: int) -> "DenseFacet":
        """A copy where the suppliers of the ``changed`` bitmap have these (slot, option) pairs instead."""
        stack = np.zeros((width, _words(size)), np.uint64)
        rows, columns = min(width, len(self.stack)), self.stack.shape[1]
        stack[:rows, :columns] = self.stack[:rows] & ~changed[:columns]
        if len(slots):
            slots = slots.astype(np.int64)
            np.bitwise_or.at(stack, (options, slots >> 6), np.uint64(1) << (slots & 63).astype(np.uint64))
        return DenseFacet(stack)

    @property
    def nbytes(self) -> int:
        return self.stack.nbytes


class SparseFacet:
    """(slot, option) pairs: filters and counts scan the pairs, so options cost no memory per supplier."""

    def __init__(self, slots: np.ndarray, options: np.ndarray, width: int):
        self.slots, self.options, self.width = slots, options, width

    @classmethod
    def of_pairs(cls, slots, options, *, width: int, size: int) -> "SparseFacet":
        return cls(slots.astype(np.int32), options.astype(np.int32), width)

    def any_of(self, options, size: int) -> np.ndarray:
        chosen = self.slots[np.isin(self.options, np.asarray(list(options), dtype=np.int32))]
        return bitmap_of(chosen, size)

    def counts(self, within: np.ndarray) -> np.ndarray:
        if not len(self.slots):
            return np.zeros(self.width, np.int64)
        inside = unpack(within, len(within) * 64)[self.slots]
        return np.bincount(self.options[inside], minlength=self.width).astype(np.int64)

    def replaced(self, changed: np.ndarray, slots, options, *, width: int, size: int) -> "SparseFacet":
        keep = ~unpack(changed, len(changed) * 64)[self.slots] if len(self.slots) else np.zeros(0, bool)
        return SparseFacet(
            np.concatenate([self.slots[keep], slots.astype(np.int32)]),
            np.concatenate([self.options[keep], options.astype(np.int32)]),
            width,
        )

    @property
    def nbytes(self) -> int:
        return self.slots.nbytes + self.options.nbytes


def _facet_class(width: int):
    return DenseFacet if width <= DENSE_OPTIONS else SparseFacet


@dataclass(frozen=True)
class AreaFacet:
    """Service areas: a supplier serves an area when it serves the area itself or one containing it (``direct``,
    with only the outermost area a supplier serves kept), or its whole region (``region_full``, all of Québec
    included). The three are disjoint, so an area's count is a sum."""

    direct: object  # DenseFacet or SparseFacet of area numbers
    region_full: DenseFacet

    def any_of(self, areas, size: int, reference: "Reference") -> np.ndarray:
        covering = {number for area in areas for number in reference.area_path(area)}
        regions = {reference.area_region[area] for area in areas if area in reference.area_region}
        return self.direct.any_of(covering, size) | self.region_full.any_of(regions, size)

    def counts(self, within: np.ndarray, reference: "Reference") -> np.ndarray:
        direct = self.direct.counts(within)
        by_region = self.region_full.counts(within)
        counts = np.zeros(reference.area_width, np.int64)
        for number in reference.area_numbers_top_down:
            parent = reference.area_parent.get(number)
            inherited = (
                counts[parent]
                if parent is not None
                else (
                    by_region[reference.area_region[number]]
                    if reference.area_region[number] < len(by_region)
                    else 0
                )
            )
            counts[number] = inherited + (direct[number] if number < len(direct) else 0)
        return counts


# --- Reference data: regions, service areas, sectors, categories ---


@dataclass
class Reference:
    """Regions, service areas, sectors and categories: the filter options, their numbers in the index, and the
    labels of codes. Loaded once per change of any of them and shared by the requests of a process, so never
    modified."""

    regions: list
    areas: list
    sectors: list
    categories: list

    @classmethod
    def load(cls) -> "Reference":
        return cls(
            regions=list(Region.objects.order_by("code")),
            areas=list(ServiceArea.objects.order_by("region_id", "name", "code")),
            sectors=list(Sector.objects.order_by("position", "code")),
            categories=list(
                Category.objects.select_related("sector").order_by(
                    "sector__position", "sector__code", "position", "code"
                )
            ),
        )

    @cached_property
    def options(self) -> dict[str, dict[str, int]]:
        """Per facet, its options (codes or values, in display order) and their numbers in the index."""
        return {
            "region": {region.code: int(region.code) for region in self.regions},
            "area": {area.code: area.number for area in self.areas_in_tree_order},
            "sector": {sector.code: sector.number for sector in self.sectors},
            "category": {category.code: category.number for category in self.categories},
            "legal_form": {value: index for index, value in enumerate(LEGAL_FORMS)},
            "accreditation": {value: index for index, value in enumerate(ACCREDITATIONS)},
        }

    @cached_property
    def widths(self) -> dict[str, int]:
        return {facet: max(options.values(), default=-1) + 1 for facet, options in self.options.items()}

    @cached_property
    def category_sector(self) -> np.ndarray:
        """Sector number by category number (-1 for numbers no category has)."""
        mapping = np.full(self.widths["category"], -1, np.int64)
        sectors = {sector.code: sector.number for sector in self.sectors}
        for category in self.categories:
            mapping[category.number] = sectors[category.sector_id]
        return mapping

    @cached_property
    def areas_by_code(self) -> dict:
        return {area.code: area for area in self.areas}

    @cached_property
    def area_region(self) -> dict[int, int]:
        return {area.number: int(area.region_id) for area in self.areas}

    @cached_property
    def area_parent(self) -> dict[int, int]:
        parents = {}
        for area in self.areas:
            parent = self.areas_by_code.get(area.parent_id)
            if parent is not None:
                parents[area.number] = parent.number
        return parents

    @cached_property
    def area_width(self) -> int:
        return self.widths["area"]

    @cached_property
    def area_region_array(self) -> np.ndarray:
        """Region number by area number (-1 for numbers no area has)."""
        mapping = np.full(self.area_width, -1, np.int64)
        for number, region in self.area_region.items():
            mapping[number] = region
        return mapping

    @cached_property
    def area_parent_array(self) -> np.ndarray:
        mapping = np.full(self.area_width, -1, np.int64)
        for number, parent in self.area_parent.items():
            mapping[number] = parent
        return mapping

    def area_path(self, number: int) -> list[int]:
        """The area and the areas containing it, innermost first."""
        path = []
        while number is not None and number not in path:
            path.append(number)
            number = self.area_parent.get(number)
        return path

    @cached_property
    def areas_in_tree_order(self) -> list:
        """Each region's areas, an area followed by those it contains (depth-first, by name)."""
        children = {}
        for area in self.areas:
            key = area.parent_id if area.parent_id in self.areas_by_code else None
            children.setdefault((area.region_id, key), []).append(area)
        ordered = []

        def visit(region, parent, depth):
            for area in children.get((region, parent), []):
                area.depth = depth
                ordered.append(area)
                visit(region, area.code, depth + 1)

        for region in self.regions:
            visit(region.code, None, 0)
        return ordered

    @cached_property
    def area_numbers_top_down(self) -> list[int]:
        return [area.number for area in self.areas_in_tree_order]

    def wide_options(self, facet: str) -> list[tuple[str, str, str, int]]:
        """The options of a facet with many, as (code, label, parent's label, depth), in the taxonomy's order:
        categories under their sector, service areas under their region (an area under the one containing it)."""
        if facet == "category":
            return [(c.code, c.name, c.sector.name, 0) for c in self.categories]
        regions = self.regions_by_code
        return [(a.code, a.name, regions[a.region_id].name, a.depth) for a in self.areas_in_tree_order]

    @cached_property
    def region_codes(self) -> list[str]:
        return [region.code for region in self.regions]

    @cached_property
    def regions_by_code(self) -> dict:
        return {region.code: region for region in self.regions}

    @cached_property
    def categories_by_code(self) -> dict:
        return {category.code: category for category in self.categories}


# --- Snapshots ---


@dataclass(frozen=True)
class Snapshot:
    """A ``pg_snapshot``: transactions below ``xmin`` and not in ``running`` below ``xmax`` are seen."""

    xmin: int
    xmax: int
    running: tuple[int, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "Snapshot":
        xmin, xmax, running = text.split(":")
        return cls(int(xmin), int(xmax), tuple(int(xid) for xid in running.split(",") if xid))

    def __str__(self):
        return f"{self.xmin}:{self.xmax}:{','.join(map(str, self.running))}"

    def not_seeing(self, xid: int | None) -> "Snapshot":
        """This snapshot, with transaction ``xid`` (the reader's own, still open) counted as not seen: PostgreSQL
        leaves a transaction's own id out of its snapshots, so later changes it commits would seem seen."""
        if xid is None or xid >= self.xmax or xid in self.running:
            return self
        running = list(self.running)
        bisect.insort(running, xid)
        return Snapshot(min(self.xmin, xid), self.xmax, tuple(running))


# --- The index ---

_FLAGS_SQL = " | ".join(
    [f"((s.legal_form = '{value}')::int << {index})" for index, value in enumerate(LEGAL_FORMS)]
    + [
        f"(('{value}' = ANY(s.accreditations))::int << {ACCREDITATION_SHIFT + index})"
        for index, value in enumerate(ACCREDITATIONS)
    ]
    + [f"(s.serves_all_quebec::int << {ALL_QUEBEC_FLAG.bit_length() - 1})"]
)
# A published supplier: id, last update (microseconds), flags.
_RECORD_SQL = f"int8send(s.id) || int8send((extract(epoch FROM s.updated_at) * 1000000)::int8) || int2send(({_FLAGS_SQL})::int2)"
RECORD = np.dtype([("id", ">i8"), ("updated", ">i8"), ("flags", ">i2")])
PLACED = np.dtype([("id", ">i8"), ("updated", ">i8"), ("flags", ">i2"), ("after", ">i8")])
PAIR = np.dtype([("id", ">i8"), ("option", ">i8")])
_NAME_KEY = f"{NAME_SORT_KEY_FUNCTION}(s.name), s.id"


def _pairs_sql(where: str) -> dict[str, str]:
    """The (supplier, option number) pairs of the many-to-many tables, as binary records."""
    return {
        "region": f"""SELECT string_agg(int8send(l.supplier_id) || int8send(l.region_id::int8), '')
            FROM suppliers_supplier_regions_served l {where}""",
        "category": f"""SELECT string_agg(int8send(l.supplier_id) || int8send(c.number), '')
            FROM suppliers_supplier_categories l JOIN suppliers_category c ON c.code = l.category_id {where}""",
        "area": f"""SELECT string_agg(int8send(l.supplier_id) || int8send(a.number), '')
            FROM suppliers_supplier_areas_served l JOIN suppliers_servicearea a ON a.code = l.servicearea_id {where}""",
    }


_LOAD_PAIRS = _pairs_sql("")
# The whole index in one statement, so everything belongs to one snapshot; the published suppliers come in name
# order from an index-only scan of supplier_pub_name_index.
LOAD_SQL = f"""
SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text,
    (SELECT string_agg({_RECORD_SQL}, '' ORDER BY {_NAME_KEY})
     FROM suppliers_supplier s WHERE suppliers_is_published(s.status)),
    ({_LOAD_PAIRS["region"]}), ({_LOAD_PAIRS["category"]}), ({_LOAD_PAIRS["area"]}),
    ARRAY(SELECT c.supplier_id FROM suppliers_search_change c WHERE c.xid = pg_current_xact_id_if_assigned()),
    coalesce((SELECT c.changes FROM suppliers_search_reference_change c
              WHERE c.xid = pg_current_xact_id_if_assigned()), -1),
    coalesce((SELECT c.truncations FROM suppliers_search_reference_change c
              WHERE c.xid = pg_current_xact_id_if_assigned()), -1)
"""

_CHANGED_PAIRS = _pairs_sql("WHERE l.supplier_id = ANY(changed.ids)")
# What changed since the index's snapshot: transactions the snapshot does not see are those from its xmax on and
# those it lists as running; the reader's own transaction is read too (it is never in its own snapshots). With at
# most %(limit)s changed suppliers, their data and, for each published one, the published supplier that precedes
# it in name order among those that did not change (found by one probe of supplier_pub_name_index).
CHECK_SQL = f"""
WITH seen AS (SELECT %(seen)s::pg_snapshot AS s),
now AS (SELECT pg_current_snapshot() AS snap, pg_current_xact_id_if_assigned() AS own),
log AS (
    SELECT c.xid, c.supplier_id FROM suppliers_search_change c, seen WHERE c.xid >= pg_snapshot_xmax(seen.s)
    UNION ALL
    SELECT c.xid, c.supplier_id FROM suppliers_search_change c
    WHERE c.xid IN (SELECT pg_snapshot_xip(seen.s) FROM seen)
    UNION ALL
    SELECT c.xid, c.supplier_id FROM suppliers_search_change c, now WHERE c.xid = now.own
    UNION ALL
    SELECT NULL, unnest(%(tentative)s::bigint[])
),
reference AS (
    SELECT c.xid, c.changes, c.truncations FROM suppliers_search_reference_change c, seen
    WHERE c.xid >= pg_snapshot_xmax(seen.s) OR c.xid IN (SELECT pg_snapshot_xip(seen.s) FROM seen)
    UNION ALL
    SELECT c.xid, c.changes, c.truncations FROM suppliers_search_reference_change c, now WHERE c.xid = now.own
),
changed AS (
    SELECT coalesce(array_agg(DISTINCT log.supplier_id), '{{}}') AS ids, count(DISTINCT log.supplier_id) AS n,
        coalesce(array_agg(DISTINCT log.supplier_id) FILTER (WHERE log.xid = (SELECT own FROM now)), '{{}}')
            AS own_ids
    FROM log
)
SELECT now.snap::text, now.own::text,
    (SELECT h.pruned_below <= pg_snapshot_xmin(seen.s) FROM suppliers_search_horizon h),
    EXISTS (SELECT 1 FROM reference WHERE xid IS DISTINCT FROM now.own),
    coalesce((SELECT bool_or(truncations > 0) FROM reference WHERE xid IS DISTINCT FROM now.own), false),
    coalesce((SELECT max(changes) FROM reference WHERE xid = now.own), -1),
    coalesce((SELECT max(truncations) FROM reference WHERE xid = now.own), -1),
    changed.n,
    CASE WHEN changed.n BETWEEN 1 AND %(limit)s THEN (
        SELECT string_agg({_RECORD_SQL} || int8send(coalesce(after.id, -1)), '' ORDER BY {_NAME_KEY})
        FROM suppliers_supplier s LEFT JOIN LATERAL (
            SELECT p.id FROM suppliers_supplier p
            WHERE suppliers_is_published(p.status) AND p.id <> ALL(changed.ids)
              AND ({NAME_SORT_KEY_FUNCTION}(p.name), p.id) < ({NAME_SORT_KEY_FUNCTION}(s.name), s.id)
            ORDER BY {NAME_SORT_KEY_FUNCTION}(p.name) DESC, p.id DESC LIMIT 1
        ) AS after ON true
        WHERE s.id = ANY(changed.ids) AND suppliers_is_published(s.status)) END,
    CASE WHEN changed.n BETWEEN 1 AND %(limit)s THEN ({_CHANGED_PAIRS["region"]}) END,
    CASE WHEN changed.n BETWEEN 1 AND %(limit)s THEN ({_CHANGED_PAIRS["category"]}) END,
    CASE WHEN changed.n BETWEEN 1 AND %(limit)s THEN ({_CHANGED_PAIRS["area"]}) END,
    changed.ids, changed.own_ids
FROM seen, now, changed
"""


class _IdLookup:
    """Supplier id -> slot: a dense array for ids up to a few times the number of suppliers (text matches come
    back as ids, sometimes hundreds of thousands of them), a sorted array for the rare larger ids (any 64-bit id
    is accepted)."""

    def __init__(self, ids: np.ndarray, slots: np.ndarray, dense_limit: int):
        dense = (ids >= 0) & (ids < dense_limit)
        self.dense = np.full(int(ids[dense].max()) + 1 if dense.any() else 0, -1, np.int32)
        self.dense[ids[dense]] = slots[dense]
        order = np.argsort(ids[~dense], kind="stable")
        self.sparse_ids = ids[~dense][order]
        self.sparse_slots = slots[~dense][order].astype(np.int32)

    def slots_of(self, ids: np.ndarray) -> np.ndarray:
        """Slots of these ids, -1 for ids not in the index."""
        ids = np.asarray(ids, dtype=np.int64)
        slots = np.full(len(ids), -1, np.int32)
        inside = (ids >= 0) & (ids < len(self.dense))
        slots[inside] = self.dense[ids[inside]]
        outside = ~inside
        if outside.any() and len(self.sparse_ids):
            positions = np.searchsorted(self.sparse_ids, ids[outside])
            positions = np.minimum(positions, len(self.sparse_ids) - 1)
            found = self.sparse_ids[positions] == ids[outside]
            slots[np.flatnonzero(outside)[found]] = self.sparse_slots[positions[found]]
        return slots

    @property
    def nbytes(self):
        return self.dense.nbytes + self.sparse_ids.nbytes + self.sparse_slots.nbytes


def _dense_limit(count: int) -> int:
    return 4 * count + (1 << 20)


def _records(data, dtype) -> np.ndarray:
    return np.frombuffer(data or b"", dtype=dtype)


@dataclass(frozen=True)
class CatalogueIndex:
    """Published suppliers by slot (``ids``, -1 for a free slot), their orders and per facet the options they have.

    ``region_full``: regions a supplier serves as a whole (all of Québec: every region); ``categories`` and
    ``areas``: (slot, option number) pairs as loaded; ``facets``: what filters and counts read, derived from these
    with the reference data (a service area counts in its region, a category in its sector).
    """

    ids: np.ndarray
    lookup: _IdLookup
    live: np.ndarray
    by_name: np.ndarray
    name_rank: np.ndarray
    updated: np.ndarray
    by_updated: np.ndarray
    updated_rank: np.ndarray
    flags: np.ndarray
    region_full: DenseFacet
    categories: tuple  # (slots, numbers)
    areas: tuple  # (slots, numbers)
    facets: dict = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.by_name)

    @property
    def capacity(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        arrays = [
            self.ids,
            self.live,
            self.by_name,
            self.name_rank,
            self.updated,
            self.by_updated,
            self.updated_rank,
            self.flags,
            *self.categories,
            *self.areas,
        ]
        total = sum(array.nbytes for array in arrays) + self.lookup.nbytes + self.region_full.nbytes
        return (
            total
            + sum(facet.nbytes for name, facet in self.facets.items() if name != "area")
            + (self.facets["area"].direct.nbytes if "area" in self.facets else 0)
        )

    # --- Building ---

    @classmethod
    def build(
        cls, records, region_pairs, category_pairs, area_pairs, reference: Reference
    ) -> "CatalogueIndex":
        """The index of these published suppliers (``records`` in name order) and pairs (any supplier)."""
        size = len(records)
        ids = records["id"].astype(np.int64)
        slots = np.arange(size, dtype=np.int32)
        lookup = _IdLookup(ids, slots, _dense_limit(size))
        updated = records["updated"].astype(np.int64)
        by_updated = np.lexsort((-ids, -updated)).astype(np.int32)
        region_slots, regions = cls._slots_of_pairs(lookup, region_pairs)
        flags = records["flags"].astype(np.int16)
        region_slots, regions = _with_all_quebec(region_slots, regions, flags, slots, reference)
        categories = cls._slots_of_pairs(lookup, category_pairs)
        areas = cls._slots_of_pairs(lookup, area_pairs)
        region_full = DenseFacet.of_pairs(region_slots, regions, width=reference.widths["region"], size=size)
        index = cls(
            ids=ids,
            lookup=lookup,
            live=pack(np.ones(size, bool)),
            by_name=slots,
            name_rank=slots.copy(),
            updated=updated,
            by_updated=by_updated,
            updated_rank=_ranks(by_updated, size),
            flags=flags,
            region_full=region_full,
            categories=categories,
            areas=areas,
            facets={},
        )
        return index.with_reference(reference)

    @staticmethod
    def _slots_of_pairs(lookup: _IdLookup, pairs) -> tuple[np.ndarray, np.ndarray]:
        slots = lookup.slots_of(pairs["id"].astype(np.int64))
        kept = slots >= 0
        return slots[kept], pairs["option"][kept].astype(np.int64)

    def with_reference(self, reference: Reference) -> "CatalogueIndex":
        """This index with every facet derived again from the loaded pairs (after the reference data changed)."""
        everyone = np.flatnonzero(self.ids >= 0).astype(np.int32)
        derived = _derive(self, reference, everyone)
        derived["area"] = derived.pop("area_direct")
        facets = {}
        for name, (slots, options) in derived.items():
            width = reference.widths[name]
            facets[name] = _facet_class(width).of_pairs(slots, options, width=width, size=self.capacity)
        facets["area"] = _area_facet(facets["area"], self.region_full)
        return _replace(self, facets=facets)

    # --- Changes ---

    def changed(self, ids, placed, region_pairs, category_pairs, area_pairs, reference) -> "CatalogueIndex":
        """A copy with these suppliers (``ids``: every changed one) replaced by their current data (``placed``:
        the published ones, in name order, each with the published unchanged supplier it follows)."""
        old_slots = self.lookup.slots_of(np.asarray(ids, dtype=np.int64))
        old_slots = old_slots[old_slots >= 0].astype(np.int64)
        new_ids = placed["id"].astype(np.int64)
        # Slots: a supplier still published keeps its own, the others' are freed, a new one takes a free one.
        ids_array = self.ids.copy()
        ids_array[old_slots] = -1
        new_slots = self.lookup.slots_of(new_ids).astype(np.int64)
        new = new_slots < 0
        free = np.setdiff1d(np.flatnonzero(ids_array < 0), new_slots[~new])
        if new.sum() > len(free):
            grown = max(int(new.sum()) - len(free), len(ids_array) // 4, 64)
            free = np.concatenate([free, np.arange(len(ids_array), len(ids_array) + grown)])
            ids_array = np.concatenate([ids_array, np.full(grown, -1, np.int64)])
        new_slots[new] = free[: int(new.sum())]
        ids_array[new_slots] = new_ids
        capacity = len(ids_array)
        live_slots = np.flatnonzero(ids_array >= 0).astype(np.int32)
        lookup = _IdLookup(ids_array[live_slots], live_slots, _dense_limit(len(live_slots)))
        touched = np.concatenate([old_slots, new_slots])
        changed_bitmap = bitmap_of(touched, capacity)

        updated = _grown(self.updated, capacity, 0)
        updated[new_slots] = placed["updated"].astype(np.int64)
        flags = _grown(self.flags, capacity, 0)
        flags[old_slots] = 0
        flags[new_slots] = placed["flags"].astype(np.int16)

        by_name = _placed_in_name_order(self, touched, new_slots, placed["after"].astype(np.int64), capacity)
        by_updated = _placed_in_updated_order(self, touched, new_slots, updated, ids_array, capacity)

        region_slots, regions = self._slots_of_pairs(lookup, region_pairs)
        region_slots, regions = _with_all_quebec(region_slots, regions, flags, new_slots, reference)
        region_full = self.region_full.replaced(
            changed_bitmap, region_slots, regions, width=reference.widths["region"], size=capacity
        )
        index = CatalogueIndex(
            ids=ids_array,
            lookup=lookup,
            live=bitmap_of(live_slots, capacity),
            by_name=by_name,
            name_rank=_ranks(by_name, capacity),
            updated=updated,
            by_updated=by_updated,
            updated_rank=_ranks(by_updated, capacity),
            flags=flags,
            region_full=region_full,
            categories=_replaced_pairs(
                self.categories, changed_bitmap, self._slots_of_pairs(lookup, category_pairs)
            ),
            areas=_replaced_pairs(self.areas, changed_bitmap, self._slots_of_pairs(lookup, area_pairs)),
            facets={},
        )
        derived = _derive(index, reference, new_slots.astype(np.int32))
        facets = {}
        for name, (slots, options) in derived.items():
            if name == "area_direct":
                continue
            width = reference.widths[name]
            old = self.facets[name]
            if isinstance(old, _facet_class(width)):
                facets[name] = old.replaced(changed_bitmap, slots, options, width=width, size=capacity)
            else:  # the options outgrew the layout: rebuilt from every supplier
                return index.with_reference(reference)
        slots, options = derived["area_direct"]
        width = reference.widths["area"]
        old_direct = self.facets["area"].direct
        if not isinstance(old_direct, _facet_class(width)):
            return index.with_reference(reference)
        facets["area"] = _area_facet(
            old_direct.replaced(changed_bitmap, slots, options, width=width, size=capacity), region_full
        )
        return _replace(index, facets=facets)

    # --- Sets ---

    def any_of(self, facet: str, options, reference: Reference) -> np.ndarray:
        """Suppliers having at least one of these options."""
        if facet == "area":
            return self.facets["area"].any_of(options, self.capacity, reference)
        return self.facets[facet].any_of(options, self.capacity)

    def of_ids(self, ids: np.ndarray) -> np.ndarray:
        """The bitmap of these supplier ids (ids not in the index are ignored)."""
        slots = self.lookup.slots_of(ids)
        return bitmap_of(slots[slots >= 0], self.capacity)

    def facet_counts(self, selected: dict[str, list[int]], reference: Reference, within=None):
        """Counts per option number of every facet, each with the OTHER facets' selections applied (disjunctive
        faceting), and the bitmap of the suppliers matching every selection.

        ``selected`` maps a facet to its selected option numbers (OR within a facet, AND between facets);
        ``within`` restricts everything (the text matches).
        """
        base = self.live if within is None else within & self.live
        chosen = {facet: self.any_of(facet, options, reference) for facet, options in selected.items()}
        counts = {}
        for facet in FACETS:
            others = base
            for name, bitmap in chosen.items():
                if name != facet:
                    others = others & bitmap
            if facet == "area":
                counts[facet] = self.facets["area"].counts(others, reference)
            else:
                counts[facet] = self.facets[facet].counts(others)
        matched = base
        for bitmap in chosen.values():
            matched = matched & bitmap
        return counts, matched

    # --- Orders ---

    def ordered(self, bitmap: np.ndarray, order: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Slots of the set bits in name order or "updated" order (most recent first), from ``start`` to
        ``stop``."""
        permutation, rank = (
            (self.by_name, self.name_rank) if order == "name" else (self.by_updated, self.updated_rank)
        )
        count = popcount(bitmap)
        stop = count if stop is None else min(stop, count)
        if start >= stop:
            return np.zeros(0, np.int32)
        if count * 32 < self.size:  # few: sort them
            slots = np.flatnonzero(unpack(bitmap, self.capacity)).astype(np.int32)
            return slots[np.argsort(rank[slots], kind="stable")][start:stop]
        flags = unpack(bitmap, self.capacity)
        found, chunk = [], max(1 << 16, stop - start)
        taken = 0
        for offset in range(0, len(permutation), chunk):
            part = permutation[offset : offset + chunk]
            part = part[flags[part]]
            found.append(part)
            taken += len(part)
            if taken >= stop:
                break
        return np.concatenate(found)[start:stop]

    def ids_at(self, slots: np.ndarray) -> list[int]:
        return [int(value) for value in self.ids[slots]]


def _replace(index: CatalogueIndex, **changes) -> CatalogueIndex:
    values = {name: getattr(index, name) for name in index.__dataclass_fields__}
    values.update(changes)
    return CatalogueIndex(**values)


def _grown(array: np.ndarray, size: int, fill) -> np.ndarray:
    if len(array) >= size:
        return array.copy()
    return np.concatenate([array, np.full(size - len(array), fill, array.dtype)])


def _ranks(permutation: np.ndarray, capacity: int) -> np.ndarray:
    rank = np.full(capacity, -1, np.int32)
    rank[permutation] = np.arange(len(permutation), dtype=np.int32)
    return rank


def _replaced_pairs(pairs, changed: np.ndarray, new) -> tuple[np.ndarray, np.ndarray]:
    slots, options = pairs
    keep = ~unpack(changed, len(changed) * 64)[slots] if len(slots) else np.zeros(0, bool)
    return (
        np.concatenate([slots[keep], new[0].astype(slots.dtype)]),
        np.concatenate([options[keep], new[1].astype(options.dtype)]),
    )


def _with_all_quebec(region_slots, regions, flags, slots, reference: Reference):
    """Region pairs plus every region for the suppliers (among ``slots``) serving all of Québec."""
    everywhere = slots[(flags[slots] & ALL_QUEBEC_FLAG) != 0]
    numbers = np.array([int(code) for code in reference.region_codes], np.int64)
    return (
        np.concatenate([region_slots, np.repeat(everywhere, len(numbers))]).astype(np.int64),
        np.concatenate([regions, np.tile(numbers, len(everywhere))]).astype(np.int64),
    )


def _area_facet(direct, region_full: DenseFacet) -> AreaFacet:
    return AreaFacet(direct=direct, region_full=region_full)


def _derive(index: CatalogueIndex, reference: Reference, slots: np.ndarray) -> dict:
    """The facet pairs of the suppliers in ``slots``, from the loaded data and the reference data."""
    among = np.zeros(index.capacity, bool)
    among[slots] = True
    flags = index.flags[slots]
    derived = {
        "legal_form": _flag_pairs(slots, flags, 0, len(LEGAL_FORMS)),
        "accreditation": _flag_pairs(slots, flags, ACCREDITATION_SHIFT, len(ACCREDITATIONS)),
    }
    cat_slots, cat_numbers = index.categories
    inside = among[cat_slots] if len(cat_slots) else np.zeros(0, bool)
    cat_slots, cat_numbers = cat_slots[inside], cat_numbers[inside]
    derived["category"] = (cat_slots, cat_numbers)
    sectors = _mapped(reference.category_sector, cat_numbers)
    derived["sector"] = _unique_pairs(
        cat_slots[sectors >= 0], sectors[sectors >= 0], reference.widths["sector"]
    )

    area_slots, area_numbers = index.areas
    inside = among[area_slots] if len(area_slots) else np.zeros(0, bool)
    area_slots, area_numbers = area_slots[inside].astype(np.int64), area_numbers[inside]
    region_of = _mapped(reference.area_region_array, area_numbers)
    known = region_of >= 0
    area_slots, area_numbers, region_of = area_slots[known], area_numbers[known], region_of[known]
    # The region facet: the regions served as a whole, and those of the service areas served.
    full_slots, full_regions = [], []
    full_stack = index.region_full.stack
    for number, row in enumerate(full_stack):
        hits = slots[bits_at(row, slots)] if len(slots) else slots
        full_slots.append(hits.astype(np.int64))
        full_regions.append(np.full(len(hits), number, np.int64))
    derived["region"] = _unique_pairs(
        np.concatenate([*full_slots, area_slots]),
        np.concatenate([*full_regions, region_of]),
        reference.widths["region"],
    )
    # Service areas served directly, without those covered by their whole region or by a wider area served.
    covered = np.zeros(len(area_slots), bool)
    for region in np.unique(region_of):
        if region < len(full_stack):
            same = region_of == region
            covered[same] = bits_at(full_stack[region], area_slots[same])
    width = max(reference.area_width, 1)
    served = np.unique(area_slots * width + area_numbers)
    parents = reference.area_parent_array
    wider = area_numbers.copy()
    for _depth in range(len(parents)):
        wider = _mapped(parents, wider)
        if not (wider >= 0).any():
            break
        has = wider >= 0
        covered[has] |= np.isin(area_slots[has] * width + wider[has], served)
    derived["area_direct"] = (area_slots[~covered], area_numbers[~covered])
    return derived


def _mapped(mapping: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``mapping[key]`` for each key, -1 for keys outside it."""
    keys = np.asarray(keys, dtype=np.int64)
    inside = (keys >= 0) & (keys < len(mapping))
    values = np.full(len(keys), -1, np.int64)
    values[inside] = mapping[keys[inside]]
    return values


def _flag_pairs(slots, flags, shift, width):
    pair_slots, options = [], []
    for option in range(width):
        hits = slots[(flags >> (shift + option)) & 1 == 1]
        pair_slots.append(hits)
        options.append(np.full(len(hits), option, np.int64))
    return np.concatenate(pair_slots).astype(np.int64), np.concatenate(options)


def _unique_pairs(slots, options, width):
    if not len(slots):
        return slots.astype(np.int64), options.astype(np.int64)
    keys = np.unique(slots.astype(np.int64) * max(width, 1) + options.astype(np.int64))
    return keys // max(width, 1), keys % max(width, 1)


def _placed_in_name_order(index, touched, new_slots, after_ids, capacity) -> np.ndarray:
    """Name order without the changed suppliers, then each published one placed after the unchanged supplier that
    precedes it (found in the database); those placed after the same one keep the database's order."""
    keep = np.ones(capacity, bool)
    keep[touched] = False
    remaining = index.by_name[keep[index.by_name]]
    rank = _ranks(remaining, capacity)
    after_slots = index.lookup.slots_of(after_ids)
    if ((after_ids >= 0) & (after_slots < 0)).any():
        raise _Inconsistent("a supplier that did not change is not in the index")
    positions = np.where(after_ids >= 0, rank[np.maximum(after_slots, 0)] + 1, 0)
    return np.insert(remaining, positions, new_slots.astype(np.int32))


def _placed_in_updated_order(index, touched, new_slots, updated, ids, capacity) -> np.ndarray:
    """Most recently updated first (then by id, descending), the changed suppliers placed by binary search."""
    keep = np.ones(capacity, bool)
    keep[touched] = False
    remaining = index.by_updated[keep[index.by_updated]]
    order = np.lexsort((-ids[new_slots], -updated[new_slots]))
    new_slots = new_slots[order]
    keys = -updated[remaining]
    positions = np.searchsorted(keys, -updated[new_slots], side="left")
    ends = np.searchsorted(keys, -updated[new_slots], side="right")
    for position, end in ((i, e) for i, e in enumerate(ends) if e > positions[i]):
        # Same update time: by id, descending.
        tied = ids[remaining[positions[position] : end]]
        positions[position] += int((tied > ids[new_slots[position]]).sum())
    return np.insert(remaining, positions, new_slots.astype(np.int32))


class _Inconsistent(Exception):
    """The changes do not fit the index: it is reloaded."""


# --- The catalogue a search reads ---


@dataclass(frozen=True)
class Catalogue:
    """The index and the reference data of one database snapshot: what a search reads."""

    index: CatalogueIndex
    reference: Reference
    snapshot: Snapshot
    database: str


_lock = threading.Lock()
_shared: Catalogue | None = None  # committed changes only, for every request of the process
_local = threading.local()  # .private: the catalogue of this thread's open transaction, with its own changes


@dataclass(frozen=True)
class _Private:
    """A catalogue holding its transaction's uncommitted changes, for that transaction's searches only."""

    own: int  # the transaction
    catalogue: Catalogue
    tentative: tuple  # suppliers whose uncommitted state it holds: read again until the transaction ends
    changes: int  # how many of the transaction's reference changes its reference data holds (-1: none)
    truncations: int  # how many of the transaction's truncations of suppliers it holds (-1: none)


def _database() -> str:
    return connection.settings_dict["NAME"]


def current_catalogue() -> Catalogue:
    """The catalogue as this connection sees it now: one query when nothing changed; the changed suppliers
    applied when some did. The shared catalogue only ever takes committed changes: a transaction that wrote
    suppliers or reference data gets a private copy for its own searches, left when a later search runs in
    another transaction (what it held of its own is then read again)."""
    global _shared
    private = getattr(_local, "private", None)
    if private is not None and private.catalogue.database != _database():
        private = None
    base = private.catalogue if private is not None else _shared
    if base is None or base.database != _database():
        return _full_load()
    limit = max(10_000, base.index.size // 10)
    tentative = list(private.tentative) if private is not None else []
    with connection.cursor() as cursor:
        cursor.execute(CHECK_SQL, {"seen": str(base.snapshot), "limit": limit, "tentative": tentative})
        (
            snapshot,
            own,
            complete,
            reference_changed,
            truncated,
            own_changes,
            own_truncations,
            count,
            placed,
            regions,
            categories,
            areas,
            ids,
            own_ids,
        ) = cursor.fetchone()
    own = int(own) if own is not None else None
    same = private is not None and private.own == own
    ended = private is not None and not same  # its transaction is over
    if (
        not complete
        or truncated
        or own_truncations > (private.truncations if same else -1)
        or (ended and private.truncations >= 0)
        or count > limit
    ):
        return _full_load()
    snapshot = Snapshot.parse(snapshot).not_seeing(own)
    if (
        reference_changed
        or own_changes > (private.changes if same else -1)
        or (ended and private.changes >= 0)
    ):
        reference = Reference.load()
        index = base.index.with_reference(reference)
    else:
        reference, index = base.reference, base.index
    if count:
        try:
            index = index.changed(
                ids,
                _records(placed, PLACED),
                _records(regions, PAIR),
                _records(categories, PAIR),
                _records(areas, PAIR),
                reference,
            )
        except _Inconsistent:
            return _full_load()
    catalogue = Catalogue(index, reference, snapshot, base.database)
    if own_ids or own_changes >= 0:
        still = private.tentative if same else ()
        _local.private = _Private(
            own, catalogue, tuple(set(still) | set(own_ids)), own_changes, own_truncations
        )
    else:
        _local.private = None
        with _lock:
            _shared = catalogue
    return catalogue


def _full_load() -> Catalogue:
    global _shared
    with connection.cursor() as cursor:
        cursor.execute(LOAD_SQL)
        snapshot, own, records, regions, categories, areas, own_ids, own_changes, own_truncations = (
            cursor.fetchone()
        )
    reference = Reference.load()
    index = CatalogueIndex.build(
        _records(records, RECORD),
        _records(regions, PAIR),
        _records(categories, PAIR),
        _records(areas, PAIR),
        reference,
    )
    own = int(own) if own is not None else None
    catalogue = Catalogue(index, reference, Snapshot.parse(snapshot).not_seeing(own), _database())
    if own_ids or own_changes >= 0:
        _local.private = _Private(own, catalogue, tuple(own_ids), own_changes, own_truncations)
    else:
        _local.private = None
        with _lock:
            _shared = catalogue
    return catalogue

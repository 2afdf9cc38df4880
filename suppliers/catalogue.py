"""The search index of published suppliers: their filter values as bitmaps in name order, kept in each process.

PostgreSQL stays the source of truth and does the text matching (``suppliers_search_document``, see migration
0009). What it cannot do fast is count: facet counts are one pass over every matching row, and a broad word or no
word at all matches most of the catalogue (about 90 ms per 100,000 rows). So each process keeps, for the
published suppliers in name order, one bitmap per filter option (region served — all of Québec counted in every
region —, sector, category, legal form, accreditation). A search state is then a few bitmap ANDs, a facet count
a population count, and a page of results the n-th set bits: a few milliseconds at a million listings.

The index is loaded in one statement that also reads the catalogue version (``suppliers_catalogue_change``,
maintained by a trigger on every write to suppliers), so the data and the version always belong together. Each
search reads the version (one small query) and reloads the index when it has changed: about 0.05 s at 100,000
published suppliers, 0.5 s at a million, paid once per process after each change.
"""

import threading
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from .models import NAME_SORT_KEY_FUNCTION, Accreditation, LegalForm

FACETS = ("region", "sector", "category", "legal_form", "accreditation")
LEGAL_FORMS = list(LegalForm.values)
ACCREDITATIONS = list(Accreditation.values)
REGION_BITS = 17
ALL_REGIONS_MASK = (1 << REGION_BITS) - 1

VERSION_SQL = "SELECT coalesce(sum(weight), 0)::text || '/' || coalesce(max(xid)::text, '') FROM suppliers_catalogue_change"

_FLAGS_SQL = " | ".join(
    [f"((legal_form = '{value}')::int << {index})" for index, value in enumerate(LEGAL_FORMS)]
    + [
        f"(('{value}' = ANY(accreditations))::int << {8 + index})"
        for index, value in enumerate(ACCREDITATIONS)
    ]
)

# One row: the version, and the published suppliers in name order as fixed-size big-endian records. The
# aggregate's ORDER BY reads the name-order index (supplier_pub_name_filters), which holds every column used.
LOAD_SQL = f"""
SELECT ({VERSION_SQL}), string_agg(
    int4send(id::int4)
    || int4send(CASE WHEN serves_all_quebec THEN {ALL_REGIONS_MASK} ELSE region_mask END)
    || int8send(category_mask) || int4send(sector_mask) || int4send({_FLAGS_SQL}),
    '' ORDER BY {NAME_SORT_KEY_FUNCTION}(name), id)
FROM suppliers_supplier WHERE status = 'published'
"""
RECORD = np.dtype(
    [("id", ">i4"), ("region", ">i4"), ("category", ">i8"), ("sector", ">i4"), ("flags", ">i4")]
)

UPDATED_ORDER_SQL = """
SELECT string_agg(int4send(id::int4), '' ORDER BY updated_at DESC, id DESC)
FROM suppliers_supplier WHERE status = 'published'
"""


def read_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        return cursor.fetchone()[0]


# --- Bitmaps: little-endian bit order in 64-bit words; bit p is the supplier at name position p. ---


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


def popcounts(stack: np.ndarray, bitmap: np.ndarray) -> np.ndarray:
    """The population count of each row of ``stack`` ANDed with ``bitmap``."""
    if not len(stack):
        return np.zeros(0, np.int64)
    return np.bitwise_count(stack & bitmap).sum(axis=1, dtype=np.int64)


def _bit_stack(values: np.ndarray, width: int) -> np.ndarray:
    """One bitmap per bit of ``values`` (bits 0 to ``width - 1``), as the rows of a 2-D array."""
    return np.stack([pack((values >> bit) & 1 == 1) for bit in range(width)]) if width else np.zeros((0, 0))


@dataclass
class CatalogueIndex:
    """Published suppliers in name order (``ids``) and, per facet, one bitmap per option bit (``stacks``).

    Option bits: region ``int(code) - 1``, ``Sector.bit``, ``Category.bit``, the position of the value in
    ``LEGAL_FORMS`` and ``ACCREDITATIONS``.
    """

    key: tuple
    ids: np.ndarray
    stacks: dict[str, np.ndarray]
    everyone: np.ndarray
    positions: np.ndarray = field(repr=False)  # supplier id -> name position, -1 when not published
    _by_updated: np.ndarray | None = field(default=None, repr=False)
    # Regions and categories (suppliers.search.Reference), loaded on first use and kept with the index: their
    # writes change the catalogue version too.
    reference: object = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    @classmethod
    def load(cls) -> "CatalogueIndex":
        with connection.cursor() as cursor:
            cursor.execute(LOAD_SQL)
            version, data = cursor.fetchone()
        records = np.frombuffer(data or b"", dtype=RECORD)
        ids = records["id"].astype(np.int32)
        size = len(ids)
        region = records["region"].astype(np.int64)
        category = records["category"].astype(np.int64)
        sector = records["sector"].astype(np.int64)
        flags = records["flags"].astype(np.int64)

        def width(values):
            return int(np.bitwise_or.reduce(values)).bit_length() if size else 0

        stacks = {
            "region": _bit_stack(region, REGION_BITS if size else 0),
            "sector": _bit_stack(sector, width(sector)),
            "category": _bit_stack(category, width(category)),
            "legal_form": _bit_stack(flags, len(LEGAL_FORMS) if size else 0),
            "accreditation": _bit_stack(flags >> 8, len(ACCREDITATIONS) if size else 0),
        }
        positions = np.full(int(ids.max()) + 1 if size else 0, -1, dtype=np.int32)
        positions[ids] = np.arange(size, dtype=np.int32)
        return cls(
            key=_key(version),
            ids=ids,
            stacks=stacks,
            everyone=pack(np.ones(size, bool)),
            positions=positions,
        )

    # --- Sets ---

    def any_of(self, facet: str, bits) -> np.ndarray:
        """Suppliers having at least one of these option bits."""
        stack = self.stacks[facet]
        rows = [bit for bit in bits if 0 <= bit < len(stack)]
        if not rows:
            return np.zeros_like(self.everyone)
        return np.bitwise_or.reduce(stack[rows], axis=0)

    def of_ids(self, ids: np.ndarray) -> np.ndarray:
        """The bitmap of these supplier ids (ids not in the index are ignored)."""
        ids = ids[(ids >= 0) & (ids < len(self.positions))]
        positions = self.positions[ids]
        flags = np.zeros(self.size, bool)
        flags[positions[positions >= 0]] = True
        return pack(flags)

    def facet_counts(self, selected: dict[str, list[int]], within: np.ndarray | None = None):
        """Counts per option bit of every facet, each with the OTHER facets' selections applied (disjunctive
        faceting), and the bitmap of the suppliers matching every selection.

        ``selected`` maps a facet to its selected option bits (OR within a facet, AND between facets);
        ``within`` restricts everything (the text matches).
        """
        base = self.everyone if within is None else within
        chosen = {facet: self.any_of(facet, bits) for facet, bits in selected.items()}
        counts = {}
        for facet in FACETS:
            others = base
            for name, bitmap in chosen.items():
                if name != facet:
                    others = others & bitmap
            counts[facet] = popcounts(self.stacks[facet], others)
        matched = base
        for bitmap in chosen.values():
            matched = matched & bitmap
        return counts, matched

    # --- Orders ---

    def in_name_order(self, bitmap: np.ndarray) -> np.ndarray:
        """Positions (name order) of the set bits."""
        return np.flatnonzero(unpack(bitmap, self.size))

    def ids_at(self, positions: np.ndarray) -> list[int]:
        return [int(value) for value in self.ids[positions]]

    def in_updated_order(self, bitmap: np.ndarray) -> np.ndarray:
        """Positions of the set bits, most recently updated first (the order is loaded on first use)."""
        if self._by_updated is None:
            with connection.cursor() as cursor:
                cursor.execute(UPDATED_ORDER_SQL)
                data = cursor.fetchone()[0]
            ids = np.frombuffer(data or b"", dtype=">i4").astype(np.int32)
            by_updated = self.positions[ids[ids < len(self.positions)]]
            by_updated = by_updated[by_updated >= 0]
            if len(by_updated) != self.size:  # the catalogue changed meanwhile: the others last, by name
                by_updated = np.concatenate([by_updated, np.setdiff1d(np.arange(self.size), by_updated)])
            self._by_updated = by_updated
        flags = unpack(bitmap, self.size)
        return self._by_updated[flags[self._by_updated]]


def _key(version: str) -> tuple:
    return (connection.settings_dict["NAME"], version)


_lock = threading.Lock()
_current: CatalogueIndex | None = None


def current_index() -> CatalogueIndex:
    """The index of the catalogue as this connection sees it now: one query, plus a load when it changed."""
    global _current
    key = _key(read_version())
    index = _current
    if index is not None and index.key == key:
        return index
    with _lock:
        if _current is None or _current.key != key:
            _current = CatalogueIndex.load()
        return _current

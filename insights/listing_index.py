"""The dashboard's per-process index of published listings: their facts as arrays, kept in each process.

PostgreSQL keeps the facts (``insights_listingfacts``, one narrow row per published listing, trigger-kept), but
counting them for a page would read every row for each page and each toggle (bench/README.md has the figures). So
each process keeps the facts as arrays, in supplier-id order, loaded in one statement that also reads the facts'
version (``insights_facts_change``, kept by the same triggers): the data and its version always belong together.
Each page reads the version (one small query) and reloads when it changed, as the search index does
(``suppliers.catalogue``). Coverage by region and sector (or category) is then a weighted count of the distinct
(regions served, sectors) combinations of the selected listings, spread over their bits with one matrix product;
results are memoised with the index, which a change of the facts replaces.
"""

import threading
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db import connection

from .models import ACCREDITATION_FLAGS, LEGAL_FORM_FLAGS

REGION_BITS = 17
# Results memoised per index (coverage matrices for the toggles asked, one entry each).
MEMO_SIZE = 256
# A date never set (never verified, never confirmed), in minutes.
NEVER = np.iinfo(np.int64).min

VERSION_SQL = (
    "SELECT coalesce(sum(weight), 0)::text || '/' || coalesce(max(xid)::text, '') FROM insights_facts_change"
)

# One row: the version of the facts and every listing's stored record (``ListingFacts.packed``), in one statement so
# that they belong together; no order (sorted here).
LOAD_SQL = f"SELECT ({VERSION_SQL}), string_agg(packed, '') FROM insights_listingfacts"
RECORD = np.dtype(
    [
        ("id", ">i4"),
        ("region", ">i4"),
        ("category", ">i8"),
        ("sector", ">i4"),
        ("flags", ">i2"),
        ("checked", ">i8"),
        ("verified", ">i8"),
        ("confirmed", ">i8"),
    ]
)
DATE_COLUMNS = ("checked", "verified", "confirmed")
# PostgreSQL's binary timestamps count microseconds from 2000-01-01 UTC; -infinity is the smallest int64.
POSTGRES_EPOCH_MINUTES = 946_684_800 // 60
MICROSECONDS_PER_MINUTE = 60_000_000


def minutes(moment: datetime) -> int:
    """A moment as the index stores dates: whole minutes since 1970 (UTC)."""
    return int(moment.timestamp() // 60)


def _minutes(timestamps: np.ndarray) -> np.ndarray:
    values = timestamps.astype(np.int64)
    result = values // MICROSECONDS_PER_MINUTE + POSTGRES_EPOCH_MINUTES
    result[values == np.iinfo(np.int64).min] = NEVER
    return result


def read_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        return cursor.fetchone()[0]


def _bits(masks: np.ndarray, bits) -> np.ndarray:
    """A rows × bits matrix of 0/1: whether each mask has each bit."""
    return (masks[:, None] >> np.asarray(bits, dtype=np.int64)[None, :]) & 1


@dataclass
class ListingIndex:
    key: tuple
    ids: np.ndarray
    region: np.ndarray
    category: np.ndarray
    sector: np.ndarray
    flags: np.ndarray
    dates: dict[str, np.ndarray]
    # Per column facet ("sector", "category"): each listing's (regions, column mask) combination and the
    # combinations' masks, built on first use.
    _groups: dict = field(default_factory=dict, repr=False)
    # Results computed from this index (a function of its data and of the arguments), by their arguments.
    _results: dict = field(default_factory=dict, repr=False)

    def memoised(self, key, compute):
        """``compute()``, once per ``key`` for this index (the index is replaced when the facts change)."""
        if key not in self._results:
            if len(self._results) >= MEMO_SIZE:
                self._results.clear()
            self._results[key] = compute()
        return self._results[key]

    @property
    def size(self) -> int:
        return len(self.ids)

    @classmethod
    def load(cls) -> "ListingIndex":
        with connection.cursor() as cursor:
            cursor.execute(LOAD_SQL)
            version, data = cursor.fetchone()
        records = np.frombuffer(data or b"", dtype=RECORD)
        records = records[np.argsort(records["id"], kind="stable")]
        return cls(
            key=_key(version),
            ids=records["id"].astype(np.int64),
            region=records["region"].astype(np.int64),
            category=records["category"].astype(np.int64),
            sector=records["sector"].astype(np.int64),
            flags=records["flags"].astype(np.int64),
            dates={column: _minutes(records[column]) for column in DATE_COLUMNS},
        )

    # --- Selections (boolean arrays over the listings; None selects all) ---

    def select(self, *, accreditations=(), legal_form: str = "", checked_since: datetime | None = None):
        selected = None

        def both(condition):
            return condition if selected is None else selected & condition

        if accreditations:
            bits = 0
            for value in accreditations:
                bits |= ACCREDITATION_FLAGS[value]
            selected = both(self.flags & bits != 0)
        if legal_form:
            selected = both(self.flags & LEGAL_FORM_FLAGS[legal_form] != 0)
        if checked_since is not None:
            selected = both(self.dates["checked"] >= minutes(checked_since))
        return selected

    def in_cell(self, selected, *, region_bit: int, column: str, column_bit: int) -> np.ndarray:
        """Supplier ids of the selected listings serving the region with the category (or sector), in id order."""
        masks = self.category if column == "category" else self.sector
        inside = ((self.region >> region_bit) & 1 == 1) & ((masks >> column_bit) & 1 == 1)
        if selected is not None:
            inside &= selected
        return self.ids[inside]

    # --- Counts ---

    def _combinations(self, column: str):
        if column not in self._groups:
            masks = self.category if column == "category" else self.sector
            self._groups[column] = _combine(self.region, masks)
        return self._groups[column]

    def coverage(self, selected, *, region_bits, column: str, column_bits) -> np.ndarray:
        """regions × columns: the selected listings serving each region with each sector (or category)."""
        if not self.size:
            return np.zeros((len(region_bits), len(column_bits)), dtype=np.int64)
        inverse, regions, masks = self._combinations(column)
        counts = np.bincount(inverse if selected is None else inverse[selected], minlength=len(regions))
        used = np.flatnonzero(counts)
        in_region = _bits(regions[used], region_bits).astype(np.float64)
        with_column = _bits(masks[used], column_bits) * counts[used, None]
        return np.rint(in_region.T @ with_column).astype(np.int64)

    def count_between(self, date_column: str, *, after: datetime | None, until: datetime | None) -> int:
        """Listings whose date is after ``after`` (exclusive) and until ``until`` (inclusive); both None: never."""
        values = self.dates[date_column]
        if after is None and until is None:
            return int(np.count_nonzero(values == NEVER))
        condition = values != NEVER
        if after is not None:
            condition &= values > minutes(after)
        if until is not None:
            condition &= values <= minutes(until)
        return int(np.count_nonzero(condition))


def _combine(first: np.ndarray, second: np.ndarray):
    """Each row's group of equal (first, second) pairs, and each group's pair: (inverse, firsts, seconds)."""
    if not len(first):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    order = np.lexsort((second, first))
    first_sorted, second_sorted = first[order], second[order]
    starts = np.empty(len(first), dtype=bool)
    starts[0] = True
    starts[1:] = (first_sorted[1:] != first_sorted[:-1]) | (second_sorted[1:] != second_sorted[:-1])
    inverse = np.empty(len(first), dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    return inverse, first_sorted[starts], second_sorted[starts]


def _key(version: str) -> tuple:
    return (connection.settings_dict["NAME"], version)


_lock = threading.Lock()
_current: ListingIndex | None = None


def current_index() -> ListingIndex:
    """The index of the facts as this connection sees them now: one query, plus a load when they changed."""
    global _current
    key = _key(read_version())
    index = _current
    if index is not None and index.key == key:
        return index
    with _lock:
        if _current is None or _current.key != key:
            _current = ListingIndex.load()
        return _current

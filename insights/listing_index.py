"""The dashboard's per-process index of published listings' dates: when each was last verified or confirmed.

PostgreSQL keeps the dates (``insights_listingfacts``, one narrow row per published listing, trigger-kept), but
counting them for a page would read every row for each page and each toggle (bench/README.md has the figures). So
each process keeps them as arrays, in supplier-id order, loaded in one statement that also reads their version
(``insights_facts_change``, kept by the same triggers): the data and its version always belong together. Each page
reads the version (one small query) and reloads when it changed, as the search index does (``suppliers.catalogue``,
which the coverage counts read for what listings serve and offer). Results are memoised with the index, which a
change of the dates replaces.
"""

import threading
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db import connection

# Results memoised per index (one entry per question asked).
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
        ("id", ">i8"),
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


@dataclass
class ListingIndex:
    key: tuple
    ids: np.ndarray
    dates: dict[str, np.ndarray]
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
            dates={column: _minutes(records[column]) for column in DATE_COLUMNS},
        )

    def checked_since(self, moment: datetime) -> np.ndarray:
        """Ids of the listings verified or confirmed since ``moment``, in id order."""
        return self.ids[self.dates["checked"] >= minutes(moment)]

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

"""Which index a search reads: the snapshot it belongs to, the check before each search that applies what other
transactions committed since, and a private copy for a transaction's own uncommitted changes."""

import bisect
import ctypes
import ctypes.util
import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection

from ..models import NAME_SORT_KEY_FUNCTION
from .index import CatalogueIndex, _Inconsistent
from .reference import ACCREDITATION_SHIFT, ACCREDITATIONS, ALL_QUEBEC_FLAG, LEGAL_FORMS, Reference

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


# --- What the database returns ---

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

# Before each search: has anything changed since the index's snapshot? Small, so cheap to plan and run; the
# data of the changes (CHECK_SQL) is read only when something did.
PROBE_SQL = """
WITH seen AS (SELECT %(seen)s::pg_snapshot AS s)
SELECT pg_current_snapshot()::text, (
    SELECT EXISTS (SELECT 1 FROM suppliers_search_change c WHERE c.xid >= pg_snapshot_xmax(seen.s))
        OR EXISTS (SELECT 1 FROM suppliers_search_change c WHERE c.xid = ANY(%(running)s::xid8[]))
        OR EXISTS (SELECT 1 FROM suppliers_search_change c WHERE c.xid = pg_current_xact_id_if_assigned())
        OR EXISTS (SELECT 1 FROM suppliers_search_reference_change c
                   WHERE c.xid >= pg_snapshot_xmax(seen.s) OR c.xid = ANY(%(running)s::xid8[])
                      OR c.xid = pg_current_xact_id_if_assigned())
        OR (SELECT h.pruned_below > pg_snapshot_xmin(seen.s) FROM suppliers_search_horizon h)
    FROM seen
), pg_current_xact_id_if_assigned()::text
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
    SELECT c.xid, c.supplier_id FROM suppliers_search_change c WHERE c.xid = ANY(%(running)s::xid8[])
    UNION ALL
    SELECT c.xid, c.supplier_id FROM suppliers_search_change c, now WHERE c.xid = now.own
    UNION ALL
    SELECT NULL, unnest(%(tentative)s::bigint[])
),
reference AS (
    SELECT c.xid, c.changes, c.truncations FROM suppliers_search_reference_change c, seen
    WHERE c.xid >= pg_snapshot_xmax(seen.s) OR c.xid = ANY(%(running)s::xid8[])
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


def _records(data, dtype) -> np.ndarray:
    return np.frombuffer(data or b"", dtype=dtype)


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
        if private is None:
            cursor.execute(PROBE_SQL, {"seen": str(base.snapshot), "running": _running(base.snapshot)})
            snapshot, changed, own = cursor.fetchone()
            if not changed:
                own = int(own) if own is not None else None
                return _advanced(base, Snapshot.parse(snapshot).not_seeing(own))
        cursor.execute(
            CHECK_SQL,
            {
                "seen": str(base.snapshot),
                "running": _running(base.snapshot),
                "limit": limit,
                "tentative": tentative,
            },
        )
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
        _release_memory()
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


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_trim = _malloc_trim()


def _release_memory() -> None:
    """Give the memory a whole load used for a moment back to the system: the allocator keeps freed heap pages
    otherwise, and a process would stay several times the index's size (bench/README.md)."""
    if _trim is not None:
        _trim(0)


def _running(snapshot: Snapshot) -> list[str]:
    """The transactions the snapshot saw running (its xip), for an index lookup each in the change log."""
    return [str(xid) for xid in snapshot.running]


def _advanced(base: Catalogue, snapshot: Snapshot) -> Catalogue:
    """Nothing changed since ``base``: the same index, at the newer snapshot."""
    global _shared
    catalogue = Catalogue(base.index, base.reference, snapshot, base.database)
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
    del records, regions, categories, areas
    _release_memory()
    if own_ids or own_changes >= 0:
        _local.private = _Private(own, catalogue, tuple(own_ids), own_changes, own_truncations)
    else:
        _local.private = None
        with _lock:
            _shared = catalogue
    return catalogue

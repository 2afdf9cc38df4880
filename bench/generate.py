"""Fast loading of generated suppliers for the benchmark: COPY, with indexes and foreign keys built after.

The rows come from suppliers/demo_data.py (the same generator as the demo catalogue, with its regional and
sectoral skew). One pass over the generator streams the suppliers into ``COPY suppliers_supplier`` while the
many-to-many rows and offerings go to temporary files, which are copied next; then the secondary indexes and
foreign keys dropped before the load are rebuilt in bulk, which is several times faster than maintaining them
row by row (the foreign keys are DEFERRABLE INITIALLY DEFERRED, so each row would queue a check until commit).

Derived search state is the database's (migration 0011): the load only tells the triggers to leave the search
documents for later (``suppliers.import_documents``, as the import does), then has the database compute them with
``suppliers_search_refresh`` once every table is loaded, a range of suppliers per connection. The typo-correction
lexicon follows the documents by itself.

With ``taxonomy="wide"`` (the default of the benchmark) the catalogue has about 1,000 categories and 1,100
service areas (``bench/taxonomy.py``), and suppliers get finer categories and service areas.

    python -m bench.generate --size 100000 [--seed 2026] [--taxonomy wide|standard]
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

TABLES = [
    "suppliers_supplier",
    "suppliers_supplier_regions_served",
    "suppliers_supplier_categories",
    "suppliers_supplier_areas_served",
    "suppliers_offering",
    # Filled once the other tables are loaded; its GIN indexes are built after.
    "suppliers_search_document",
]
SUPPLIER_COLUMNS = [
    "id",
    "name",
    "neq",
    "legal_form",
    "coop_type",
    "accreditations",
    "description_fr",
    "description_en",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "postal_code",
    "serves_all_quebec",
    "employees_band",
    "logo",
    "status",
    "status_reason",
    "created_at",
    "updated_at",
    "head_office_region_id",
]
EMPLOYEES_BANDS = ["1-4", "5-9", "10-49", "50-99", "100-249", "250+"]
EMPLOYEES_WEIGHTS = [30, 25, 30, 8, 5, 2]
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
BATCH_LINES = 2000
FILE_CHUNK = 1 << 20


def _text(value) -> str:
    """A value in COPY's text format."""
    return str(value or "").translate(_ESCAPES)


def _split(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item]
    return [item.strip() for item in (value or "").split(";") if item.strip()]


def _secondary_schema(cursor):
    """Non-primary-key indexes and constraints of the loaded tables: the definitions to rebuild later."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f')
        ORDER BY c.contype DESC, c.conname
        """,
        [TABLES],
    )
    constraints = cursor.fetchall()  # unique ('u') before foreign keys ('f')
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [TABLES],
    )
    indexes = cursor.fetchall()
    return constraints, indexes


def _without_triggers(cursor) -> None:
    """Bulk COPY without the search triggers (their transition tables would hold every row copied): the load
    truncated the catalogue, which makes every process reload its search index, and has the database compute
    the documents once the tables are loaded. Needs a superuser (the project-local server); elsewhere the
    triggers run, leaving the documents to the load."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET session_replication_role = replica")
    cursor.execute("SET suppliers.import_documents = 'on'")
    # Every generated row serves all of Québec or regions, loaded by the same load: no check queued per row.
    cursor.execute("SET suppliers.service_area_checked = 'on'")


def _copy_file(cursor, table, columns, handle):
    handle.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := handle.read(FILE_CHUNK):
            copy.write(chunk)


class _Formatter:
    """Turns generated rows into COPY lines: supplier lines, and relation lines into temporary files."""

    def __init__(self, *, seed, files, wide=None):
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.wide = wide
        self.regions_file, self.categories_file, self.areas_file, self.offerings_file = files
        self.counts = {
            "suppliers": 0, "regions_served": 0, "categories": 0, "areas_served": 0, "offerings": 0, "all_quebec": 0
        }  # fmt: skip

    def supplier_line(self, supplier_id: int, row: dict) -> str:
        rng, counts = self.rng, self.counts
        regions = set(_split(row["regions_served"]))
        all_quebec = regions == {"*"}
        categories = sorted(set(_split(row["categories"])))
        if self.wide is not None:
            categories += self.wide.extra_categories(categories)
            areas = self.wide.extra_areas()
            self.areas_file.write("".join(f"{supplier_id}\t{code}\n" for code in areas))
            counts["areas_served"] += len(areas)
        offerings = row.get("offerings") or []
        created = self.now - timedelta(seconds=rng.randrange(6 * 365 * 86400))
        updated = created + timedelta(
            seconds=rng.randrange(max(1, int((self.now - created).total_seconds())))
        )
        accreditations = ",".join(sorted(set(_split(row.get("accreditations")))))
        if all_quebec:
            counts["all_quebec"] += 1
        else:
            self.regions_file.write("".join(f"{supplier_id}\t{code.zfill(2)}\n" for code in regions))
            counts["regions_served"] += len(regions)
        self.categories_file.write("".join(f"{supplier_id}\t{code}\n" for code in categories))
        counts["categories"] += len(categories)
        for position, offering in enumerate(offerings):
            self.offerings_file.write(
                f"{supplier_id}\t{_text(offering.get('kind') or 'service')}\t{_text(offering['title'])}\t"
                f"{_text(offering.get('description'))}\t{offering['category']}\t{position}\n"
            )
        counts["offerings"] += len(offerings)
        counts["suppliers"] += 1
        return "\t".join(
            (
                str(supplier_id),
                _text(row["name"]),
                row["neq"],
                row["legal_form"],
                row.get("coop_type") or "",
                "{" + accreditations + "}",
                _text(row["description_fr"]),
                _text(row.get("description_en")),
                _text(row.get("website")),
                _text(row.get("email")),
                _text(row.get("phone")),
                _text(row.get("address")),
                _text(row.get("city")),
                _text(row.get("postal_code")),
                "t" if all_quebec else "f",
                rng.choices(EMPLOYEES_BANDS, EMPLOYEES_WEIGHTS)[0],
                "",
                row.get("status") or "published",
                "",
                created.isoformat(),
                updated.isoformat(),
                str(row["head_office_region"]).zfill(2),
            )
        )

    def batches(self, rows, progress=None):
        """Batches of supplier lines (ids from 1), ready for ``copy.write``."""
        batch = []
        for supplier_id, row in enumerate(rows, start=1):
            batch.append(self.supplier_line(supplier_id, row))
            if len(batch) >= BATCH_LINES:
                yield "\n".join(batch) + "\n"
                batch.clear()
                if progress:
                    progress(supplier_id)
        if batch:
            yield "\n".join(batch) + "\n"


SUPPLIER_COPY = f"COPY suppliers_supplier ({', '.join(SUPPLIER_COLUMNS)}) FROM STDIN"
SAVED_SCHEMA_TABLE = "bench_dropped_schema"


def _drop_secondary_schema(cursor, constraints, indexes):
    for table, name, _definition, _kind in reversed(constraints):
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")


def _copy_relations(cursor, files, counts, timings):
    step = time.perf_counter()
    regions_file, categories_file, areas_file, offerings_file = files
    _copy_file(cursor, "suppliers_supplier_regions_served", ["supplier_id", "region_id"], regions_file)
    _copy_file(cursor, "suppliers_supplier_categories", ["supplier_id", "category_id"], categories_file)
    _copy_file(cursor, "suppliers_supplier_areas_served", ["supplier_id", "servicearea_id"], areas_file)
    _copy_file(
        cursor,
        "suppliers_offering",
        ["supplier_id", "kind", "title", "description", "category_id", "position"],
        offerings_file,
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('suppliers_supplier', 'id'), GREATEST(%s, 1), %s)",
        [counts["suppliers"], counts["suppliers"] > 0],
    )
    timings["copy_relations"] = time.perf_counter() - step


def _rebuild_schema(cursor, constraints, indexes, timings, prefix=""):
    step = time.perf_counter()
    for _name, definition in indexes:
        cursor.execute(definition)
    timings[f"{prefix}indexes"] = time.perf_counter() - step
    step = time.perf_counter()
    for table, name, definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    timings[f"{prefix}constraints"] = time.perf_counter() - step
    step = time.perf_counter()
    for table in TABLES:
        cursor.execute(f"ANALYZE {table}")
    timings[f"{prefix}analyze"] = time.perf_counter() - step


DOCUMENTS_SQL = "SELECT suppliers_search_refresh(ARRAY(SELECT generate_series(%s::bigint, %s::bigint)))"
DOCUMENT_CHUNK = 20_000


def _documents_in_parallel(count: int, *, connection_params, workers: int):
    """The search documents of suppliers 1 to ``count``, computed by the database, a range per connection."""
    import threading

    import psycopg

    ranges = [
        (start, min(start + DOCUMENT_CHUNK - 1, count)) for start in range(1, count + 1, DOCUMENT_CHUNK)
    ]
    lock, failures = threading.Lock(), []

    def work():
        try:
            with psycopg.connect(**connection_params, autocommit=True) as conn:
                conn.execute("SET synchronous_commit = off")
                while True:
                    with lock:
                        if not ranges or failures:
                            return
                        first, last = ranges.pop()
                    conn.execute(DOCUMENTS_SQL, [first, last])
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def _copy_in_parallel(batches, *, connection_params, workers: int):
    """COPY the supplier batches through ``workers`` connections at once, each in its own transaction.

    The search documents computed by the trigger make the COPY CPU-bound in PostgreSQL (about 0.3 ms a row): one backend per
    core divides the time. Each worker thread holds a bounded queue, so memory stays flat.
    """
    import queue
    import threading

    import psycopg

    queues = [queue.Queue(maxsize=8) for _ in range(workers)]
    failures = []

    def work(inbox):
        try:
            with psycopg.connect(**connection_params) as conn, conn.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                _without_triggers(cursor)
                with cursor.copy(SUPPLIER_COPY) as copy:
                    while (batch := inbox.get()) is not None:
                        copy.write(batch)
        except BaseException as error:  # reported to the main thread, which stops feeding
            failures.append(error)
            while inbox.get() is not None:  # drain so the producer never blocks on a dead worker
                pass

    threads = [threading.Thread(target=work, args=(inbox,), daemon=True) for inbox in queues]
    for thread in threads:
        thread.start()
    try:
        for index, batch in enumerate(batches):
            if failures:
                break
            queues[index % workers].put(batch)
    finally:
        for inbox in queues:
            inbox.put(None)
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]


def _is_document_index(definition: str) -> bool:
    return (
        " ON public.suppliers_search_document " in definition
        or " ON suppliers_search_document " in definition
    )


def load_suppliers(
    rows, *, connection, seed: int = 2026, workers: int = 1, freeze: bool = False, progress=None, wide=None
):
    """Replace every supplier in the database with ``rows`` (dicts in the import format plus ``offerings``).

    With ``workers=1`` everything runs in one transaction on the Django ``connection`` (a savepoint inside a
    test); ``freeze`` then writes the rows already frozen (COPY FREEZE), sparing VACUUM a pass. With more
    workers the suppliers are copied, and their documents computed, through that many connections at once: the
    load is then several transactions, and the dropped index and constraint definitions are kept in a table
    until they are rebuilt, so an interrupted load is repaired by the next one. ``wide``: a
    ``bench.taxonomy.WideTaxonomy`` adding finer categories and service areas. Returns counts and per-step
    seconds.
    """
    from django.db import transaction

    timings = {}
    started = time.perf_counter()
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as regions_file,
        tempfile.TemporaryFile("w+", encoding="utf-8") as categories_file,
        tempfile.TemporaryFile("w+", encoding="utf-8") as areas_file,
        tempfile.TemporaryFile("w+", encoding="utf-8") as offerings_file,
    ):
        files = (regions_file, categories_file, areas_file, offerings_file)
        formatter = _Formatter(seed=seed, files=files, wide=wide)
        if workers <= 1:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute(
                    "SELECT current_setting('suppliers.import_documents', true), "
                    "set_config('suppliers.import_documents', 'on', true), "
                    "set_config('suppliers.service_area_checked', 'on', true)"
                )
                previous = cursor.fetchone()[0] or ""
                constraints, indexes = _secondary_schema(cursor)
                cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
                _drop_secondary_schema(cursor, constraints, indexes)
                timings["prepare"] = time.perf_counter() - started
                step = time.perf_counter()
                with cursor.copy(SUPPLIER_COPY + (" WITH (FREEZE)" if freeze else "")) as copy:
                    for batch in formatter.batches(rows, progress):
                        copy.write(batch)
                timings["copy_suppliers"] = time.perf_counter() - step
                _copy_relations(cursor, files, formatter.counts, timings)
                later = [index for index in indexes if _is_document_index(index[1])]
                _rebuild_schema(cursor, constraints, [i for i in indexes if i not in later], timings)
                step = time.perf_counter()
                cursor.execute(DOCUMENTS_SQL, [1, formatter.counts["suppliers"]])
                timings["documents"] = time.perf_counter() - step
                _rebuild_schema(cursor, [], later, timings, prefix="document_")
                cursor.execute("SELECT set_config('suppliers.import_documents', %s, true)", [previous])
                cursor.execute("SELECT set_config('suppliers.service_area_checked', '', true)")
                cursor.execute("SELECT suppliers_search_reference_changed(true)")
        else:
            if connection.in_atomic_block:
                raise RuntimeError("A parallel load commits as it goes: run it outside a transaction.")
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {SAVED_SCHEMA_TABLE} "
                    "(position serial, kind text, table_name text, name text UNIQUE, definition text)"
                )
                constraints, indexes = _secondary_schema(cursor)
                # Definitions left by an interrupted load are the ones still missing from the tables.
                cursor.execute(
                    f"SELECT kind, table_name, name, definition FROM {SAVED_SCHEMA_TABLE} ORDER BY position"
                )
                saved = cursor.fetchall()
                known = {name for _t, name, _d, _k in constraints} | {name for name, _d in indexes}
                constraints += [(t, n, d, k) for k, t, n, d in saved if k in ("u", "f") and n not in known]
                constraints.sort(key=lambda item: (item[3] != "u", item[1]))
                indexes += [(n, d) for k, _t, n, d in saved if k == "i" and n not in known]
                cursor.execute(f"DELETE FROM {SAVED_SCHEMA_TABLE}")
                for table, name, definition, kind in constraints:
                    cursor.execute(
                        f"INSERT INTO {SAVED_SCHEMA_TABLE} (kind, table_name, name, definition) VALUES (%s, %s, %s, %s)",  # noqa: E501
                        [kind, table, name, definition],
                    )
                for name, definition in indexes:
                    cursor.execute(
                        f"INSERT INTO {SAVED_SCHEMA_TABLE} (kind, table_name, name, definition) VALUES ('i', '', %s, %s)",  # noqa: E501
                        [name, definition],
                    )
                cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
                _drop_secondary_schema(cursor, constraints, indexes)
            timings["prepare"] = time.perf_counter() - started
            step = time.perf_counter()
            params = connection.get_connection_params()
            connection_params = {
                key: params[key] for key in ("dbname", "host", "port", "user", "password") if params.get(key)
            }
            _copy_in_parallel(
                formatter.batches(rows, progress), connection_params=connection_params, workers=workers
            )
            timings["copy_suppliers"] = time.perf_counter() - step
            later = [index for index in indexes if _is_document_index(index[1])]
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                _without_triggers(cursor)
                _copy_relations(cursor, files, formatter.counts, timings)
                _rebuild_schema(cursor, constraints, [i for i in indexes if i not in later], timings)
                cursor.execute("RESET session_replication_role")
                cursor.execute("RESET suppliers.import_documents")
                cursor.execute("RESET suppliers.service_area_checked")
            step = time.perf_counter()
            _documents_in_parallel(
                formatter.counts["suppliers"], connection_params=connection_params, workers=workers
            )
            timings["documents"] = time.perf_counter() - step
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                _rebuild_schema(cursor, [], later, timings, prefix="document_")
                cursor.execute(f"DELETE FROM {SAVED_SCHEMA_TABLE}")
                cursor.execute("SELECT suppliers_search_reference_changed(true)")  # every process reloads
        counts = formatter.counts
    timings["total"] = time.perf_counter() - started
    return {
        "counts": counts,
        "workers": workers,
        "seconds": {key: round(value, 2) for key, value in timings.items()},
    }


def vacuum(connection) -> None:
    """VACUUM (ANALYZE) the loaded tables, outside a transaction: sets the visibility map."""
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def generate(
    size: int,
    *,
    connection,
    seed: int = 2026,
    workers: int | None = None,
    progress=None,
    taxonomy: str = "wide",
) -> dict:
    """Generate ``size`` published suppliers with suppliers.demo_data and load them (one COPY per core);
    ``taxonomy="wide"`` first adds the finer categories and service areas of ``bench/taxonomy.py``."""
    from suppliers.demo_data import generate_suppliers

    wide = None
    if taxonomy == "wide":
        from bench.taxonomy import WideTaxonomy, create_wide_taxonomy

        reference = create_wide_taxonomy()
        wide = WideTaxonomy(seed=seed)
    if workers is None:
        workers = 1 if connection.in_atomic_block or size < 20_000 else max(1, min(4, os.cpu_count() or 1))
    result = load_suppliers(
        generate_suppliers(size, seed=seed, status="published"),
        connection=connection,
        seed=seed,
        workers=workers,
        freeze=workers == 1 and not connection.in_atomic_block,
        progress=progress,
        wide=wide,
    )
    if wide is not None:
        result["counts"].update({f"{name}_in_reference": count for name, count in reference.items()})
    if not connection.in_atomic_block:
        step = time.perf_counter()
        vacuum(connection)
        result["seconds"]["vacuum"] = round(time.perf_counter() - step, 2)
    return result


def printing_progress(size: int):
    started = time.perf_counter()
    every = max(BATCH_LINES, size // 20 // BATCH_LINES * BATCH_LINES)

    def progress(done: int):
        if done % every == 0:
            elapsed = time.perf_counter() - started
            print(f"  {done:>9,} / {size:,} suppliers ({done / elapsed:,.0f}/s)", file=sys.stderr, flush=True)

    return progress


def main(argv=None):
    from bench.database import bench_database_name, setup_django, use_database

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", help="database name (default bench_<size>)")
    parser.add_argument("--workers", type=int, help="parallel COPY connections (default: one per core)")
    parser.add_argument("--taxonomy", choices=["wide", "standard"], default="wide")
    args = parser.parse_args(argv)
    use_database(args.database or bench_database_name(args.size))
    setup_django()
    from django.db import connection

    result = generate(
        args.size,
        connection=connection,
        seed=args.seed,
        workers=args.workers,
        progress=printing_progress(args.size),
        taxonomy=args.taxonomy,
    )
    print(result)


if __name__ == "__main__":
    main()

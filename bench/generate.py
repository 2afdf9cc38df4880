"""Fast loading of generated suppliers for the benchmark: COPY, with indexes and foreign keys built after.

The rows come from suppliers/demo_data.py (the same generator as the demo catalogue, with its regional and
sectoral skew). One pass over the generator streams the suppliers into ``COPY suppliers_supplier`` while the
many-to-many rows and offerings go to temporary files, which are copied next; then the secondary indexes and
foreign keys dropped before the load are rebuilt in bulk, which is several times faster than maintaining them
row by row (the foreign keys are DEFERRABLE INITIALLY DEFERRED, so each row would queue a check until commit).

``search_text`` is computed here, in Python, with exactly the expression of
``SupplierQuerySet.refresh_search_text()`` (category and sector names, then offering titles and
descriptions), so that the search document — six ``to_tsvector`` calls per row, computed by the trigger on
``suppliers_supplier`` (migration 0009), the most expensive part of the load — is computed once, during the
COPY, rather than a second time by a set-based UPDATE that would also leave a dead copy of every row behind.
tests/test_bench_smoke.py checks that both give the same vectors.

    python -m bench.generate --size 100000 [--seed 2026]
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
    "suppliers_offering",
    # Filled by the trigger on suppliers_supplier (migration 0009) during the COPY; its GIN indexes are built after.
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
    "search_text",
    "region_mask",
    "category_mask",
    "sector_mask",
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


def category_search_words(cursor) -> dict[str, str]:
    """Per category, the words refresh_search_text() folds in: category and sector names in both languages."""
    cursor.execute(
        """
        SELECT c.code, c.name_fr || ' ' || c.name_en || ' ' || sec.name_fr || ' ' || sec.name_en
        FROM suppliers_category c JOIN suppliers_sector sec ON sec.code = c.sector_id
        """
    )
    return dict(cursor.fetchall())


def search_text_for(category_codes, offerings, category_words) -> str:
    """The value refresh_search_text() would store (string_agg with ' ', coalesced to '')."""
    categories = " ".join(category_words[code] for code in category_codes)
    offered = " ".join(f"{offering['title']} {offering.get('description') or ''}" for offering in offerings)
    return f"{categories} {offered}"


def category_mask_bits(cursor) -> dict[str, tuple[int, int]]:
    """Per category, its bit and its sector's bit in the filter masks (see suppliers.models.filter_masks_sql)."""
    cursor.execute(
        "SELECT c.code, c.bit, sec.bit FROM suppliers_category c JOIN suppliers_sector sec ON sec.code = c.sector_id"
    )
    return {code: (bit, sector_bit) for code, bit, sector_bit in cursor.fetchall()}


def filter_masks_for(region_codes, category_codes, category_bits) -> tuple[int, int, int]:
    """The region, category and sector masks refresh_search_text() would store (all of Québec sets no bit)."""
    region_mask = 0
    for code in region_codes:
        if code != "*":
            region_mask |= 1 << (int(code) - 1)
    category_mask = sector_mask = 0
    for code in category_codes:
        bit, sector_bit = category_bits[code]
        category_mask |= 1 << bit
        sector_mask |= 1 << sector_bit
    return region_mask, category_mask, sector_mask


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


def _copy_file(cursor, table, columns, handle):
    handle.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := handle.read(FILE_CHUNK):
            copy.write(chunk)


class _Formatter:
    """Turns generated rows into COPY lines: supplier lines, and relation lines into temporary files."""

    def __init__(self, *, category_words, category_bits, seed, regions_file, categories_file, offerings_file):
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.category_words = category_words
        self.category_bits = category_bits
        self.regions_file, self.categories_file, self.offerings_file = (
            regions_file,
            categories_file,
            offerings_file,
        )
        self.counts = {"suppliers": 0, "regions_served": 0, "categories": 0, "offerings": 0, "all_quebec": 0}

    def supplier_line(self, supplier_id: int, row: dict) -> str:
        rng, counts = self.rng, self.counts
        regions = set(_split(row["regions_served"]))
        all_quebec = regions == {"*"}
        categories = sorted(set(_split(row["categories"])))
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
                _text(search_text_for(categories, offerings, self.category_words)),
                *(str(mask) for mask in filter_masks_for(regions, categories, self.category_bits)),
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


def _copy_relations_and_rebuild(cursor, files, counts, constraints, indexes, timings):
    step = time.perf_counter()
    regions_file, categories_file, offerings_file = files
    _copy_file(cursor, "suppliers_supplier_regions_served", ["supplier_id", "region_id"], regions_file)
    _copy_file(cursor, "suppliers_supplier_categories", ["supplier_id", "category_id"], categories_file)
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
    step = time.perf_counter()
    for _name, definition in indexes:
        cursor.execute(definition)
    timings["indexes"] = time.perf_counter() - step
    step = time.perf_counter()
    for table, name, definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    timings["constraints"] = time.perf_counter() - step
    step = time.perf_counter()
    for table in TABLES:
        cursor.execute(f"ANALYZE {table}")
    timings["analyze"] = time.perf_counter() - step


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


def load_suppliers(
    rows, *, connection, seed: int = 2026, workers: int = 1, freeze: bool = False, progress=None
):
    """Replace every supplier in the database with ``rows`` (dicts in the import format plus ``offerings``).

    With ``workers=1`` everything runs in one transaction on the Django ``connection`` (a savepoint inside a
    test); ``freeze`` then writes the rows already frozen (COPY FREEZE), sparing VACUUM a pass. With more
    workers the suppliers are copied through that many connections at once: the load is then three
    transactions, and the dropped index and constraint definitions are kept in a table until they are
    rebuilt, so an interrupted load is repaired by the next one. Returns counts and per-step seconds.
    """
    from django.db import transaction

    timings = {}
    started = time.perf_counter()
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as regions_file,
        tempfile.TemporaryFile("w+", encoding="utf-8") as categories_file,
        tempfile.TemporaryFile("w+", encoding="utf-8") as offerings_file,
    ):
        files = (regions_file, categories_file, offerings_file)
        if workers <= 1:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
                formatter = _Formatter(
                    category_words=category_search_words(cursor),
                    category_bits=category_mask_bits(cursor),
                    seed=seed,
                    regions_file=regions_file,
                    categories_file=categories_file,
                    offerings_file=offerings_file,
                )
                constraints, indexes = _secondary_schema(cursor)
                cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
                _drop_secondary_schema(cursor, constraints, indexes)
                timings["prepare"] = time.perf_counter() - started
                step = time.perf_counter()
                with cursor.copy(SUPPLIER_COPY + (" WITH (FREEZE)" if freeze else "")) as copy:
                    for batch in formatter.batches(rows, progress):
                        copy.write(batch)
                timings["copy_suppliers"] = time.perf_counter() - step
                _copy_relations_and_rebuild(cursor, files, formatter.counts, constraints, indexes, timings)
        else:
            if connection.in_atomic_block:
                raise RuntimeError("A parallel load commits as it goes: run it outside a transaction.")
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                formatter = _Formatter(
                    category_words=category_search_words(cursor),
                    category_bits=category_mask_bits(cursor),
                    seed=seed,
                    regions_file=regions_file,
                    categories_file=categories_file,
                    offerings_file=offerings_file,
                )
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
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                _copy_relations_and_rebuild(cursor, files, formatter.counts, constraints, indexes, timings)
                cursor.execute(f"DELETE FROM {SAVED_SCHEMA_TABLE}")
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


def generate(size: int, *, connection, seed: int = 2026, workers: int | None = None, progress=None) -> dict:
    """Generate ``size`` published suppliers with suppliers.demo_data and load them (one COPY per core)."""
    from suppliers.demo_data import generate_suppliers
    from suppliers.search import refresh_search_lexicon

    if workers is None:
        workers = 1 if connection.in_atomic_block or size < 20_000 else max(1, min(4, os.cpu_count() or 1))
    result = load_suppliers(
        generate_suppliers(size, seed=seed, status="published"),
        connection=connection,
        seed=seed,
        workers=workers,
        freeze=workers == 1 and not connection.in_atomic_block,
        progress=progress,
    )
    step = time.perf_counter()
    result["counts"]["search_terms"] = refresh_search_lexicon()
    result["seconds"]["search_lexicon"] = round(time.perf_counter() - step, 2)
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
    )
    print(result)


if __name__ == "__main__":
    main()

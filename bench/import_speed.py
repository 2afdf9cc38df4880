"""Speed and peak memory of ``manage.py import_suppliers`` on generated CSV files.

    python -m bench.import_speed [--sizes 20000,100000] [--dir DIR] [--keep-files]

Writes one CSV per size (the import columns, UTF-8 with a header, rows from suppliers.demo_data), empties the
supplier tables of the ``bench_import`` database, then runs ``manage.py import_suppliers FILE`` in a child
process against it. Reports rows per second (wall time of the whole command, start-up included) and the
child's peak resident memory (``ru_maxrss`` from ``os.wait4``, that child's own figure); the smaller file
first, so that equal peaks show that memory does not grow with the file. Writes
bench/results/import-<timestamp>.json.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
DATABASE = "bench_import"


def write_csv(path: Path, size: int, *, seed: int = 2026) -> None:
    from suppliers.demo_data import generate_suppliers
    from suppliers.importing import COLUMNS

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(generate_suppliers(size, seed=seed, status="published"))


def empty_supplier_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename LIKE 'suppliers\\_historical%%'"
        )
        history = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"TRUNCATE {', '.join(['suppliers_supplier', *history])} RESTART IDENTITY CASCADE")


def run_import(path: Path) -> dict:
    """Run the command in a child process; wall time and that child's peak RSS."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_suppliers", str(path)],
            cwd=BASE_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        # wait4 reaps the child and gives its own resource usage (not the maximum over all children).
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read()
    return {
        "exit_code": process.returncode,
        "seconds": round(elapsed, 2),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),  # kilobytes on Linux
        "output": text.strip()[-500:],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="20000,100000", help="comma-separated row counts, smallest first")
    parser.add_argument("--dir", help="where to write the CSV files (default: a temporary directory)")
    parser.add_argument("--keep-files", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))

    from bench.database import setup_django, use_database

    use_database(DATABASE)
    setup_django()
    from django.db import connection

    from bench.machine import describe, machine_info
    from suppliers.models import Supplier

    directory = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-import-"))
    directory.mkdir(parents=True, exist_ok=True)
    runs = []
    for size in sizes:
        path = directory / f"suppliers-{size}.csv"
        step = time.perf_counter()
        write_csv(path, size, seed=args.seed)
        written = time.perf_counter() - step
        empty_supplier_tables()
        connection.close()
        result = run_import(path)
        imported = Supplier.objects.count()
        result.update(
            rows=size,
            imported=imported,
            file_mib=round(path.stat().st_size / 1024 / 1024, 1),
            csv_write_seconds=round(written, 2),
            rows_per_second=round(size / result["seconds"], 1),
        )
        runs.append(result)
        print(
            f"{size:>9,} rows ({result['file_mib']} MiB): {result['seconds']} s, {result['rows_per_second']:,} rows/s,"
            f" peak RSS {result['peak_rss_mib']} MiB, exit {result['exit_code']}, {imported:,} suppliers in the base",
            file=sys.stderr,
        )
        if not args.keep_files:
            path.unlink()
    if not args.keep_files and not args.dir:
        directory.rmdir()

    machine = machine_info(connection)
    report = {"database": DATABASE, "runs": runs, "machine": machine}
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"import-{stamp}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nImport speed — {describe(machine)}\n")
    print("| rows | seconds | rows/s | peak RSS MiB |\n|---:|---:|---:|---:|")
    for run in runs:
        print(f"| {run['rows']:,} | {run['seconds']} | {run['rows_per_second']:,} | {run['peak_rss_mib']} |")
    print(f"\nWritten {out}")
    ok = all(run["exit_code"] == 0 and run["imported"] == run["rows"] for run in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the real views at N listings, in process, through Django's test client.

    python -m bench.run --size 100000 [--requests 200] [--warmup 10] [--rebuild] [--no-keep] [--explain]

The database ``bench_<N>`` (on the project-local server, or beside the database of DATABASE_URL) is migrated
and filled with N published suppliers unless it already holds exactly N, so re-measuring after a code change
does not regenerate the rows; ``--rebuild`` regenerates them, ``--no-keep`` drops the database at the end.
Django runs with production settings (DEBUG off). Prints p50/p95/p99 and SQL queries per request kind, and
writes bench/results/<N>-<timestamp>.json.
"""

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
INDEX_LOADS = 3


def prepare(size: int, *, rebuild: bool = False, seed: int = 2026, database: str | None = None) -> dict:
    """Point Django at the bench database, migrate it, fill it unless it already holds ``size`` suppliers."""
    from bench.database import bench_database_name, setup_django, use_database

    url = use_database(database or bench_database_name(size))
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import generate, printing_progress
    from suppliers.models import Supplier

    # Production settings serve hashed static files from the manifest: build it as a deployment would.
    call_command("collectstatic", interactive=False, verbosity=0)
    present = Supplier.objects.count()
    info = {"database_url": url.split("@")[-1], "reused": present == size and not rebuild, "generation": None}
    if not info["reused"]:
        print(f"Generating {size:,} suppliers into {url.split('/')[-1].split('?')[0]}…", file=sys.stderr)
        info["generation"] = generate(
            size, connection=connection, seed=seed, progress=printing_progress(size)
        )
        print(f"  done: {info['generation']}", file=sys.stderr)
    else:
        print(f"Reusing the {size:,} suppliers already in the bench database.", file=sys.stderr)
    return info


def format_table(summaries: dict[str, dict]) -> str:
    lines = [
        "| kind | p50 ms | p95 ms | p99 ms | queries |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, s in summaries.items():
        queries = (
            s["queries_max"]
            if s["queries_median"] == s["queries_max"]
            else (f"{s['queries_median']}–{s['queries_max']}")
        )
        errors = f" ({s['error_count']} errors)" if s["error_count"] else ""
        lines.append(f"| {kind}{errors} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} | {queries} |")
    return "\n".join(lines)


def check_targets(size: int, summaries: dict[str, dict]) -> list[str]:
    """The issue's targets that this run misses (empty when all are met)."""
    from bench.mix import FILTER_KINDS, SEARCH_KINDS

    misses = []
    for kind, s in summaries.items():
        limits = []
        if kind in SEARCH_KINDS:
            if size <= 100_000:
                limits.append(50)
            elif size <= 1_000_000:
                limits.append(100 if kind in FILTER_KINDS else 200)
            if s["queries_max"] is not None and s["queries_max"] > 10:
                misses.append(f"{kind}: {s['queries_max']} SQL queries > 10")
        if kind == "detail" and size <= 100_000:
            limits.append(20)
        for limit in limits:
            if s["p95_ms"] is not None and s["p95_ms"] > limit:
                misses.append(f"{kind}: p95 {s['p95_ms']} ms > {limit} ms")
        if s["error_count"]:
            misses.append(f"{kind}: {s['error_count']} requests did not answer 200, e.g. {s['errors'][0]}")
    return misses


def run_mix(
    *,
    requests: int,
    warmup: int,
    budget: float | None = None,
    kinds=None,
    do_explain: bool = False,
    progress=None,
) -> dict:
    """Measure the mix against the current database; returns per-kind summaries and the slowest requests."""
    from django.test import Client

    from bench.mix import KINDS, bench_superuser, build_mix, explain, measure, sample_neqs

    mix = build_mix(sample_neqs=sample_neqs())
    mix = {kind: mix[kind] for kind in KINDS if kind in mix and (not kinds or kind in kinds)}
    admin = Client()
    admin.force_login(bench_superuser())
    clients = {"public": Client(), "admin": admin}
    results = measure(clients, mix, requests=requests, warmup=warmup, budget=budget, progress=progress)
    summaries = {kind: result.summary() for kind, result in results.items()}
    slowest = {kind: result.slowest for kind, result in results.items()}
    if do_explain:
        for request in slowest.values():
            captured = request.get("queries", [])
            queries = sorted(captured, key=lambda query: query["ms"], reverse=True)
            for query in queries[:2]:
                # With the planner settings the application had in force for it (search.planner_settings).
                before = captured[: captured.index(query)]
                query["explain"] = explain(
                    query["sql"], settings=[q["sql"] for q in before if _sets(q["sql"])]
                )
    return {"summaries": summaries, "slowest": slowest, "mix": mix}


def _sets(sql: str) -> bool:
    """A statement that changes a planner setting for the rest of the transaction."""
    return sql.lstrip().upper().startswith("SET ") or "set_config(" in sql


def measure_index_load() -> dict:
    """Time a whole load of the search index (what a process pays at start, or after being idle past the change
    log's retention), the check before each search when nothing changed, and the index's size."""
    import statistics

    from suppliers import catalogue
    from suppliers.catalogue import freshness

    times, index = [], None
    for _ in range(INDEX_LOADS):
        started = time.perf_counter()
        index = freshness._full_load().index
        times.append((time.perf_counter() - started) * 1000)
    checks = []
    for _ in range(50):
        started = time.perf_counter()
        catalogue.current_catalogue()
        checks.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(times), 1),
        "times_ms": [round(value, 1) for value in times],
        "check_median_ms": round(statistics.median(checks), 2),
        "suppliers": index.size,
        "megabytes": round(index.nbytes / 2**20, 1),
    }


def run_workspace(args, measured: dict, progress) -> dict:
    """The buyers' workspace kinds (bench/workspace.py), unless ``--kinds`` leaves them out; merged into the
    summaries."""
    from bench import workspace

    if args.kinds and not set(args.kinds.split(",")) & set(workspace.KINDS):
        return {"targets_missed": [], "details": None, "lines": []}
    result = workspace.measure_workspace(
        requests=args.requests, warmup=args.warmup, budget=args.budget, progress=progress
    )
    measured["summaries"].update(result["summaries"])
    measured["slowest"].update(result["slowest"])
    details = {"setup": result["setup"], "export_memory": result["export_memory"]}
    return {
        "targets_missed": workspace.check_targets(result["summaries"]),
        "details": details,
        "lines": workspace.memory_lines(result["export_memory"]),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, required=True, help="number of published suppliers")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per kind (default 200)")
    parser.add_argument(
        "--warmup", type=int, default=10, help="unmeasured requests per kind first (default 10)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=120,
        help="seconds per kind after which measuring stops early (at least 5 requests; default 120)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--rebuild", action="store_true", help="regenerate the rows even if the database holds N"
    )
    parser.add_argument(
        "--keep",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep the bench database for the next run (default; --no-keep drops it)",
    )
    parser.add_argument("--kinds", help="comma-separated subset of request kinds")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) each kind's slowest query"
    )
    parser.add_argument(
        "--dashboard",
        action="store_true",
        help="then the staff dashboard and the cost of recording a search event (bench/dashboard.py)",
    )
    parser.add_argument(
        "--needs",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the buyers' needs (bench/needs.py; default; --no-needs skips them)",
    )
    args = parser.parse_args(argv)

    info = prepare(args.size, rebuild=args.rebuild, seed=args.seed)
    from django.db import connection

    from bench.machine import describe, machine_info

    def progress(kind, result):
        s = result.summary()
        print(
            f"  {kind:<28} p50 {s['p50_ms']:>8} ms  p95 {s['p95_ms']:>8} ms  queries {s['queries_max']}",
            file=sys.stderr,
        )

    started = time.perf_counter()
    index_load = measure_index_load()
    print(
        f"  search index: whole load median {index_load['median_ms']} ms, check before a search "
        f"{index_load['check_median_ms']} ms, {index_load['megabytes']} MB",
        file=sys.stderr,
    )
    measured = run_mix(
        requests=args.requests,
        warmup=args.warmup,
        budget=args.budget,
        kinds=set(args.kinds.split(",")) if args.kinds else None,
        do_explain=args.explain,
        progress=progress,
    )
    workspace = run_workspace(args, measured, progress)
    needs = None
    if args.needs:
        from bench import needs as needs_bench

        needs = needs_bench.run()
    machine = machine_info(connection)
    report = {
        "size": args.size,
        "requests_per_kind": args.requests,
        "warmup_per_kind": args.warmup,
        "budget_seconds_per_kind": args.budget,
        "search_index_load": index_load,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine,
        "database": info,
        "summaries": measured["summaries"],
        "targets_missed": check_targets(args.size, measured["summaries"])
        + workspace["targets_missed"]
        + (needs["targets_missed"] if needs else []),
        "workspace": workspace["details"],
        "needs": needs,
        "mix": measured["mix"],
        "slowest": measured["slowest"],
    }
    if args.dashboard:
        from bench.dashboard import format_report, run

        report["dashboard"] = run(events=args.size, requests=60, warmup=3, seed=args.seed)
        report["targets_missed"] += report["dashboard"]["targets_missed"]
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{args.size}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"\n{args.size:,} listings — {describe(machine)}\n")
    print(format_table(measured["summaries"]))
    if args.dashboard:
        print("\n" + format_report(report["dashboard"]))
    if needs:
        print("\n" + needs_bench.format_table(needs))
    print(
        f"\nSearch index: a whole load (at a process's start) median {index_load['median_ms']} ms over "
        f"{INDEX_LOADS} loads; the check before each search {index_load['check_median_ms']} ms; "
        f"{index_load['megabytes']} MB per process."
    )
    for line in workspace["lines"]:
        print(line)
    if args.explain:
        for kind, request in measured["slowest"].items():
            for query in request.get("queries", []):
                if query.get("explain"):
                    print(
                        f"\n--- {kind}: {request['url']} ({query['ms']} ms)\n"
                        f"{query['sql']}\n{query['explain']}"
                    )
    print("\nTargets missed:" if report["targets_missed"] else "\nAll targets met.")
    for miss in report["targets_missed"]:
        print(f"  - {miss}")
    print(f"\nWritten {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")

    if not args.keep:
        from django.db import connections

        from bench.database import drop_database

        connections.close_all()
        drop_database(os.environ["DATABASE_URL"])
        print("Dropped the bench database.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

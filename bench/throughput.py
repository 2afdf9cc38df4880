"""Throughput of the search pages under gunicorn, with a bounded load from a separate process on loopback.

    python -m bench.throughput --size 100000 [--concurrency 8] [--duration 30] [--workers 2] [--threads 1]

Uses the same bench database as bench.run (generated if it does not hold N suppliers yet). gunicorn serves
the production WSGI application (DEBUG off, a generated secret key, DATABASE_URL on the local server's Unix
socket, persistent database connections) on 127.0.0.1; bench/loadgen.py, in its own process, keeps
``--concurrency`` connections busy for ``--duration`` seconds over the search URLs of the benchmark mix.
Writes bench/results/throughput-<N>-<timestamp>.json.

Default server shape for the 2-core machine: 2 sync workers, one per core. A search page is now mostly Python
(its database work is a few milliseconds), so more processes or threads only add context switches: 2 × 1 gave
103-107 requests/s, 3 × 1 100, 2 × 2 103, 3 × 2 95, 4 × 1 88. See bench/README.md.
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, path: str, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up (exit code {process.returncode}).")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within a minute.")


def start_gunicorn(*, port: int, workers: int, threads: int):
    env = {**os.environ, "DJANGO_DEBUG": "0", "DB_CONN_MAX_AGE": "600"}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "directory.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5, help="seconds of unmeasured load first")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--kinds", help="comma-separated request kinds (default: the search page kinds)")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)

    from bench.run import prepare

    prepare(args.size, rebuild=args.rebuild)
    from django.db import connection, connections

    from bench.machine import describe, machine_info
    from bench.mix import SEARCH_KINDS, build_mix, sample_neqs

    kinds = args.kinds.split(",") if args.kinds else SEARCH_KINDS
    mix = build_mix(sample_neqs=sample_neqs())
    unknown = [kind for kind in kinds if kind not in mix or kind.startswith("admin")]
    if unknown:
        raise SystemExit(f"Unknown or unsupported request kinds: {', '.join(unknown)}")
    # Interleave the kinds so every connection sees the whole mix.
    longest = max(len(mix[kind]) for kind in kinds)
    urls = [mix[kind][i % len(mix[kind])] for i in range(longest) for kind in kinds]
    machine = machine_info(connection)
    connections.close_all()

    port = free_port()
    server = start_gunicorn(port=port, workers=args.workers, threads=args.threads)
    try:
        wait_until_up(port, urls[0], server)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(urls, handle)
        loadgen = [sys.executable, "-m", "bench.loadgen", "--port", str(port), "--urls", handle.name]
        loadgen += ["--concurrency", str(args.concurrency)]
        if args.warmup:
            subprocess.run(
                [*loadgen, "--duration", str(args.warmup)], cwd=BASE_DIR, check=True, capture_output=True
            )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        completed = subprocess.run(
            [*loadgen, "--duration", str(args.duration)],
            cwd=BASE_DIR,
            check=True,
            capture_output=True,
            text=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = json.loads(completed.stdout)
        # The load generator shares the two cores with gunicorn and PostgreSQL: say how much it took.
        loadgen_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        load["loadgen_cpu_seconds"] = round(loadgen_cpu, 1)
        load["loadgen_cores"] = round(loadgen_cpu / args.duration, 2)
        os.unlink(handle.name)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    report = {
        "size": args.size,
        "server": {"software": "gunicorn", "workers": args.workers, "threads": args.threads},
        "kinds": kinds,
        "load": load,
        "machine": machine,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"throughput-{args.size}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nThroughput at {args.size:,} listings — {describe(machine)}")
    print(
        f"gunicorn {args.workers} workers × {args.threads} threads, concurrency {load['concurrency']}, "
        f"{load['duration_s']} s: {load['requests_per_second']} requests/s "
        f"({load['ok_per_second']} answered 200), latency p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms, "
        f"p99 {load['p99_ms']} ms; statuses {load['statuses']}; the load generator used "
        f"{load['loadgen_cores']} of a core"
    )
    print(f"Written {path}")
    target_met = load["ok_per_second"] >= 100 or args.size > 100_000
    return 0 if target_met and set(load["statuses"]) == {"200"} else 1


if __name__ == "__main__":
    sys.exit(main())

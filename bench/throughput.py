"""Throughput of the search pages under gunicorn, with a bounded load from a separate process on loopback.

    python -m bench.throughput --size 100000 [--concurrency 8] [--duration 30] [--workers 2] [--threads 1]
        [--write-every 1] [--import-rows 5000] [--write-duration D] [--no-writes]

Uses the same bench database as bench.run (generated if it does not hold N suppliers yet). gunicorn serves
the production WSGI application (DEBUG off, a generated secret key, DATABASE_URL on the local server's Unix
socket, persistent database connections) on 127.0.0.1; bench/loadgen.py, in its own process, keeps
``--concurrency`` connections busy for ``--duration`` seconds over the search URLs of the benchmark mix.
Two phases on the same server: first without writes, then with bench/writer.py changing one supplier through
the ORM every ``--write-every`` seconds and importing ``--import-rows`` suppliers halfway (``--write-duration``,
default ``--duration``). Each phase reports requests/s, latency percentiles and the workers' resident memory
(sampled every second: first, last, highest). Writes bench/results/throughput-<N>-<timestamp>.json.

Default server shape for the 2-core machine: 2 sync workers, one per core (shapes compared in bench/README.md).
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


def worker_pids(master: int) -> list[int]:
    try:
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def resident_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


class MemorySampler:
    """The resident memory of each gunicorn worker, every second, in a thread."""

    def __init__(self, master: int):
        import threading

        self.master, self.samples, self.stop = master, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        started = time.monotonic()
        while not self.stop.is_set():
            sizes = [resident_mib(pid) for pid in worker_pids(self.master)]
            self.samples.append((round(time.monotonic() - started, 1), [size for size in sizes if size]))
            self.stop.wait(1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.thread.join()

    def summary(self) -> dict:
        totals = [sum(sizes) for _t, sizes in self.samples if sizes]
        largest = [max(sizes) for _t, sizes in self.samples if sizes]
        if not totals:
            return {}
        return {
            "workers_total_mib_first": totals[0],
            "workers_total_mib_last": totals[-1],
            "workers_total_mib_max": max(totals),
            "largest_worker_mib_first": largest[0],
            "largest_worker_mib_last": largest[-1],
            "largest_worker_mib_max": max(largest),
            "samples": self.samples[:: max(1, len(self.samples) // 60)],
        }


def run_phase(loadgen, *, duration: float, master: int, writer=None) -> dict:
    """The load for ``duration`` seconds (with ``writer``, a command started alongside); its report."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with MemorySampler(master) as memory:
        writing = (
            subprocess.Popen(writer, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True) if writer else None
        )
        completed = subprocess.run(
            [*loadgen, "--duration", str(duration)], cwd=BASE_DIR, check=True, capture_output=True, text=True
        )
        written = json.loads(writing.communicate()[0]) if writing else None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = json.loads(completed.stdout)
    # The load generator and the writer share the two cores with gunicorn and PostgreSQL: say how much they took.
    clients_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    load["clients_cpu_seconds"] = round(clients_cpu, 1)
    load["memory"] = memory.summary()
    load["writes"] = written
    load["load_average"] = os.getloadavg()
    return load


def describe_phase(name: str, load: dict) -> str:
    memory = load["memory"]
    text = (
        f"{name}: {load['requests_per_second']} requests/s ({load['ok_per_second']} answered 200), "
        f"p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms, p99 {load['p99_ms']} ms; statuses {load['statuses']}; "
        f"workers' memory {memory.get('workers_total_mib_first')} → {memory.get('workers_total_mib_last')} MiB "
        f"(highest {memory.get('workers_total_mib_max')}); load average {load['load_average'][0]:.2f}"
    )
    if load["writes"]:
        writes = load["writes"]
        text += (
            f"; writes {sum(writes['changes'].values())} changes (p50 {writes['change_ms_p50']} ms), "
            f"import of {writes['import_rows']} rows in {writes['import_seconds']} s"
        )
    return text


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
    parser.add_argument("--write-every", type=float, default=1.0, help="seconds between two supplier changes")
    parser.add_argument("--import-rows", type=int, default=5000, help="rows imported halfway (0: none)")
    parser.add_argument("--write-duration", type=float, help="seconds of the phase with writes")
    parser.add_argument("--no-writes", action="store_true", help="only the phase without writes")
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
    phases = {}
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
        phases["without_writes"] = run_phase(loadgen, duration=args.duration, master=server.pid)
        print(describe_phase("without writes", phases["without_writes"]), file=sys.stderr)
        if not args.no_writes:
            duration = args.write_duration or args.duration
            writer = [sys.executable, "-m", "bench.writer", "--every", str(args.write_every)]
            writer += ["--duration", str(duration), "--import-rows", str(args.import_rows)]
            writer += ["--seed", str(int(time.time()) % 10_000)]
            phases["with_writes"] = run_phase(loadgen, duration=duration, master=server.pid, writer=writer)
            print(describe_phase("with writes", phases["with_writes"]), file=sys.stderr)
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
        "concurrency": args.concurrency,
        "phases": phases,
        "machine": machine,
    }
    quiet, writing = phases["without_writes"], phases.get("with_writes")
    if writing:
        report["with_writes_vs_without"] = {
            "throughput_ratio": round(writing["requests_per_second"] / quiet["requests_per_second"], 3),
            "p95_ratio": round(writing["p95_ms"] / quiet["p95_ms"], 3),
        }
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"throughput-{args.size}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nThroughput at {args.size:,} listings — {describe(machine)}")
    print(f"gunicorn {args.workers} workers × {args.threads} threads, concurrency {args.concurrency}")
    for name, load in phases.items():
        print(describe_phase(name.replace("_", " "), load))
    if writing:
        ratios = report["with_writes_vs_without"]
        print(
            f"with writes / without: throughput × {ratios['throughput_ratio']}, p95 × {ratios['p95_ratio']}"
        )
    print(f"Written {path}")
    statuses_ok = all(set(load["statuses"]) == {"200"} for load in phases.values())
    return 0 if statuses_ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""A small, bounded HTTP load generator for the throughput run; loopback only.

    python -m bench.loadgen --port 8765 --urls urls.json [--concurrency 8] [--duration 30]

A fixed number of threads each keep one HTTP/1.1 connection alive (http.client) and request the URLs of the
list in turn, back to back, until the duration is over: a closed system whose throughput is what the server
sustains at that concurrency. Prints one JSON object: requests, requests per second, latency percentiles,
HTTP statuses.
"""

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from collections import Counter

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_CONCURRENCY = 64
MAX_DURATION = 600


def _worker(host, port, urls, offset, deadline, latencies, statuses, lock):
    connection = None
    index = offset
    local_latencies, local_statuses = [], Counter()
    while time.perf_counter() < deadline:
        url = urls[index % len(urls)]
        index += 1
        if connection is None:
            connection = http.client.HTTPConnection(host, port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request("GET", url, headers={"Accept-Language": "fr"})
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            connection.close()
            connection = None
        finished = time.perf_counter()
        if finished <= deadline:  # a request cut by the deadline is not counted
            local_latencies.append((finished - started) * 1000)
            local_statuses[status] += 1
    if connection is not None:
        connection.close()
    with lock:
        latencies.extend(local_latencies)
        statuses.update(local_statuses)


def run(*, host: str, port: int, urls: list[str], concurrency: int, duration: float) -> dict:
    if host not in LOOPBACK:
        raise SystemExit(f"The load generator only targets the loopback interface, not {host!r}.")
    if not 1 <= concurrency <= MAX_CONCURRENCY or not 0 < duration <= MAX_DURATION:
        raise SystemExit(f"Concurrency must be 1–{MAX_CONCURRENCY} and duration 1–{MAX_DURATION} s.")
    latencies, statuses, lock = [], Counter(), threading.Lock()
    started = time.perf_counter()
    deadline = started + duration
    step = max(1, len(urls) // concurrency)
    threads = [
        threading.Thread(
            target=_worker,
            args=(host, port, urls, i * step, deadline, latencies, statuses, lock),
            daemon=True,
        )
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 60)
    elapsed = min(time.perf_counter(), deadline) - started
    ok = sum(count for status, count in statuses.items() if status == 200)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0.0] * 99
    return {
        "concurrency": concurrency,
        "duration_s": round(elapsed, 2),
        "requests": len(latencies),
        "ok": ok,
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "ok_per_second": round(ok / elapsed, 1),
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
        "max_ms": round(max(latencies), 2) if latencies else None,
        "statuses": {str(status): count for status, count in statuses.items()},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--urls", required=True, help="JSON file holding a list of paths")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30)
    args = parser.parse_args(argv)
    with open(args.urls, encoding="utf-8") as handle:
        urls = json.load(handle)
    result = run(
        host=args.host, port=args.port, urls=urls, concurrency=args.concurrency, duration=args.duration
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

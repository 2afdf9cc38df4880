"""Benchmark of the staff dashboard (``insights``) at N listings and M search events, and of what recording a
search event adds to a search.

    python -m bench.dashboard --size 1000000 [--events 1000000] [--requests 60] [--warmup 3]
    python -m bench.run --size 1000000 --dashboard        # after the search mix, in the same report

The bench database ``bench_<N>`` (see bench/run.py) gets, once, what the dashboard reads beside the suppliers:
staff verification dates on the listings (the demo catalogue's bands), enterprise confirmations and yearly
confirmation requests, M anonymised search events spread over 24 months, 24 months of nightly coverage snapshots,
pending revisions and claims, and buyers. Each dashboard page (and three CSV exports, read to the end) is then
requested as a staff member, cycling through its variants, like the search mix; the target is p95 ≤ 500 ms.

Recording a search event is measured two ways: the receiver alone (``insights.services.search_event_record``,
called directly), and whole search requests with and without the receiver connected, interleaved so that the
machine's load weighs on both alike; the target is ≤ 1 ms added to a search's p95.
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DASHBOARD_TARGET_MS = 500
RECORDING_TARGET_MS = 1.0
SNAPSHOT_DAYS = 730
EVENT_MONTHS = 24
BATCH = 50_000
ORGANISATION_KINDS = ["ministry", "health", "education", "municipal", "state_corporation", "other"]

# Demo-catalogue bands of the last staff verification (suppliers.demo_data.VERIFICATION_AGE_BANDS), in SQL, from
# two hashes of the NEQ so that they are deterministic and independent of the generator's random sequence.
VERIFICATION_SQL = """
UPDATE suppliers_supplier s SET last_verified_at = CASE
    WHEN h.roll < 0.15 THEN NULL
    WHEN h.roll < 0.50 THEN now() - (1 + h.days %% 182) * interval '1 day'
    WHEN h.roll < 0.75 THEN now() - (183 + h.days %% 183) * interval '1 day'
    WHEN h.roll < 0.92 THEN now() - (366 + h.days %% 365) * interval '1 day'
    ELSE now() - (731 + h.days %% 730) * interval '1 day' END
FROM (SELECT id, (hashtext(neq)::bigint & 2147483647) / 2147483648.0 AS roll,
             (hashtext(neq || ':days')::bigint & 2147483647) AS days
      FROM suppliers_supplier WHERE id >= %s AND id < %s) AS h
WHERE s.id = h.id
"""


def _progress(message):
    print(f"  {message}", file=sys.stderr, flush=True)


def stamp_verification_dates(connection) -> float | None:
    """Give the listings verification dates, once (skipped when some already have one); returns seconds."""
    from suppliers.models import Supplier

    if Supplier.objects.exclude(last_verified_at=None).exists():
        return None
    started = time.perf_counter()
    top = Supplier.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for low in range(0, top + 1, BATCH):
        with connection.cursor() as cursor:
            cursor.execute(VERIFICATION_SQL, [low, low + BATCH])
        if low % (BATCH * 4) == 0:
            _progress(f"verification dates: {low + BATCH:,} / {top:,}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) suppliers_supplier")
        cursor.execute("VACUUM (ANALYZE) insights_listingfacts")
    return round(time.perf_counter() - started, 1)


def load_confirmations(connection) -> dict:
    """About 5 % of listings confirmed by their enterprise in the last year; 2 % asked to confirm in the last 90
    days (reminded after 30), half of whom answered."""
    from insights.models import Confirmation, ConfirmationRequest

    if ConfirmationRequest.objects.exists():
        return {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO insights_confirmation (supplier_id, confirmed_at)
            SELECT id, now() - ((hashtext(neq || ':confirmed')::bigint & 2147483647) % 365) * interval '1 day'
            FROM suppliers_supplier WHERE status = 'published' AND (hashtext(neq || ':c')::bigint & 2147483647) % 20 = 0"""
        )
        cursor.execute(
            """INSERT INTO insights_confirmationrequest (supplier_id, due_on, token, asked_at, reminded_at)
            SELECT id, (now() - a.days * interval '1 day')::date, md5(neq || ':token'), now() - a.days * interval '1 day',
                   CASE WHEN a.days > 30 THEN now() - (a.days - 30) * interval '1 day' END
            FROM suppliers_supplier,
                 LATERAL (SELECT (hashtext(neq || ':asked')::bigint & 2147483647) % 90 AS days) AS a
            WHERE status = 'published' AND (hashtext(neq || ':q')::bigint & 2147483647) % 50 = 0"""
        )
        cursor.execute("VACUUM (ANALYZE) insights_listingfacts")
    return {
        "confirmations": Confirmation.objects.count(),
        "requests": ConfirmationRequest.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def load_people_and_queues(*, seed: int) -> dict:
    """Buyers (organisations of every kind, spread over the regions), and revisions and claims waiting."""
    from django.db import transaction

    from buyers.models import BuyerOrganisation

    if BuyerOrganisation.objects.filter(name__startswith="Organisme du banc").exists():
        return {}
    with transaction.atomic():  # all or nothing, so that a failed run is simply run again
        return _load_people_and_queues(seed=seed)


def _load_people_and_queues(*, seed: int) -> dict:
    from django.contrib.auth import get_user_model

    from buyers.models import Buyer, BuyerOrganisation
    from enterprises.models import ClaimRequest, Revision
    from suppliers.models import Supplier

    rng = random.Random(seed)
    User = get_user_model()
    organisations = BuyerOrganisation.objects.bulk_create(
        BuyerOrganisation(
            name=f"Organisme du banc {index}",
            kind=ORGANISATION_KINDS[index % len(ORGANISATION_KINDS)],
            region_id=f"{index % 17 + 1:02d}",
        )
        for index in range(400)
    )
    now = datetime.now(UTC)
    users = User.objects.bulk_create(
        User(
            email=f"acheteur-banc-{index}@example.invalid",
            last_login=now - timedelta(days=rng.randint(0, 200)),
        )
        for index in range(2000)
    )
    Buyer.objects.bulk_create(
        Buyer(
            user=user, organisation=rng.choice(organisations), status=rng.choice(["active"] * 8 + ["pending"])
        )
        for user in users
    )
    member, _created = User.objects.get_or_create(email="membre-banc@example.invalid")
    listings = list(Supplier.objects.published().order_by("id").values_list("id", "neq")[:1500:3])
    Revision.objects.bulk_create(
        Revision(supplier_id=pk, data={}, submitted_by=member) for pk, _neq in listings[:300]
    )
    # A claim names the NEQ it asks for (one pending claim per person and NEQ).
    ClaimRequest.objects.bulk_create(
        ClaimRequest(supplier_id=pk, neq=neq, user=member) for pk, neq in listings[300:500]
    )
    return {"organisations": 400, "buyers": 2000, "revisions": 300, "claims": 200}


def _event_rows(count: int, *, seed: int, now: datetime):
    from suppliers.demo_data import REGION_WEIGHTS
    from suppliers.models import Category

    rng = random.Random(seed)
    categories = list(Category.objects.values_list("code", "sector_id"))
    sectors = sorted({sector for _code, sector in categories})
    region_codes = list(REGION_WEIGHTS)
    region_weights = list(REGION_WEIGHTS.values())
    span_hours = EVENT_MONTHS * 30 * 24
    for _ in range(count):
        # More searches lately (adoption grows): hours skewed towards now.
        hour = now - timedelta(hours=int(span_hours * rng.random() ** 1.6))
        roll = rng.random()
        regions = (
            []
            if roll < 0.3
            else rng.choices(region_codes, region_weights, k=1 if roll < 0.9 else rng.randint(2, 3))
        )
        roll = rng.random()
        chosen_sectors, chosen_categories = [], []
        if roll < 0.45:
            chosen_categories = [rng.choice(categories)[0]]
        elif roll < 0.55:
            chosen_categories = [code for code, _sector in rng.sample(categories, 2)]
        elif roll < 0.65:
            chosen_sectors = [rng.choice(sectors)]
        with_text = rng.random() < 0.4
        results = 0 if rng.random() < 0.08 else int(rng.expovariate(1 / 300))
        kind = "" if rng.random() < 0.55 else rng.choice(ORGANISATION_KINDS)
        yield (
            hour,
            kind,
            sorted(set(regions)),
            chosen_sectors,
            sorted(chosen_categories),
            with_text,
            results,
            "page" if rng.random() < 0.9 else "api",
        )


def load_search_events(connection, count: int, *, seed: int) -> float | None:
    """``count`` search events over 24 months (COPY), unless the table holds exactly that many already."""
    from insights.models import SearchEvent

    if SearchEvent.objects.count() == count:
        return None
    started = time.perf_counter()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rows = sorted(
        _event_rows(count, seed=seed, now=now), key=lambda row: row[0]
    )  # time order, as they arrive
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE insights_searchevent RESTART IDENTITY")
        with cursor.copy(
            "COPY insights_searchevent (hour, organisation_kind, regions, sectors, categories, with_text, results, "
            "channel) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("VACUUM (ANALYZE) insights_searchevent")
    return round(time.perf_counter() - started, 1)


def load_snapshots(connection) -> dict:
    """Today's snapshot (timed: the nightly task's work), then 24 months of earlier ones derived from it."""
    from insights.models import CoverageSnapshot
    from insights.services import coverage_snapshot_take

    started = time.perf_counter()
    coverage_snapshot_take()
    took = round(time.perf_counter() - started, 2)
    if CoverageSnapshot.objects.values("taken_on").distinct().count() < SNAPSHOT_DAYS:
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO insights_coveragesnapshot (taken_on, region_id, category_id, suppliers, cooperatives,
                       non_profits, adapted, integration, checked_recently)
                SELECT s.taken_on - d, s.region_id, s.category_id,
                       s.suppliers * (1000 - d) / 1000, s.cooperatives * (1000 - d) / 1000,
                       s.non_profits * (1000 - d) / 1000, s.adapted * (1000 - d) / 1000,
                       s.integration * (1000 - d) / 1000, s.checked_recently * (1000 - d) / 1000
                FROM insights_coveragesnapshot s, generate_series(1, %s) AS d
                WHERE s.taken_on = (SELECT max(taken_on) FROM insights_coveragesnapshot)
                ON CONFLICT DO NOTHING""",
                [SNAPSHOT_DAYS],
            )
            cursor.execute("VACUUM (ANALYZE) insights_coveragesnapshot")
    return {"snapshot_seconds": took, "rows": CoverageSnapshot.objects.count()}


def prepare(connection, *, events: int, seed: int) -> dict:
    _progress("dashboard data: verification dates, confirmations, buyers, queues, search events, snapshots")
    info = {
        "verification_dates_seconds": stamp_verification_dates(connection),
        "confirmations": load_confirmations(connection),
        "people": load_people_and_queues(seed=seed),
        "search_events_seconds": load_search_events(connection, events, seed=seed),
    }
    info["snapshots"] = load_snapshots(connection)
    started = time.perf_counter()
    from insights.services import search_demand_roll_up

    info["roll_up_months"] = search_demand_roll_up()
    info["roll_up_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) insights_listingfacts")
        cursor.execute("VACUUM (ANALYZE) insights_searchdemandmonth")
    return info


def measure_index_load(loads: int = 3) -> dict:
    """Time ``ListingIndex.load()`` (what the first dashboard page after a change of the listings' dates pays) and its
    size; coverage reads the search index, measured by the search benchmark."""
    from insights.listing_index import ListingIndex

    times, index = [], None
    for _ in range(loads):
        started = time.perf_counter()
        index = ListingIndex.load()
        times.append((time.perf_counter() - started) * 1000)
    size = index.ids.nbytes + sum(array.nbytes for array in index.dates.values())
    return {
        "median_ms": round(statistics.median(times), 1),
        "times_ms": [round(value, 1) for value in times],
        "listings": index.size,
        "megabytes": round(size / 2**20, 1),
    }


def build_mix() -> dict[str, list[str]]:
    from django.urls import reverse

    coverage = reverse("insights:coverage")
    cell = reverse("insights:cell")
    demand = reverse("insights:demand")
    return {
        "dash_overview": [reverse("insights:overview")],
        "dash_coverage": [
            coverage,
            coverage + "?accreditation=adapted",
            coverage + "?legal_form=cooperative",
            coverage + "?checked_recently=on",
            coverage
            + "?accreditation=adapted&accreditation=integration&legal_form=non_profit&checked_recently=on",
        ],
        "dash_sector": [
            reverse("insights:sector", kwargs={"sector": sector}) + query
            for sector, query in [
                ("entretien", ""),
                ("alimentation", "?checked_recently=on"),
                ("recuperation", ""),
            ]
        ],
        "dash_cell": [
            cell + "?region=06&sector=entretien",
            cell + "?region=10&category=alimentation.traiteur",
            cell + "?region=06&sector=entretien&page=20",
            cell + "?region=03&category=entretien.menager&checked_recently=on",
        ],
        "dash_freshness": [reverse("insights:freshness")],
        "dash_demand": [demand, demand + "?period=24", demand + "?period=3"],
        "dash_funnel": [reverse("insights:funnel")],
        "dash_adoption": [reverse("insights:adoption")],
        "dash_export": [
            reverse("insights:export_coverage", kwargs={"table": "couverture"}),
            reverse("insights:export_demand", kwargs={"table": "demande_offre"}) + "?period=24",
            reverse("insights:export_freshness", kwargs={"table": "anciennete"}),
        ],
    }


def measure_pages(client, mix, *, requests: int, warmup: int, progress=None) -> dict:
    """Like bench.mix.measure, reading streamed responses (the CSV exports) to the end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.mix import KindResult

    results = {}
    for kind, urls in mix.items():
        result = KindResult(kind)
        for index in range(warmup):
            _read(client.get(urls[index % len(urls)]))
        for index in range(requests):
            url = urls[index % len(urls)]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                _read(response)
                elapsed = (time.perf_counter() - started) * 1000
            result.times_ms.append(elapsed)
            result.queries.append(len(captured.captured_queries))
            if response.status_code != 200:
                result.errors.append(f"{url} → HTTP {response.status_code}")
            if elapsed >= result.slowest.get("ms", -1):
                result.slowest = {
                    "url": url,
                    "ms": round(elapsed, 2),
                    "queries": [
                        {"ms": round(float(query["time"]) * 1000, 2), "sql": query["sql"][:2000]}
                        for query in captured.captured_queries
                    ],
                }
        results[kind] = result.summary()
        results[kind]["slowest_url"] = result.slowest.get("url")
        if progress:
            progress(kind, results[kind])
    return results


def _read(response):
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    return response


def _quantiles(times):
    cuts = statistics.quantiles(sorted(times), n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 3), "p95_ms": round(cuts[94], 3), "p99_ms": round(cuts[98], 3)}


def measure_recording(*, calls: int, searches: int) -> dict:
    """What recording a search event costs: the receiver alone, and search requests with and without it."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client, RequestFactory

    from insights.models import SearchEvent
    from insights.services import search_event_record
    from suppliers.hooks import search_completed
    from suppliers.search import SearchParams

    request = RequestFactory().get("/recherche/")
    request.user = AnonymousUser()
    params = SearchParams(region=("06",), category=("entretien.menager",))
    from insights.services import search_events, search_events_batch

    before = SearchEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    search_events.flush()
    alone, writes = [], []
    for _ in range(calls):
        started = time.perf_counter()
        search_event_record("page", request=request, params=params, count=42)
        elapsed = (time.perf_counter() - started) * 1000
        alone.append(elapsed)
        if not search_events.rows:  # this call wrote the batch
            writes.append(elapsed)

    # Whole searches (filters only: the fastest kind, where the share of recording is largest), in pairs of the
    # same URL with and without the receiver, in random order within each pair, so that load changes and warm
    # caches favour neither series.
    client = Client()
    urls = [f"/recherche/?region={code:02d}" for code in range(1, 18)]
    for url in urls:
        client.get(url)
    rng = random.Random(7)

    def paired(first_records: bool, second_records: bool):
        """Pairs of the same URL, in random order within each pair: the times of each side."""
        sides = ([], [])
        for index in range(searches):
            url = urls[index % len(urls)]
            for side in rng.sample([0, 1], 2):
                recording = (first_records, second_records)[side]
                if not recording:
                    search_completed.disconnect(dispatch_uid="insights.search_event_record")
                try:
                    started = time.perf_counter()
                    client.get(url)
                    sides[side].append((time.perf_counter() - started) * 1000)
                finally:
                    if not recording:
                        search_completed.connect(
                            search_event_record, dispatch_uid="insights.search_event_record"
                        )
        return sides

    with_recording, without_recording = paired(True, False)
    # The same measurement with recording on neither side: how far two identical series differ on this machine.
    control_a, control_b = paired(False, False)
    # The events still buffered are written first, so that every event of the measurement goes and the next run
    # finds the table as generated (it copies the events again when their count differs).
    search_events.flush()
    SearchEvent.objects.filter(id__gt=before).delete()
    with_q, without_q = _quantiles(with_recording), _quantiles(without_recording)
    return {
        "batch": search_events_batch(),
        "receiver_alone": {"calls": calls, **_quantiles(alone)},
        "batch_writes": {"writes": len(writes), **(_quantiles(writes) if len(writes) > 1 else {})},
        "searches_with_recording": {"requests": searches, **with_q},
        "searches_without_recording": {"requests": searches, **without_q},
        "added_p50_ms": round(with_q["p50_ms"] - without_q["p50_ms"], 3),
        "added_p95_ms": round(with_q["p95_ms"] - without_q["p95_ms"], 3),
        "control_difference_p50_ms": round(
            _quantiles(control_a)["p50_ms"] - _quantiles(control_b)["p50_ms"], 3
        ),
        "control_difference_p95_ms": round(
            _quantiles(control_a)["p95_ms"] - _quantiles(control_b)["p95_ms"], 3
        ),
    }


def load_average() -> list[float]:
    try:
        return [float(value) for value in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def run(*, events: int, requests: int, warmup: int, seed: int = 2026, progress=None) -> dict:
    """Prepare the dashboard's data in the current (bench) database and measure; returns the report."""
    from django.db import connection
    from django.test import Client

    from bench.mix import bench_superuser

    info = prepare(connection, events=events, seed=seed)
    client = Client()
    client.force_login(bench_superuser())
    index_load = measure_index_load()
    _progress(f"listing index load: median {index_load['median_ms']} ms, {index_load['megabytes']} MB")
    load_before = load_average()
    pages = measure_pages(client, build_mix(), requests=requests, warmup=warmup, progress=progress)
    load_after_pages = load_average()
    recording = measure_recording(calls=3000, searches=600)
    misses = [
        f"{kind}: p95 {summary['p95_ms']} ms > {DASHBOARD_TARGET_MS} ms"
        for kind, summary in pages.items()
        if summary["p95_ms"] is not None and summary["p95_ms"] > DASHBOARD_TARGET_MS
    ]
    misses += [
        f"{kind}: {summary['error_count']} errors"
        for kind, summary in pages.items()
        if summary["error_count"]
    ]
    if recording["receiver_alone"]["p95_ms"] > RECORDING_TARGET_MS:
        misses.append(f"recording a search event: p95 {recording['receiver_alone']['p95_ms']} ms alone")
    return {
        "data": info,
        "listing_index_load": index_load,
        "pages": pages,
        "recording": recording,
        "load_average": {"before": load_before, "after_pages": load_after_pages, "after": load_average()},
        "targets_missed": misses,
    }


def format_report(report: dict) -> str:
    lines = ["| dashboard view | p50 ms | p95 ms | p99 ms | queries |", "|---|---:|---:|---:|---:|"]
    for kind, s in report["pages"].items():
        lines.append(f"| {kind} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} | {s['queries_max']} |")
    recording = report["recording"]
    lines.append("")
    lines.append(
        f"Recording a search event (batches of {recording['batch']}), receiver alone: p50 "
        f"{recording['receiver_alone']['p50_ms']} ms, p95 {recording['receiver_alone']['p95_ms']} ms "
        f"({recording['receiver_alone']['calls']} calls); the calls that wrote a batch: p50 "
        f"{recording['batch_writes'].get('p50_ms')} ms, p95 {recording['batch_writes'].get('p95_ms')} ms."
    )
    lines.append(
        f"Searches (filters only) with / without recording: p50 {recording['searches_with_recording']['p50_ms']} / "
        f"{recording['searches_without_recording']['p50_ms']} ms, p95 {recording['searches_with_recording']['p95_ms']} / "
        f"{recording['searches_without_recording']['p95_ms']} ms: added p50 {recording['added_p50_ms']} ms, "
        f"p95 {recording['added_p95_ms']} ms (two series without recording differ by "
        f"{recording['control_difference_p50_ms']} / {recording['control_difference_p95_ms']} ms)."
    )
    load = report["listing_index_load"]
    lines.append(
        f"Listing index load, paid once per process after each change of the facts: median {load['median_ms']} ms "
        f"({load['listings']:,} listings, {load['megabytes']} MB)."
    )
    lines.append(f"Load average (1, 5, 15 min): {report['load_average']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, required=True, help="number of published suppliers")
    parser.add_argument("--events", type=int, help="search events (default: as many as listings)")
    parser.add_argument("--requests", type=int, default=60, help="measured requests per view (default 60)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--recording-only", action="store_true", help="measure only the cost of recording a search event"
    )
    args = parser.parse_args(argv)

    from bench.run import prepare as prepare_suppliers

    prepare_suppliers(args.size, seed=args.seed)
    from django.db import connection

    from bench.machine import describe, machine_info

    if args.recording_only:
        load_before = load_average()
        recording = measure_recording(calls=3000, searches=600)
        print(json.dumps({"recording": recording, "load_average": [load_before, load_average()]}, indent=2))
        return 0

    def progress(kind, summary):
        _progress(
            f"{kind:<16} p50 {summary['p50_ms']:>8} ms  p95 {summary['p95_ms']:>8} ms  queries {summary['queries_max']}"
        )

    report = run(
        events=args.events if args.events is not None else args.size,
        requests=args.requests,
        warmup=args.warmup,
        seed=args.seed,
        progress=progress,
    )
    report["size"] = args.size
    report["machine"] = machine_info(connection)
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"dashboard-{args.size}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\n{args.size:,} listings, {report['data']} — {describe(report['machine'])}\n")
    print(format_report(report))
    print("\nTargets missed:" if report["targets_missed"] else "\nAll targets met.")
    for miss in report["targets_missed"]:
        print(f"  - {miss}")
    print(f"\nWritten {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

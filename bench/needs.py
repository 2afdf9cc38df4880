"""Benchmark of the buyers' needs at N listings: matching a need, sending its emails, the buyer's need page.

    python -m bench.needs --size 100000 [--matching-runs 60] [--emails 1000] [--page-recipients 500]

Also run by ``make bench`` after the search mix (``bench/run.py``). Uses the bench database of ``bench.run``
(generated if missing) and leaves it as it found it: every need, buyer and task-queue job it creates is deleted.

- matching: ``needs.services.need_match`` on a fresh submitted need (computing and storing its recipients), for
  needs cycling through categories, regions, "all of Québec" and accreditations; p50/p95/p99 in milliseconds.
- sending: a need with ``--emails`` recipients is published, then the real task worker (in this process, with
  Django's locmem email backend) sends its emails; emails per second over the worker's whole run.
- need page: the buyer's page of a need with ``--page-recipients`` recipients (a tenth interested), SQL queries
  and time per request.
"""

import argparse
import itertools
import json
import statistics
import sys
import time
from datetime import UTC, datetime

from bench.run import RESULTS_DIR

BENCH_ORGANISATION = "Organisme du banc d'essai"
# (categories, regions, all of Québec, accreditations): dense and sparse regions, broad and narrow categories.
MATCHING_CASES = [
    (["entretien.menager"], ["06"], False, []),
    (["alimentation.traiteur"], ["03", "12"], False, []),
    (["entretien.deneigement", "entretien.paysager"], ["01", "02", "11"], False, []),
    (["recuperation.electronique"], [], True, []),
    (["fabrication.assemblage"], ["16", "13"], False, ["adapted"]),
    (["impression.imprimerie"], ["10"], False, []),
    (["entretien.menager", "alimentation.cafeteria"], ["06", "13", "15"], False, []),
    (["transport.demenagement"], ["17"], False, []),
]
TARGETS = {"matching_p95_ms": 200, "emails_per_second": 50, "page_queries": 10}


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    def at(fraction):
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)

    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def bench_buyer():
    from django.contrib.auth import get_user_model

    from buyers.models import Buyer, BuyerOrganisation, BuyerStatus

    organisation, _ = BuyerOrganisation.objects.get_or_create(
        name=BENCH_ORGANISATION, defaults={"kind": "municipal"}
    )
    user, _ = get_user_model().objects.get_or_create(email="acheteur-banc@exemple.qc.ca")
    buyer, _ = Buyer.objects.get_or_create(
        user=user, defaults={"organisation": organisation, "status": BuyerStatus.ACTIVE}
    )
    return buyer


def existing_codes(codes, model):
    return [code for code in codes if model.objects.filter(pk=code).exists()]


def new_need(
    buyer, *, categories, regions, all_quebec=False, accreditations=(), status="submitted", **fields
):
    from django.utils import timezone

    from needs.business_days import add_business_days
    from needs.models import Need, NeedReferenceCounter

    need = Need.objects.create(
        reference=NeedReferenceCounter.next_reference(timezone.localdate().year),
        organisation=buyer.organisation,
        author=buyer,
        kind="market_sounding",
        title_fr="Besoin du banc d'essai",
        description_fr="Mesure du temps d'appariement.",
        delivery_place="Québec",
        all_quebec=all_quebec,
        accreditations=list(accreditations),
        response_deadline=add_business_days(timezone.localdate(), 10),
        status=status,
        **fields,
    )
    need.categories.set(categories)
    need.regions.set(regions)
    return need


def measure_matching(buyer, runs: int) -> dict:
    from needs import services
    from suppliers.models import Category, Region

    times, counts = [], []
    cases = itertools.cycle(MATCHING_CASES)
    for _ in range(runs):
        categories, regions, all_quebec, accreditations = next(cases)
        need = new_need(
            buyer,
            categories=existing_codes(categories, Category),
            regions=existing_codes(regions, Region),
            all_quebec=all_quebec,
            accreditations=accreditations,
        )
        started = time.perf_counter()
        count = services.need_match(need=need)
        times.append((time.perf_counter() - started) * 1000)
        counts.append(count)
        need.delete()
    return {
        **percentiles(times),
        "runs": runs,
        "recipients_median": statistics.median(counts),
        "recipients_max": max(counts),
    }


def need_with_recipients(buyer, count: int, *, status="published"):
    from django.utils import timezone

    from needs.models import Recipient, RecipientOrigin
    from suppliers.models import Supplier

    need = new_need(
        buyer, categories=["entretien.menager"], regions=["06"], status=status, published_at=timezone.now()
    )
    suppliers = (
        Supplier.objects.published().exclude(email="").order_by("pk").values_list("pk", flat=True)[:count]
    )
    Recipient.objects.bulk_create(
        [Recipient(need=need, supplier_id=pk, origin=RecipientOrigin.MATCHED) for pk in suppliers]
    )
    return need


def measure_sending(buyer, emails: int) -> dict:
    """Queue ``emails`` publication emails, then time the real worker until it has sent them all."""
    from django.conf import settings
    from django.core import mail
    from django.db import connections
    from procrastinate.contrib.django import app

    from needs import notifications
    from needs.models import DeliveryStatus, NotificationKind

    need = need_with_recipients(buyer, emails)
    saved_backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    periodic = app.periodic_registry.periodic_tasks
    saved_periodic = dict(periodic)
    periodic.clear()  # only the sender runs while it is timed
    # The worker's job thread closes its database connection when the job ends (as a request would).
    database = connections.settings["default"]
    saved_max_age = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0
    try:
        notifications.enqueue(need=need, kind=NotificationKind.PUBLICATION, recipients=need.recipients.all())
        started = time.perf_counter()
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
        seconds = time.perf_counter() - started
        sent = need.notifications.filter(status=DeliveryStatus.SENT).count()
        delivered = len(mail.outbox)
    finally:
        settings.EMAIL_BACKEND = saved_backend
        database["CONN_MAX_AGE"] = saved_max_age
        periodic.update(saved_periodic)
        need.delete()
    return {
        "emails": emails,
        "sent": sent,
        "delivered": delivered,
        "seconds": round(seconds, 2),
        "emails_per_second": round(sent / seconds, 1) if seconds else None,
    }


def measure_need_page(buyer, recipients: int, requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from needs import services

    need = need_with_recipients(buyer, recipients)
    need.questions = ["Combien de personnes ?"]
    need.save(update_fields=["questions"])
    for recipient in need.recipients.all()[: recipients // 10]:
        services.answer_interested(recipient=recipient, answers=["Douze"])
    client = Client()
    client.force_login(buyer.user)
    times, queries, statuses = [], [], set()
    try:
        for _ in range(requests + 3):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(need.get_absolute_url())
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
            statuses.add(response.status_code)
    finally:
        need.delete()
    times, queries = times[3:], queries[3:]  # warm-up
    return {
        **percentiles(times),
        "recipients": recipients,
        "queries": max(queries),
        "statuses": sorted(statuses),
    }


def check_targets(result: dict) -> list[str]:
    misses = []
    if result["matching"]["p95_ms"] > TARGETS["matching_p95_ms"]:
        misses.append(
            f"needs matching: p95 {result['matching']['p95_ms']} ms > {TARGETS['matching_p95_ms']} ms"
        )
    sending = result["sending"]
    if sending["sent"] != sending["emails"] or sending["delivered"] != sending["emails"]:
        misses.append(
            f"needs sending: {sending['sent']} sent, {sending['delivered']} delivered of {sending['emails']}"
        )
    if (sending["emails_per_second"] or 0) < TARGETS["emails_per_second"]:
        misses.append(
            f"needs sending: {sending['emails_per_second']} emails/s < {TARGETS['emails_per_second']}"
        )
    page = result["need_page"]
    if page["queries"] > TARGETS["page_queries"]:
        misses.append(f"needs page: {page['queries']} SQL queries > {TARGETS['page_queries']}")
    if page["statuses"] != [200]:
        misses.append(f"needs page: answered {page['statuses']}")
    return misses


def run(
    *, matching_runs: int = 60, emails: int = 1000, page_recipients: int = 500, page_requests: int = 30
) -> dict:
    """Measure the three things against the current database; returns figures and missed targets."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    last_job = ProcrastinateJob.objects.order_by("-id").values_list("id", flat=True).first() or 0
    buyer = bench_buyer()
    try:
        result = {
            "matching": measure_matching(buyer, matching_runs),
            "sending": measure_sending(buyer, emails),
            "need_page": measure_need_page(buyer, page_recipients, page_requests),
        }
    finally:
        buyer.needs.all().delete()
        ProcrastinateJob.objects.filter(id__gt=last_job, task_name__startswith="needs.").delete()
    result["targets_missed"] = check_targets(result)
    return result


def format_table(result: dict) -> str:
    matching, sending, page = result["matching"], result["sending"], result["need_page"]
    return "\n".join(
        [
            "| needs | p50 ms | p95 ms | p99 ms | other |",
            "|---|---:|---:|---:|---|",
            f"| matching one need ({matching['runs']} needs) | {matching['p50_ms']} | {matching['p95_ms']} | "
            f"{matching['p99_ms']} | recipients: median {matching['recipients_median']}, max {matching['recipients_max']} |",
            f"| sending {sending['emails']} emails (worker, locmem) | | | | {sending['emails_per_second']} emails/s "
            f"({sending['seconds']} s) |",
            f"| buyer's need page, {page['recipients']} recipients | {page['p50_ms']} | {page['p95_ms']} | "
            f"{page['p99_ms']} | {page['queries']} SQL queries |",
        ]
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, required=True, help="number of published suppliers")
    parser.add_argument("--matching-runs", type=int, default=60)
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--page-recipients", type=int, default=500)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)

    from bench.run import prepare

    prepare(args.size, rebuild=args.rebuild)
    from django.db import connection

    from bench.machine import describe, machine_info

    result = run(matching_runs=args.matching_runs, emails=args.emails, page_recipients=args.page_recipients)
    machine = machine_info(connection)
    report = {"size": args.size, "machine": machine, "needs": result}
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"needs-{args.size}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\n{args.size:,} listings — {describe(machine)}\n")
    print(format_table(result))
    print("\nTargets missed:" if result["targets_missed"] else "\nAll needs targets met.")
    for miss in result["targets_missed"]:
        print(f"  - {miss}")
    print(f"\nWritten {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

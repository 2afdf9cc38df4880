"""A small run of the needs' benchmark code (bench/needs.py) on the test database. No timing is asserted: speed is
measured by `make bench`, not by tests."""

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from bench import needs as needs_bench
from needs.models import Need
from tests.factories import SupplierFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_needs_benchmark_measures_matching_sending_and_the_need_page_then_cleans_up(settings):
    settings.PRIVATE_MEDIA_ROOT = "/nonexistent"  # nothing is uploaded
    for n in range(12):
        SupplierFactory(email=f"s{n}@exemple.qc.ca", categories=["entretien.menager"], regions=["06"])

    jobs_before = set(ProcrastinateJob.objects.values_list("id", flat=True))

    result = needs_bench.run(matching_runs=8, emails=10, page_recipients=10, page_requests=2)

    assert result["matching"]["runs"] == 8 and result["matching"]["recipients_max"] == 12
    assert result["sending"]["sent"] == result["sending"]["delivered"] == 10
    assert result["need_page"]["statuses"] == [200] and result["need_page"]["queries"] <= 10
    assert not [miss for miss in result["targets_missed"] if "SQL" in miss or "sent" in miss]
    assert "| matching one need" in needs_bench.format_table(result)
    assert not Need.objects.exists(), "the benchmark leaves no need behind"
    assert set(ProcrastinateJob.objects.values_list("id", flat=True)) == jobs_before


def test_the_needs_targets_are_checked():
    result = {
        "matching": {"p95_ms": 250.0},
        "sending": {"emails": 1000, "sent": 1000, "delivered": 1000, "emails_per_second": 40.0},
        "need_page": {"queries": 11, "statuses": [200]},
    }
    misses = needs_bench.check_targets(result)
    assert misses == [
        "needs matching: p95 250.0 ms > 200 ms",
        "needs sending: 40.0 emails/s < 50",
        "needs page: 11 SQL queries > 10",
    ]

"""A small run of the workspace benchmark (bench/workspace.py) on the test database: every kind answers and is
summarised. No timing is asserted: speed is measured by `make bench`."""

import pytest

from bench import workspace
from buyers.models import MarketResearchRecord, Shortlist
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def test_every_workspace_kind_answers_and_is_summarised(monkeypatch):
    for number in range(12):
        SupplierFactory(
            regions=["08"], categories=["alimentation.traiteur"] if number % 2 else ["entretien.menager"]
        )
    monkeypatch.setattr(workspace, "SHORTLIST_ENTRIES", 5)
    monkeypatch.setattr(workspace, "EXPORT_ROWS", 10)
    monkeypatch.setattr(workspace, "RECORD_RESULTS", 6)

    result = workspace.measure_workspace(requests=2, warmup=1)

    assert set(result["summaries"]) == set(workspace.KINDS)
    for kind, summary in result["summaries"].items():
        assert summary["requests"] >= 2, kind
        assert summary["error_count"] == 0, summary["errors"]
    assert result["setup"]["export_rows"] == 6  # the largest region + sector search under the cap
    assert result["setup"]["record_results"] == 6
    assert Shortlist.objects.get(name="Banc d'essai").entries.count() == 5
    assert MarketResearchRecord.objects.count() >= 2
    assert set(result["export_memory"]) == {"csv", "xlsx"}
    assert all(": p95 " in miss or ": max " in miss for miss in workspace.check_targets(result["summaries"]))
    assert len(workspace.memory_lines(result["export_memory"])) == 2


def test_targets_are_checked():
    slow = {"p50_ms": 1, "p95_ms": 80.0, "max_ms": 2500.0, "queries_max": 12, "error_count": 0, "errors": []}
    misses = workspace.check_targets(
        {"shortlist_200": slow, "export_csv_5000": slow, "record_create_1000": slow}
    )
    assert misses == [
        "export_csv_5000: max 2500.0 ms > 2000 ms",
        "shortlist_200: p95 80.0 ms > 50 ms",
        "shortlist_200: 12 SQL queries > 10",
    ]

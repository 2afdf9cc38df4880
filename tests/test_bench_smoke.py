"""A small run of the benchmark code (bench/) on the test database: loading, the request mix, the report.

No timing is asserted: speed is measured by `make bench`, not by tests.
"""

import pytest
from django.db import connection
from django.test import Client

from bench.generate import _secondary_schema, load_suppliers
from bench.mix import KINDS, SEARCH_KINDS, bench_superuser, build_mix, measure, sample_neqs
from bench.run import check_targets, format_table
from suppliers.demo_data import generate_suppliers
from suppliers.models import Offering, Supplier

SIZE = 200


def schema_snapshot():
    with connection.cursor() as cursor:
        constraints, indexes = _secondary_schema(cursor)
    return sorted(constraints), sorted(indexes)


def lexemes_by_supplier():
    with connection.cursor() as cursor:
        cursor.execute("SELECT supplier_id, tsvector_to_array(document) FROM suppliers_search_document")
        return {supplier_id: set(words) for supplier_id, words in cursor.fetchall()}


@pytest.mark.django_db
def test_load_copies_suppliers_relations_and_offerings_and_restores_the_schema():
    rows = list(generate_suppliers(SIZE, seed=7))
    schema_before = schema_snapshot()

    result = load_suppliers(rows, connection=connection, seed=7)

    assert Supplier.objects.published().count() == SIZE
    assert result["counts"]["suppliers"] == SIZE
    assert Supplier.regions_served.through.objects.count() == result["counts"]["regions_served"]
    assert Supplier.categories.through.objects.count() == result["counts"]["categories"]
    assert (
        Offering.objects.count()
        == result["counts"]["offerings"]
        == sum(len(row["offerings"]) for row in rows)
    )
    assert Supplier.objects.filter(serves_all_quebec=True).count() == sum(
        row["regions_served"] == "*" for row in rows
    )
    first = Supplier.objects.get(neq=rows[0]["neq"])
    assert first.name == rows[0]["name"]
    assert first.description_fr == rows[0]["description_fr"]
    assert sorted(first.categories.values_list("code", flat=True)) == sorted(rows[0]["categories"].split(";"))
    assert schema_snapshot() == schema_before
    # The next supplier created normally gets a fresh id.
    assert (
        Supplier.objects.create(
            name="Après le chargement",
            neq="1199999999",
            legal_form="non_profit",
            description_fr="Essai.",
            head_office_region_id="01",
            serves_all_quebec=True,  # a supplier serves somewhere (checked by the database)
        ).pk
        == SIZE + 1
    )


@pytest.mark.django_db
def test_loaded_documents_are_those_the_database_keeps():
    load_suppliers(generate_suppliers(50, seed=11), connection=connection, seed=11)
    loaded = lexemes_by_supplier()
    assert len(loaded) == 50 and all(loaded.values())
    with connection.cursor() as cursor:  # what the triggers write when the suppliers change
        cursor.execute("UPDATE suppliers_search_document SET document = ''::tsvector")
        cursor.execute("SELECT suppliers_search_refresh(ARRAY(SELECT id FROM suppliers_supplier))")
    assert lexemes_by_supplier() == loaded


@pytest.mark.django_db
def test_the_wide_taxonomy_has_a_thousand_categories_and_two_hundred_service_areas():
    from bench.generate import generate
    from suppliers.models import Category, ServiceArea, Supplier

    with connection.cursor() as cursor:  # checks the new categories now: the load alters their tables
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    result = generate(300, connection=connection, seed=4)
    assert Category.objects.count() >= 1000 and ServiceArea.objects.count() >= 200
    assert result["counts"]["areas_served"] > 0
    assert Supplier.categories.through.objects.filter(category__code__regex=r"\.[0-9]{2}$").exists()


@pytest.mark.django_db
def test_reloading_replaces_the_previous_rows():
    load_suppliers(generate_suppliers(30, seed=1), connection=connection, seed=1)
    load_suppliers(generate_suppliers(20, seed=2), connection=connection, seed=2)
    assert Supplier.objects.count() == 20
    assert set(Supplier.objects.values_list("neq", flat=True)) == {
        row["neq"] for row in generate_suppliers(20, seed=2)
    }


@pytest.mark.django_db
def test_every_request_kind_of_the_mix_answers_and_is_summarised(client, settings, monkeypatch):
    from bench.taxonomy import WideTaxonomy, create_wide_taxonomy
    from insights import services as insights_services

    # The budget below is the search's own queries: the anonymised search events wait in their batch (written once
    # per batch as served; that cost is measured by bench/dashboard.py).
    settings.SEARCH_EVENTS_BATCH = 1_000_000
    monkeypatch.setattr(insights_services, "SEARCH_EVENTS_MAX_WAIT", float("inf"))
    monkeypatch.setattr(
        insights_services, "search_events", insights_services.SearchEventBuffer()
    )  # then dropped

    with connection.cursor() as cursor:  # checks the new categories now: the load alters their tables
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    create_wide_taxonomy()  # the mix filters on finer categories and service areas
    # Enough rows for the deep pages of the mix to exist (page 50 of the search clamps; admin page 21 must exist).
    load_suppliers(generate_suppliers(1100, seed=3), connection=connection, seed=3, wide=WideTaxonomy(seed=3))
    mix = build_mix(sample_neqs=sample_neqs(10))
    assert set(mix) == set(KINDS)
    admin = Client()
    admin.force_login(bench_superuser())

    results = measure({"public": client, "admin": admin}, mix, requests=3, warmup=1)

    summaries = {kind: result.summary() for kind, result in results.items()}
    for kind in KINDS:
        assert summaries[kind]["requests"] == 3
        assert summaries[kind]["error_count"] == 0, summaries[kind]["errors"]
        assert summaries[kind]["queries_max"] >= 1
        assert results[kind].slowest["queries"]
    table = format_table(summaries)
    assert all(f"| {kind} |" in table for kind in KINDS)
    misses = check_targets(SIZE, summaries)
    assert all(": p95 " in miss or "SQL queries" in miss for miss in misses)  # no request failed
    assert all(summaries[kind]["queries_max"] <= 10 for kind in SEARCH_KINDS)


def test_targets_are_checked_per_size_and_kind():
    summary = {"p95_ms": 120.0, "queries_median": 4, "queries_max": 12, "error_count": 0, "errors": []}
    at_100k = check_targets(100_000, {"text": summary, "detail": {**summary, "p95_ms": 25.0}})
    assert "text: p95 120.0 ms > 50 ms" in at_100k
    assert "text: 12 SQL queries > 10" in at_100k
    assert "detail: p95 25.0 ms > 20 ms" in at_100k
    at_1m = check_targets(1_000_000, {"text": summary, "filters_region": summary})
    assert "filters_region: p95 120.0 ms > 100 ms" in at_1m
    assert not any(miss.startswith("text: p95") for miss in at_1m)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_load_commits_rows_and_rebuilds_every_dropped_index():
    schema_before = schema_snapshot()

    result = load_suppliers(generate_suppliers(300, seed=5), connection=connection, seed=5, workers=2)

    assert result["workers"] == 2
    assert Supplier.objects.count() == 300
    assert Offering.objects.count() == result["counts"]["offerings"]
    assert schema_snapshot() == schema_before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_dropped_schema")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_the_writer_changes_suppliers_and_writes_an_import_file(tmp_path):
    import csv

    from bench.writer import Changes, write_import_file

    load_suppliers(generate_suppliers(40, seed=9), connection=connection, seed=9)
    changes = Changes(seed=1)
    for number in range(10):
        changes.one(number)
    assert changes.done == {"description": 2, "regions": 2, "categories": 2, "verified": 2, "status": 2}
    assert Supplier.objects.filter(status="suspended").count() == 1
    path = tmp_path / "import.csv"
    write_import_file(path, 3, seed=5)
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["neq"][:2] for row in rows] == ["88", "88", "88"] and rows[0]["status"] == "published"


@pytest.mark.django_db
def test_dashboard_bench_people_and_queues_follow_the_current_rules():
    """The dashboard benchmark's buyers, revisions and claims go in under today's constraints (a claim names its
    NEQ: one pending claim per person and NEQ)."""
    from bench.dashboard import load_people_and_queues
    from enterprises.models import ClaimRequest, Revision

    load_suppliers(list(generate_suppliers(960, seed=7)), connection=connection, seed=7)

    load_people_and_queues(seed=7)

    # Every third of the first 1,500 published listings: 320 here, the first 300 revised, the next 20 claimed.
    assert Revision.objects.count() == 300
    claims = list(ClaimRequest.objects.select_related("supplier"))
    assert len(claims) == 20
    assert all(claim.neq == claim.supplier.neq for claim in claims)

"""The search documents and the per-process search index (suppliers.catalogue), held to what the database says.

The index answers filters, counts and orders from data loaded at a database snapshot and brought up to date before
every search; these tests check its answers against the model layer, across transactions and connections, and its
own invariants. How each write path reaches the next search is in test_search_write_paths.py.
"""

import gc
import threading
import weakref

import numpy as np
import pytest
from django.db import connection, connections, transaction

from suppliers import catalogue, search
from suppliers.catalogue import (
    CatalogueIndex,
    Reference,
    Snapshot,
    current_catalogue,
    freshness,
    pack,
    popcount,
    unpack,
)
from suppliers.models import Region, ServiceArea, ServiceAreaKind, Status, Supplier
from suppliers.search import SearchParams, search_suppliers
from tests.factories import OfferingFactory, SupplierFactory


def documents():
    with connection.cursor() as cursor:
        cursor.execute("SELECT supplier_id, tsvector_to_array(document) FROM suppliers_search_document")
        return {supplier_id: set(words) for supplier_id, words in cursor.fetchall()}


def run(**kwargs):
    return search_suppliers(SearchParams(**kwargs), catalogue=current_catalogue())


def result_names(**kwargs):
    return [supplier.name for supplier in run(page_size=100, **kwargs).page.object_list]


# --- Search documents ---


def test_only_published_suppliers_have_a_search_document(db):
    published = SupplierFactory(name="Traiteur Publié")
    draft = SupplierFactory(name="Traiteur Brouillon", status=Status.DRAFT)
    assert set(documents()) == {published.pk}
    draft.status = Status.PUBLISHED
    draft.save()
    assert set(documents()) == {published.pk, draft.pk}
    published.suspend(reason="Vérification")
    assert set(documents()) == {draft.pk}
    Supplier.objects.filter(pk=draft.pk).delete()
    assert documents() == {}


def test_the_document_holds_name_descriptions_categories_and_offerings(db):
    supplier = SupplierFactory(
        name="Atelier Boréal", description_fr="Menuiserie sur mesure.", categories=["alimentation.traiteur"]
    )
    OfferingFactory(supplier=supplier, title="Bibliothèques", category_id="entretien.menager")
    words = documents()[supplier.pk]
    assert {"boreal", "menuiser", "traiteur", "bibliothequ"} <= words


# Reference data comes from migrations: a transactional test must restore it after its flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_truncating_suppliers_empties_the_documents_and_the_index():
    SupplierFactory(name="Coopérative Tronquée")
    assert result_names() == ["Coopérative Tronquée"]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE suppliers_supplier CASCADE")
    assert documents() == {}
    assert result_names() == []


def test_search_vectors_are_stored_out_of_line_after_inserts_and_updates(db):
    """The narrow heap is what makes a broad word cheap to match (see toast_pad in migration 0009)."""
    supplier = SupplierFactory(name="Traiteur Court", description_fr="Repas.")
    supplier.description_fr = "Repas livrés aux écoles."
    supplier.save()
    SupplierFactory(name="Atelier", description_fr="Impression. " * 5)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(pg_column_toast_chunk_id(document)), max(pg_column_size(toast_pad)) "
            "FROM suppliers_search_document"
        )
        rows, documents_out, widest_pad = cursor.fetchone()
    assert rows == documents_out == 2
    assert widest_pad < 100  # compressed in place once the vectors are out


def test_the_sql_definition_of_published_is_the_python_one(db):
    with connection.cursor() as cursor:
        for status in Status.values:
            cursor.execute("SELECT suppliers_is_published(%s)", [status])
            assert cursor.fetchone()[0] == Supplier(status=status).is_public, status


# --- Freshness ---


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_does_not_leave_a_stale_index():
    kept = SupplierFactory(name="Coopérative Restée")
    assert result_names() == ["Coopérative Restée"]
    with pytest.raises(RuntimeError), transaction.atomic():
        SupplierFactory(name="Coopérative Annulée")
        assert result_names() == ["Coopérative Annulée", "Coopérative Restée"]
        raise RuntimeError("annulé")
    assert result_names() == ["Coopérative Restée"]
    kept.suspend(reason="Fermeture")
    assert result_names() == []


def test_a_change_undone_by_a_savepoint_leaves_the_next_search(db):
    SupplierFactory(name="Coopérative Restée")
    with pytest.raises(RuntimeError), transaction.atomic():
        SupplierFactory(name="Coopérative Annulée")
        assert result_names() == ["Coopérative Annulée", "Coopérative Restée"]
        raise RuntimeError("annulé")
    assert result_names() == ["Coopérative Restée"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_committed_by_another_connection_is_in_the_next_search():
    supplier = SupplierFactory(name="Traiteur Ailleurs", regions=["01"])
    assert run(region=("01",)).count == 1

    def elsewhere():
        try:
            Supplier.objects.get(pk=supplier.pk).regions_served.set(["02"])
            SupplierFactory(name="Nouveau Venu", regions=["01"])
        finally:
            connections.close_all()

    writer = threading.Thread(target=elsewhere)
    writer.start()
    writer.join()
    assert result_names(region=("01",)) == ["Nouveau Venu"]
    assert result_names(region=("02",)) == ["Traiteur Ailleurs"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_shared_index_never_holds_an_open_transactions_changes():
    SupplierFactory(name="Coopérative Publiée")
    result_names()
    with transaction.atomic():
        SupplierFactory(name="Coopérative Pas Encore")
        assert result_names() == ["Coopérative Pas Encore", "Coopérative Publiée"]
        shared = freshness._shared
        assert shared.index.size == 1  # what other requests of the process read
        transaction.set_rollback(True)
    assert result_names() == ["Coopérative Publiée"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unchanged_catalogue_costs_one_query(django_assert_num_queries):
    SupplierFactory()
    first = current_catalogue()
    with django_assert_num_queries(1):
        again = current_catalogue()
    assert again.index is first.index
    SupplierFactory()
    with django_assert_num_queries(2):  # something changed: the changed supplier's data
        changed = current_catalogue()
    assert changed.index is not first.index and changed.index.size == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reference_data_is_reloaded_only_when_it_changes(django_assert_num_queries):
    from suppliers.models import Category

    first = current_catalogue()
    with django_assert_num_queries(1):
        assert current_catalogue().reference is first.reference
    Region.objects.filter(code="01").update(name="Bas-Saint-Laurent (renommée)")
    renamed = current_catalogue().reference
    assert (
        renamed is not first.reference
        and renamed.regions_by_code["01"].name == "Bas-Saint-Laurent (renommée)"
    )
    category = Category.objects.get(code="entretien.menager")
    category.name_fr = "Ménage"
    category.save()
    assert current_catalogue().reference.categories_by_code["entretien.menager"].name_fr == "Ménage"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_replaced_index_is_freed_at_once():
    SupplierFactory()
    old = weakref.ref(current_catalogue().index)
    SupplierFactory()
    gc.disable()
    try:
        current_catalogue()
        assert old() is None  # no reference cycle keeps it for the cyclic collector
    finally:
        gc.enable()


def _age_pruning_marks():
    with connection.cursor() as cursor:  # as if 20 minutes had passed since each pruning
        cursor.execute("UPDATE suppliers_search_mark SET marked_at = marked_at - interval '20 minutes'")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_process_idle_past_the_change_log_retention_reloads_its_index(django_assert_num_queries):
    kept = SupplierFactory(name="Coopérative Ancienne")
    assert result_names() == ["Coopérative Ancienne"]
    stale = freshness._shared
    SupplierFactory(name="Coopérative Bis")
    _age_pruning_marks()
    SupplierFactory(name="Coopérative Ter")  # a writer marks where transactions stand
    _age_pruning_marks()
    SupplierFactory(name="Coopérative Quater")  # and prunes what is older than the mark past the retention
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM suppliers_search_change WHERE supplier_id = %s", [kept.pk])
        assert cursor.fetchone()[0] == 0
    with django_assert_num_queries(3 + 4):  # the checks, then the whole index and the reference data
        fresh = current_catalogue()
    assert fresh.index is not stale.index
    assert result_names() == [
        "Coopérative Ancienne",
        "Coopérative Bis",
        "Coopérative Quater",
        "Coopérative Ter",
    ]


def test_snapshots_count_the_readers_own_transaction_as_not_seen():
    snapshot = Snapshot.parse("100:110:104,107")
    assert str(snapshot.not_seeing(102)) == "100:110:102,104,107"
    assert snapshot.not_seeing(104) == snapshot and snapshot.not_seeing(None) == snapshot
    assert snapshot.not_seeing(120) == snapshot


# --- The index against the database ---


@pytest.fixture
def varied(db):
    """Suppliers over several regions, service areas, sectors and forms, including one serving all of Québec."""
    mrc = ServiceArea.objects.create(
        code="mrc-01", name="MRC du Fjord", kind=ServiceAreaKind.MRC, region_id="01"
    )
    town = ServiceArea.objects.create(
        code="mun-01", name="Saint-Ours", kind=ServiceAreaKind.MUNICIPALITY, region_id="01", parent=mrc
    )
    made = []
    for number in range(40):
        supplier = SupplierFactory(
            name=f"Fournisseur {number:02d}",
            regions=[f"{(number % 17) + 1:02d}", f"{(number * 7 % 17) + 1:02d}"] if number % 5 else [],
            categories=[["alimentation.traiteur"], ["entretien.menager", "entretien.deneigement"]][
                number % 2
            ],
            serves_all_quebec=number == 5,
            legal_form="cooperative" if number % 3 == 0 else "non_profit",
            coop_type="worker" if number % 3 == 0 else "",
            accreditations=["adapted"] if number % 4 == 0 else [],
            status=Status.PUBLISHED if number % 10 else Status.DRAFT,
            areas=([town] if number % 2 else [mrc, town]) if number % 5 == 0 else None,
        )
        made.append(supplier)
    return made


def test_every_option_counts_what_the_model_layer_counts(varied):
    published = Supplier.objects.published()
    current = current_catalogue()
    assert current.index.size == published.count()
    reference = current.reference
    facets = run().facets
    for region in reference.regions:
        assert facets["region"][region.code] == published.serving(region.code).count(), region.code
        assert run(region=(region.code,)).count == published.serving(region.code).count(), region.code
    for area in reference.areas:
        assert facets["area"][area.code] == published.serving_area(area.code).count(), area.code
        assert run(area=(area.code,)).count == published.serving_area(area.code).count(), area.code
    for sector in reference.sectors:
        assert facets["sector"][sector.code] == published.in_sectors(sector.code).count(), sector.code
    for category in reference.categories:
        assert facets["category"][category.code] == published.offering(category.code).count(), category.code
    assert facets["legal_form"] == {
        "cooperative": published.filter(legal_form="cooperative").count(),
        "non_profit": published.filter(legal_form="non_profit").count(),
    }
    assert facets["accreditation"]["adapted"] == published.with_accreditations("adapted").count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counts_stay_exact_as_suppliers_change(varied):
    """The incremental path: each change applied to the index gives the counts a reload gives."""
    current_catalogue()
    varied[11].suspend(reason="Fermeture")
    varied[12].regions_served.set(["16"])
    varied[13].categories.set(["recuperation.collecte"])
    with transaction.atomic():  # a supplier serves somewhere: its last area goes with a region added
        varied[10].areas_served.clear()
        varied[10].regions_served.set(["04"])
    varied[20].publish()
    Supplier.objects.filter(pk=varied[14].pk).update(legal_form="cooperative", coop_type="worker")
    SupplierFactory(name="Fournisseur 99", regions=["03"])
    incremental = run()
    freshness._shared = None
    freshness._local.private = None
    reloaded = run()
    assert incremental.facets == reloaded.facets and incremental.count == reloaded.count
    assert result_names() == list(
        Supplier.objects.published().order_by("name").values_list("name", flat=True)
    )


def test_pages_follow_name_order_without_gaps_or_repeats(varied):
    expected = list(Supplier.objects.published().order_by("name").values_list("name", flat=True))
    seen = []
    for page in range(1, 5):
        seen += [supplier.name for supplier in run(page=page, page_size=10).page.object_list]
    assert seen == expected


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_renamed_supplier_moves_in_name_order(varied):
    run()
    varied[1].name = "Aaa Premier"
    varied[1].save()
    varied[2].name = "Zzz Dernier"
    varied[2].save()
    names = result_names(sort="name")
    assert names[0] == "Aaa Premier" and names[-1] == "Zzz Dernier"
    assert names == list(Supplier.objects.published().order_by("name").values_list("name", flat=True))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sort_by_update_reads_the_database_order(varied):
    run(sort="updated")
    newest = varied[13]
    newest.description_fr = "Mise à jour récente."
    newest.save()
    names = [supplier.name for supplier in run(sort="updated", page_size=100).page.object_list]
    expected = list(
        Supplier.objects.published().order_by("-updated_at", "-id").values_list("name", flat=True)
    )
    assert names[0] == newest.name and names == expected


def test_past_the_exact_ranking_limit_name_matches_come_first(db, monkeypatch):
    SupplierFactory(name="Alpha Services", description_fr="Nous livrons aussi des buffets.")
    SupplierFactory(name="Zeta Buffets", description_fr="Repas.")
    in_offering = SupplierFactory(name="Mu Cuisine", description_fr="Repas.")
    OfferingFactory(supplier=in_offering, title="Buffets froids", category_id="alimentation.traiteur")
    exact = [supplier.name for supplier in run(q="buffets").page.object_list]
    assert exact[0] == "Zeta Buffets" and exact[-1] == "Alpha Services"
    monkeypatch.setattr(search, "EXACT_RANK_LIMIT", 2)
    tiers = [supplier.name for supplier in run(q="buffets").page.object_list]
    assert tiers == ["Zeta Buffets", "Alpha Services", "Mu Cuisine"]
    assert [s.name for s in run(q="buffets", page=2, page_size=2).page.object_list] == ["Mu Cuisine"]


def test_ids_wider_than_32_bits_are_found_and_counted(db):
    wide = SupplierFactory(id=2**33 + 7, name="Coopérative Lointaine", regions=["09"])
    SupplierFactory(name="Coopérative Voisine", regions=["09"])
    results = run(q="lointaine", region=("09",))
    assert [supplier.pk for supplier in results.page.object_list] == [wide.pk]
    assert results.facets["region"]["09"] == 1
    assert result_names(region=("09",)) == ["Coopérative Lointaine", "Coopérative Voisine"]


# --- Bitmaps and pieces ---


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 1000])
def test_bitmaps_round_trip_and_count(size):
    rng = np.random.default_rng(size)
    flags = rng.random(size) < 0.3
    bitmap = pack(flags)
    assert len(bitmap) == (size + 63) // 64
    assert (unpack(bitmap, size) == flags).all()
    assert popcount(bitmap) == int(flags.sum())


def test_an_empty_catalogue_gives_an_empty_index(db):
    index = current_catalogue().index
    assert index.size == 0
    assert run(q="traiteur", region=("01",)).count == 0
    assert run(area=("nulle-part",)).count == 0


def test_ids_outside_the_index_are_ignored(varied):
    index = current_catalogue().index
    draft = Supplier.objects.exclude(status=Status.PUBLISHED).first()
    bitmap = index.of_ids(np.array([draft.pk, 10**9, 2**40, -1, int(index.ids[index.by_name[0]])]))
    assert popcount(bitmap) == 1


def test_dense_and_sparse_facets_count_alike(db):
    rng = np.random.default_rng(3)
    slots = rng.integers(0, 500, 2000)
    options = rng.integers(0, 40, 2000)
    keys = np.unique(slots * 40 + options)
    slots, options = keys // 40, keys % 40
    within = pack(rng.random(500) < 0.5)
    dense = catalogue.DenseFacet.of_pairs(slots, options, width=40, size=500)
    sparse = catalogue.SparseFacet.of_pairs(slots, options, width=40, size=500)
    assert (dense.counts(within) == sparse.counts(within)).all()
    assert (dense.any_of([3, 7], 500) == sparse.any_of([3, 7], 500)).all()
    assert isinstance(CatalogueIndex, type) and isinstance(Reference, type)

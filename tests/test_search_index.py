"""The search documents (kept by triggers), the catalogue version and the per-process search index.

The search index (suppliers.catalogue) answers filters, counts and orders from bitmaps loaded from PostgreSQL; these
tests hold it to what the database says, through every way a supplier changes, and to its own invariants.
"""

import numpy as np
import pytest
from django.db import connection, transaction

from suppliers import catalogue, search
from suppliers.catalogue import CatalogueIndex, current_index, pack, popcount, read_version, unpack
from suppliers.models import Status, Supplier
from suppliers.search import SearchParams, load_reference, search_suppliers
from tests.factories import OfferingFactory, SupplierFactory


def documents():
    with connection.cursor() as cursor:
        cursor.execute("SELECT supplier_id, tsvector_to_array(document) FROM suppliers_search_document")
        return {supplier_id: set(words) for supplier_id, words in cursor.fetchall()}


def run(**kwargs):
    return search_suppliers(SearchParams(**kwargs), reference=load_reference())


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


def test_the_document_follows_name_description_and_offerings(db):
    supplier = SupplierFactory(name="Atelier Boréal", description_fr="Menuiserie sur mesure.")
    assert {"boreal", "menuiser"} <= documents()[supplier.pk]
    supplier.name = "Atelier Laurentien"
    supplier.description_en = "Custom woodworking."
    supplier.save()
    words = documents()[supplier.pk]
    assert "laurentien" in words and "boreal" not in words and "woodwork" in words
    OfferingFactory(supplier=supplier, title="Bibliothèques", category_id="entretien.menager")
    Supplier.objects.filter(pk=supplier.pk).refresh_search_text()
    assert "bibliothequ" in documents()[supplier.pk]
    assert result_names(q="bibliothèques") == ["Atelier Laurentien"]


# Reference data comes from migrations: a transactional test must restore it after its flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_truncating_suppliers_empties_the_documents():
    SupplierFactory()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE suppliers_supplier CASCADE")
    assert documents() == {}


# --- Catalogue version ---


def test_every_write_to_suppliers_changes_the_version(db):
    versions = [read_version()]
    supplier = SupplierFactory()
    versions.append(read_version())
    Supplier.objects.filter(pk=supplier.pk).update(name="Nouveau nom")
    versions.append(read_version())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE suppliers_supplier SET city = 'Gaspé'")
    versions.append(read_version())
    supplier.delete()
    versions.append(read_version())
    assert len(set(versions)) == len(versions)


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


def test_the_index_is_reloaded_only_when_the_catalogue_changes(db, django_assert_num_queries):
    SupplierFactory()
    first = current_index()
    with django_assert_num_queries(1):  # the version
        assert current_index() is first
    SupplierFactory()
    with django_assert_num_queries(2):  # the version, the index
        assert current_index() is not first


def test_reference_data_is_kept_with_the_index_until_it_changes(db, django_assert_num_queries):
    from suppliers.models import Category, Region

    reference = load_reference()
    with django_assert_num_queries(1):  # the version
        assert load_reference() is reference
    Region.objects.filter(code="01").update(name="Bas-Saint-Laurent (renommée)")
    renamed = load_reference()
    assert renamed is not reference and renamed.regions_by_code["01"].name == "Bas-Saint-Laurent (renommée)"
    category = Category.objects.get(code="entretien.menager")
    category.name_fr = "Ménage"
    category.save()
    assert load_reference().categories_by_code["entretien.menager"].name_fr == "Ménage"


# --- The index against the database ---


@pytest.fixture
def varied(db):
    """Suppliers over several regions, sectors and forms, including one serving all of Québec."""
    made = []
    for number in range(40):
        made.append(
            SupplierFactory(
                name=f"Fournisseur {number:02d}",
                regions=[f"{(number % 17) + 1:02d}", f"{(number * 7 % 17) + 1:02d}"],
                categories=[["alimentation.traiteur"], ["entretien.menager", "entretien.deneigement"]][
                    number % 2
                ],
                serves_all_quebec=number == 5,
                legal_form="cooperative" if number % 3 == 0 else "non_profit",
                coop_type="worker" if number % 3 == 0 else "",
                accreditations=["adapted"] if number % 4 == 0 else [],
                status=Status.PUBLISHED if number % 10 else Status.DRAFT,
            )
        )
    return made


def test_every_option_counts_what_the_model_layer_counts(varied):
    index = current_index()
    published = Supplier.objects.published()
    assert index.size == published.count()
    reference = load_reference()
    facets = run().facets
    for region in reference.regions:
        assert facets["region"][region.code] == published.serving(region.code).count(), region.code
    for sector in reference.sectors:
        assert facets["sector"][sector.code] == published.in_sectors(sector.code).count(), sector.code
    for category in reference.categories:
        assert facets["category"][category.code] == published.offering(category.code).count(), category.code
    assert facets["legal_form"] == {
        "cooperative": published.filter(legal_form="cooperative").count(),
        "non_profit": published.filter(legal_form="non_profit").count(),
    }
    assert facets["accreditation"]["adapted"] == published.with_accreditations("adapted").count()


def test_pages_follow_name_order_without_gaps_or_repeats(varied):
    expected = list(Supplier.objects.published().order_by("name").values_list("name", flat=True))
    seen = []
    for page in range(1, 5):
        seen += [supplier.name for supplier in run(page=page, page_size=10).page.object_list]
    assert seen == expected


def test_sort_by_update_reads_the_database_order(varied):
    newest = varied[13]
    newest.description_fr = "Mise à jour récente."
    newest.save()
    names = [supplier.name for supplier in run(sort="updated", page_size=100).page.object_list]
    expected = list(
        Supplier.objects.published().order_by("-updated_at", "-id").values_list("name", flat=True)
    )
    assert names[0] == newest.name and names == expected


def test_past_the_exact_ranking_limit_name_matches_come_first(db, monkeypatch):
    in_description = SupplierFactory(name="Alpha Services", description_fr="Nous livrons aussi des buffets.")
    in_name = SupplierFactory(name="Zeta Buffets", description_fr="Repas.")
    in_offering = SupplierFactory(name="Mu Cuisine", description_fr="Repas.")
    OfferingFactory(supplier=in_offering, title="Buffets froids", category_id="alimentation.traiteur")
    Supplier.objects.filter(pk=in_offering.pk).refresh_search_text()
    exact = [supplier.name for supplier in run(q="buffets").page.object_list]
    assert exact[0] == "Zeta Buffets" and exact[-1] == "Alpha Services"
    monkeypatch.setattr(search, "EXACT_RANK_LIMIT", 2)
    tiers = [supplier.name for supplier in run(q="buffets").page.object_list]
    assert tiers == ["Zeta Buffets", "Alpha Services", "Mu Cuisine"]
    assert [s.name for s in run(q="buffets", page=2, page_size=2).page.object_list] == ["Mu Cuisine"]
    assert in_description.pk and in_name.pk


# --- Bitmaps ---


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 1000])
def test_bitmaps_round_trip_and_count(size):
    rng = np.random.default_rng(size)
    flags = rng.random(size) < 0.3
    bitmap = pack(flags)
    assert len(bitmap) == (size + 63) // 64
    assert (unpack(bitmap, size) == flags).all()
    assert popcount(bitmap) == int(flags.sum())


def test_an_empty_catalogue_gives_an_empty_index(db):
    index = CatalogueIndex.load()
    assert index.size == 0
    counts, matched = index.facet_counts({"region": [0]})
    assert popcount(matched) == 0 and all(not count.any() for count in counts.values())
    assert run(q="traiteur", region=("01",)).count == 0


def test_ids_outside_the_index_are_ignored(varied):
    index = current_index()
    draft = Supplier.objects.exclude(status=Status.PUBLISHED).first()
    bitmap = index.of_ids(np.array([draft.pk, 10**9, -1, int(index.ids[0])]))
    assert popcount(bitmap) == 1


def test_the_index_belongs_to_one_database(db):
    index = current_index()
    assert index.key[0] == connection.settings_dict["NAME"]
    assert catalogue._current is index


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

"""Every way the catalogue is written reaches the next search, through the public search page or API.

The database keeps all derived search state (documents, filter data, the typo lexicon) with triggers on every
input table (suppliers/models.py, migrations 0011-0012); nothing on a write path calls anything for search.
Each test writes one way, then searches as a buyer would. The tests commit, as requests do: a transaction's own
uncommitted changes are always read again by its searches (suppliers.catalogue), so only committed changes show
that each write path tells the other requests.
"""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from suppliers.models import (
    Category,
    Offering,
    Region,
    Sector,
    ServiceArea,
    ServiceAreaKind,
    Status,
    Supplier,
)
from suppliers.search import SearchParams, current_catalogue, search_suppliers
from tests.factories import OfferingFactory, SupplierFactory

SEARCH_URL = reverse("suppliers:search")
API_URL = reverse("suppliers_api:list")
# Reference data comes from migrations: it is restored after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def found(client, **params):
    """Names of the suppliers the search page lists."""
    response = client.get(SEARCH_URL, {"page_size": 100, **params})
    assert response.status_code == 200
    return [supplier.name for supplier in response.context["suppliers"]]


def counted(client, facet, code, **params):
    """The count the API gives beside an option."""
    response = client.get(API_URL, params)
    assert response.status_code == 200
    return response.json()["facets"][facet][code]


@pytest.fixture
def supplier(db):
    return SupplierFactory(
        name="Coop Mer et Monts",
        description_fr="Traiteur pour colloques.",
        regions=["01"],
        categories=["alimentation.traiteur"],
    )


# --- Suppliers through the ORM ---


def test_a_created_supplier_is_found(client, db):
    found(client)  # the index is loaded before the write
    SupplierFactory(name="Coop Toute Neuve", description_fr="Quincaillerie solidaire.")
    assert found(client, q="quincaillerie") == ["Coop Toute Neuve"]


def test_a_renamed_supplier_is_found_by_its_new_name(client, supplier):
    found(client, q="colloques")
    supplier.name = "Coop Fleuve et Forêt"
    supplier.save()
    assert found(client, q="fleuve") == ["Coop Fleuve et Forêt"]
    assert found(client, q="monts") == []


def test_a_description_change_is_found(client, supplier):
    found(client, q="colloques")
    supplier.description_en = "Catering for conferences."
    supplier.save(update_fields=["description_en", "updated_at"])
    assert found(client, q="conferences") == ["Coop Mer et Monts"]


def test_a_suspended_supplier_disappears(client, supplier):
    assert found(client, region="01") == ["Coop Mer et Monts"]
    supplier.suspend(reason="Vérification")
    assert found(client, region="01") == []
    assert found(client, q="colloques") == []
    assert counted(client, "region", "01") == 0


def test_a_published_supplier_appears(client, db):
    draft = SupplierFactory(name="Coop en Attente", status=Status.PENDING, regions=["04"])
    assert found(client, region="04") == []
    draft.publish()
    assert found(client, region="04") == ["Coop en Attente"]


def test_a_deleted_supplier_disappears(client, supplier):
    found(client)
    Supplier.objects.filter(pk=supplier.pk).delete()
    assert found(client) == [] and found(client, q="colloques") == []


def test_a_queryset_update_is_followed(client, supplier):
    assert found(client, legal_form="cooperative") == []
    Supplier.objects.filter(pk=supplier.pk).update(legal_form="cooperative", coop_type="worker")
    assert found(client, legal_form="cooperative") == ["Coop Mer et Monts"]


def test_a_raw_sql_update_is_followed(client, supplier):
    found(client, accreditation="adapted")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE suppliers_supplier SET accreditations = '{adapted}' WHERE id = %s", [supplier.pk]
        )
    assert found(client, accreditation="adapted") == ["Coop Mer et Monts"]


def test_bulk_created_suppliers_are_found(client, db):
    found(client)
    Supplier.objects.bulk_create(
        Supplier(
            name=f"Coop en Lot {number}",
            neq=f"114000{number:04d}",
            legal_form="non_profit",
            description_fr="Buanderie.",
            head_office_region_id="05",
            serves_all_quebec=True,
            status=Status.PUBLISHED,
        )
        for number in range(3)
    )
    assert found(client, q="buanderie", region="12") == ["Coop en Lot 0", "Coop en Lot 1", "Coop en Lot 2"]


# --- Many-to-many changes ---


@pytest.mark.parametrize("how", ["set", "add", "remove", "clear"])
def test_regions_served_changes_are_followed(client, supplier, how):
    found(client, region="01")
    if how == "set":
        supplier.regions_served.set(["07"])
    elif how == "add":
        supplier.regions_served.add("07")
    elif how == "remove":  # with another region in the same transaction: none at all is refused at commit
        with transaction.atomic():
            supplier.regions_served.add("07")
            supplier.regions_served.remove("01")
    else:
        with transaction.atomic():
            supplier.regions_served.clear()
            supplier.regions_served.add("07")
    expected_01 = ["Coop Mer et Monts"] if how == "add" else []
    expected_07 = ["Coop Mer et Monts"]
    assert found(client, region="01") == expected_01
    assert found(client, region="07") == expected_07
    assert counted(client, "region", "07") == len(expected_07)


def test_serving_all_of_quebec_is_followed(client, supplier):
    assert found(client, region="10") == []
    supplier.serves_all_quebec = True
    supplier.save()
    assert found(client, region="10") == ["Coop Mer et Monts"]


@pytest.mark.parametrize("how", ["set", "add", "remove"])
def test_category_changes_are_followed_in_filters_and_text(client, supplier, how):
    found(client, category="alimentation.traiteur")
    if how == "set":
        supplier.categories.set(["impression.imprimerie"])
    elif how == "add":
        supplier.categories.add("impression.imprimerie")
    else:
        supplier.categories.remove("alimentation.traiteur")
    assert found(client, category="impression.imprimerie") == (
        [] if how == "remove" else ["Coop Mer et Monts"]
    )
    assert found(client, sector="impression") == ([] if how == "remove" else ["Coop Mer et Monts"])
    assert found(client, q="imprimerie", exact="1") == ([] if how == "remove" else ["Coop Mer et Monts"])
    assert found(client, category="alimentation.traiteur") == (["Coop Mer et Monts"] if how == "add" else [])


def test_service_area_changes_are_followed(client, supplier):
    mrc = ServiceArea.objects.create(
        code="mrc-t", name="MRC du Témiscouata", kind=ServiceAreaKind.MRC, region_id="01"
    )
    town = ServiceArea.objects.create(
        code="mun-t", name="Dégelis", kind=ServiceAreaKind.MUNICIPALITY, region_id="01", parent=mrc
    )
    other = SupplierFactory(name="Coop Gaspésienne", regions=["11"])
    assert found(client, area="mun-t") == ["Coop Mer et Monts"]  # serves the whole region
    other.areas_served.add(mrc)
    assert found(client, area="mun-t") == [
        "Coop Gaspésienne",
        "Coop Mer et Monts",
    ]  # the MRC contains the town
    assert found(client, region="01") == ["Coop Gaspésienne", "Coop Mer et Monts"]  # part of the region
    assert counted(client, "area", "mun-t") == 2
    other.areas_served.clear()
    assert found(client, area="mun-t") == ["Coop Mer et Monts"]
    assert town.pk


# --- Offerings ---


def test_offerings_created_changed_and_deleted_are_followed(client, supplier):
    found(client, q="colloques")
    offering = OfferingFactory(supplier=supplier, title="Boîtes à lunch", category_id="alimentation.traiteur")
    assert found(client, q="lunch") == ["Coop Mer et Monts"]
    offering.title = "Paniers de fruits"
    offering.save()
    assert found(client, q="lunch") == [] and found(client, q="paniers") == ["Coop Mer et Monts"]
    offering.delete()
    assert found(client, q="paniers") == []


def test_an_offering_added_on_the_admin_offering_page_is_found(curator_client, supplier):
    found(curator_client, q="colloques")
    response = curator_client.post(
        reverse("admin:suppliers_offering_add"),
        {
            "supplier": supplier.pk,
            "kind": "service",
            "title": "Méchouis champêtres",
            "description": "Pour les fêtes de quartier.",
            "category": "alimentation.traiteur",
            "position": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert found(curator_client, q="méchouis") == ["Coop Mer et Monts"]
    offering = Offering.objects.get(title="Méchouis champêtres")
    response = curator_client.post(
        reverse("admin:suppliers_offering_change", args=[offering.pk]),
        {
            "supplier": supplier.pk,
            "kind": "service",
            "title": "Méchouis champêtres",
            "description": "Pour les fêtes de ruelle.",
            "category": "alimentation.traiteur",
            "position": 0,
        },
    )
    assert response.status_code == 302
    assert found(curator_client, q="ruelle") == ["Coop Mer et Monts"]


def _admin_form_data(response):
    """The POST data of a rendered admin change form, as a browser would send it unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.extend(formset.forms)
        forms.append(formset.management_form)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is True:
                data[key] = "on"
            else:
                data[key] = str(value)
    return data


def test_an_admin_save_with_new_regions_and_categories_is_followed(curator_client, supplier):
    found(curator_client, region="02")
    url = reverse("admin:suppliers_supplier_change", args=[supplier.pk])
    data = _admin_form_data(curator_client.get(url))
    data["regions_served"] = ["02", "11"]
    data["categories"] = ["entretien.menager"]
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert found(curator_client, region="11", sector="entretien") == ["Coop Mer et Monts"]
    assert found(curator_client, region="01") == []


# --- Categories and sectors ---


def test_a_renamed_category_finds_its_suppliers(client, supplier):
    found(client, q="colloques")
    category = Category.objects.get(code="alimentation.traiteur")
    category.name_fr = "Cuisine événementielle"
    category.save()
    assert found(client, q="événementielle") == ["Coop Mer et Monts"]


def test_a_category_renamed_in_the_admin_finds_its_suppliers(curator_client, supplier):
    curator_client.force_login(_superuser())
    found(curator_client, q="colloques")
    category = Category.objects.get(code="alimentation.traiteur")
    response = curator_client.post(
        reverse("admin:suppliers_category_change", args=[category.pk]),
        {
            "code": category.code,
            "sector": category.sector_id,
            "name_fr": "Gastronomie solidaire",
            "name_en": category.name_en,
            "unspsc_segment": category.unspsc_segment,
            "position": category.position,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert found(curator_client, q="gastronomie") == ["Coop Mer et Monts"]


def test_a_renamed_sector_finds_its_suppliers(client, supplier):
    found(client, q="colloques")
    Sector.objects.filter(code="alimentation").update(name_fr="Bouffe et boustifaille")
    assert found(client, q="boustifaille") == ["Coop Mer et Monts"]


def test_a_category_moved_to_another_sector_is_counted_there(client, supplier):
    assert found(client, sector="services") == []
    Category.objects.filter(code="alimentation.traiteur").update(sector_id="services")
    assert found(client, sector="services") == ["Coop Mer et Monts"]
    assert found(client, sector="alimentation") == []


def test_load_reference_data_renames_and_is_followed(client, supplier, monkeypatch):
    from suppliers import reference

    found(client, q="colloques")
    original = reference.read_csv

    def renamed(name):
        rows = original(name)
        for row in rows:
            if row.get("code") == "alimentation.traiteur":
                row["name_fr"] = "Restauration de réception"
        return rows

    monkeypatch.setattr(reference, "read_csv", renamed)
    call_command("load_reference_data", stdout=None)
    assert found(client, q="réception") == ["Coop Mer et Monts"]


def test_a_new_region_name_labels_the_filter(client, supplier):
    found(client)
    Region.objects.filter(code="01").update(name="Bas-du-Fleuve")
    response = client.get(SEARCH_URL, {"region": "01"})
    assert "Bas-du-Fleuve" in response.content.decode()


# --- Imports ---


def test_an_import_is_found(client, db, tmp_path):
    from tests.test_import_export import import_file, write_csv

    found(client)
    rows = [
        "1145678901,Traiteur La Marmite solidaire,non_profit,,integration,Service de traiteur pour réunions.,"
        "Catering for meetings.,,,,,Rimouski,G5L 1A1,01,01;03,alimentation.traiteur,published",
    ]
    import_file(write_csv(tmp_path, rows))
    assert found(client, q="marmite", region="03", category="alimentation.traiteur") == [
        "Traiteur La Marmite solidaire"
    ]
    changed = [rows[0].replace(",01;03,alimentation.traiteur,", ",06,entretien.menager,")]
    import_file(write_csv(tmp_path, changed, name="second.csv"))
    assert found(client, region="03") == [] and found(client, q="marmite", sector="entretien") == [
        "Traiteur La Marmite solidaire"
    ]
    suspended = [changed[0].replace(",published", ",suspended,Assurances à vérifier")]
    import_file(write_csv(tmp_path, suspended, name="third.csv"))
    assert found(client, q="marmite") == []


def test_an_admin_import_is_found(curator_client, db):
    from suppliers.importing import COLUMNS
    from tests.test_admin_curation import admin_confirm, admin_import

    found(curator_client)
    row = {column: "" for column in COLUMNS}
    row.update(
        neq="1145678902", name="Coop Importée par l'Admin", legal_form="non_profit",
        description_fr="Déchiquetage de documents.", head_office_region="02", regions_served="02",
        categories="recuperation.collecte", status="published",
    )  # fmt: skip
    content = ",".join(COLUMNS) + "\n" + ",".join(row[column] for column in COLUMNS) + "\n"
    admin_confirm(curator_client, admin_import(curator_client, content.encode()))
    assert found(curator_client, q="déchiquetage", region="02") == ["Coop Importée par l'Admin"]


# --- A page read while the catalogue changes ---


def test_a_supplier_suspended_during_a_search_is_not_shown(db):
    kept = SupplierFactory(name="Coop Restée")
    leaving = SupplierFactory(name="Coop Partie")
    catalogue = current_catalogue()  # the index as the request read it
    leaving.suspend(reason="Fermeture")  # then, before the page's rows are read
    results = search_suppliers(SearchParams(), catalogue=catalogue)
    assert [supplier.name for supplier in results.page.object_list] == [kept.name]


def _superuser():
    from tests.factories import UserFactory

    return UserFactory(email="super@mtess.gouv.qc.ca", is_staff=True, is_superuser=True)


def test_a_replaced_index_is_freed_without_waiting_for_the_cycle_collector(client):
    """A rendered page's template context is cyclic garbage; the search results in it must not keep the index
    they were computed on, or each catalogue change leaves a whole index behind until the next full collection."""
    import gc
    import weakref

    supplier = SupplierFactory(name="Traiteur du Fleuve")
    found(client, q="traiteur")
    first = weakref.ref(current_catalogue().index)
    gc.collect()
    gc.disable()
    try:
        found(client, q="traiteur")  # a page rendered on the first index
        supplier.description_fr = "Repas et boîtes à lunch."
        supplier.save()
        found(client, q="traiteur")  # the change is applied: a new index replaces the first
        assert current_catalogue().index is not first()
        assert first() is None
    finally:
        gc.enable()

"""No ceiling on the taxonomy: a thousand categories, hundreds of service areas, options never reused, and filters
that stay usable with that many options (found by name, grouped under their parents, all on request)."""

import re

import pytest
from django.db import connection, transaction
from django.urls import reverse

from suppliers.forms import WIDE_OPTIONS_SHOWN
from suppliers.models import Category, SearchTerm, Sector, ServiceArea, ServiceAreaKind, Supplier
from suppliers.search import SearchParams, correct_query, current_catalogue, search_suppliers
from tests.factories import SupplierFactory

SEARCH_URL = reverse("suppliers:search")


def found(client, **params):
    response = client.get(SEARCH_URL, {"page_size": 100, **params})
    assert response.status_code == 200
    return [supplier.name for supplier in response.context["suppliers"]], response


def checkboxes(response, name):
    return re.findall(rf'<input type="checkbox" name="{name}" value="([^"]+)"', response.content.decode())


@pytest.fixture
def thousand_categories(db):
    sector = Sector.objects.create(code="achats", name_fr="Achats publics", name_en="Public purchasing")
    Category.objects.bulk_create(
        Category(
            code=f"achats.c{number:04d}",
            sector=sector,
            name_fr=f"Fourniture numéro {number}",
            name_en=f"Supply number {number}",
            position=number,
        )
        for number in range(1000)
    )
    return list(Category.objects.filter(sector=sector).order_by("position"))


def test_a_thousand_categories_filter_on_the_last(client, thousand_categories):
    last, first = thousand_categories[-1], thousand_categories[0]
    assert Category.objects.count() >= 1000
    SupplierFactory(name="Coop du Dernier", categories=[last.code, "entretien.menager"])
    SupplierFactory(name="Coop du Premier", categories=[first.code])
    names, response = found(client, category=last.code)
    assert names == ["Coop du Dernier"]
    assert response.context["results"].facets["category"][last.code] == 1
    assert response.context["results"].facets["sector"]["achats"] == 1
    # The page does not list a thousand checkboxes: the selected one and the most frequent.
    shown = checkboxes(response, "category")
    assert last.code in shown and len(shown) <= WIDE_OPTIONS_SHOWN + 1
    assert 'value="' + last.code + '" id="f-category-' + last.code + '" checked' in response.content.decode()


def test_categories_are_found_by_name_without_javascript(client, thousand_categories):
    SupplierFactory(name="Coop", categories=[thousand_categories[777].code])
    _names, response = found(client, category_q="numero 777")  # accents and case ignored
    assert checkboxes(response, "category") == [thousand_categories[777].code]
    assert "Achats publics" in response.content.decode()  # under its sector


def test_every_category_with_results_is_listed_on_request(client, thousand_categories):
    for number in range(0, 30):
        SupplierFactory(categories=[thousand_categories[number].code])
    _names, response = found(client)
    more = response.context["facet_groups"][3]["more"]
    assert more and "options=category" in more["querystring"]
    _names, response = found(client, options="category")
    assert len(checkboxes(response, "category")) == 30


@pytest.fixture
def many_areas(db):
    areas = []
    for region in range(1, 18):
        for mrc_number in range(3):
            mrc = ServiceArea.objects.create(
                code=f"mrc-{region:02d}-{mrc_number}",
                name=f"MRC {region}-{mrc_number}",
                kind=ServiceAreaKind.MRC,
                region_id=f"{region:02d}",
            )
            areas.append(mrc)
            for town in range(3):
                areas.append(
                    ServiceArea.objects.create(
                        code=f"mun-{region:02d}-{mrc_number}-{town}",
                        name=f"Ville {region}-{mrc_number}-{town}",
                        kind=ServiceAreaKind.MUNICIPALITY,
                        region_id=f"{region:02d}",
                        parent=mrc,
                    )
                )
    return areas


def test_two_hundred_service_areas_filter_on_the_last(client, many_areas):
    assert len(many_areas) >= 200
    last = many_areas[-1]
    SupplierFactory(name="Coop Locale", regions=[], areas=[last])
    SupplierFactory(name="Coop Régionale", regions=["17"])
    SupplierFactory(name="Coop Ailleurs", regions=["01"])
    names, response = found(client, area=last.code)
    assert names == ["Coop Locale", "Coop Régionale"]
    facets = response.context["results"].facets
    assert facets["area"][last.code] == 2 and facets["area"][last.parent_id] == 1
    assert found(client, region="17")[0] == ["Coop Locale", "Coop Régionale"]
    assert found(client, area=many_areas[0].code)[0] == ["Coop Ailleurs"]


def test_service_areas_are_shown_under_their_region_when_it_is_chosen(client, many_areas):
    SupplierFactory(name="Coop Locale", regions=[], areas=[many_areas[-1]])
    _names, response = found(client, region="17")
    shown = checkboxes(response, "area")
    assert shown and all(code.startswith(("mrc-17", "mun-17")) for code in shown)


# --- Identity and ceilings ---


def test_a_deleted_categorys_identity_is_never_given_again(client, db):
    sector = Sector.objects.get(code="alimentation")
    gone = Category.objects.create(
        code="alimentation.temporaire", sector=sector, name_fr="Temp", name_en="Temp"
    )
    SupplierFactory(name="Coop Ancienne", categories=[gone.code])
    found(client, category=gone.code)
    gone_number = Category.objects.get(pk=gone.pk).number
    gone.delete()
    new = Category.objects.create(code="alimentation.nouvelle", sector=sector, name_fr="Neuve", name_en="New")
    assert Category.objects.get(pk=new.pk).number != gone_number
    assert found(client, category=new.code)[0] == []


@pytest.fixture
def superuser_client(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="super@mtess.gouv.qc.ca", is_staff=True, is_superuser=True))
    return client


def test_creating_many_categories_and_sectors_in_the_admin_never_fails(superuser_client):
    for number in range(70):
        response = superuser_client.post(
            reverse("admin:suppliers_sector_add"),
            {
                "code": f"secteur-{number}",
                "name_fr": f"Secteur {number}",
                "name_en": f"Sector {number}",
                "position": number,
                "categories-TOTAL_FORMS": "0",
                "categories-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, number
        response = superuser_client.post(
            reverse("admin:suppliers_category_add"),
            {
                "code": f"secteur-{number}.categorie",
                "sector": f"secteur-{number}",
                "name_fr": f"Catégorie {number}",
                "name_en": f"Category {number}",
                "position": 0,
            },
        )
        assert response.status_code == 302, number
    assert Category.objects.count() > 64 + 57 and Sector.objects.count() > 64
    SupplierFactory(name="Coop Tardive", categories=["secteur-69.categorie"])
    assert found(superuser_client, sector="secteur-69")[0] == ["Coop Tardive"]


# --- Planner settings ---


def test_the_planner_setting_of_a_text_search_ends_with_it(db):
    SupplierFactory(description_fr="Déneigement.")
    with transaction.atomic():
        results = search_suppliers(SearchParams(q="déneigement"), catalogue=current_catalogue())
        assert results.count == 1
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"


# --- The typo lexicon ---


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_lexicon_forgets_the_words_of_unpublished_suppliers():
    from suppliers.search import rebuild_search_lexicon

    leaving = SupplierFactory(name="Coop Zanzibarienne", description_fr="Marqueterie et ébénisterie.")
    staying = SupplierFactory(name="Coop Voisine", description_fr="Ébénisterie fine.")
    assert correct_query("zanzibarinne") == "zanzibarienne"
    assert SearchTerm.objects.get(word="ebenisterie").documents == 2
    leaving.suspend(reason="Fermeture")
    assert not SearchTerm.objects.filter(word__in=["zanzibarienne", "marqueterie"]).exists()
    assert SearchTerm.objects.get(word="ebenisterie").documents == 1
    assert correct_query("zanzibarinne") is None
    kept = dict(SearchTerm.objects.values_list("word", "documents"))
    rebuild_search_lexicon()
    assert kept == dict(SearchTerm.objects.values_list("word", "documents"))
    assert staying.pk and Supplier.objects.published().count() == 1


def test_a_transactions_own_words_are_suggested_before_it_commits(db):
    SupplierFactory(name="Coop Xylophonique", description_fr="Instruments.")
    assert correct_query("xylophonqiue") == "xylophonique"

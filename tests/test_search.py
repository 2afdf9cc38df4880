import datetime
import re
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from suppliers.models import Accreditation, CoopType, LegalForm, Region, SearchTerm, Status, Supplier
from suppliers.search import FACETS, SearchParams, correct_query, current_catalogue, search_suppliers
from tests.factories import OfferingFactory, SupplierFactory

SEARCH_URL = reverse("suppliers:search")


def add_offering(supplier, **kwargs):
    return OfferingFactory(supplier=supplier, **kwargs)


@pytest.fixture
def catalogue(db):
    """Five published suppliers, one of each kind a buyer looks for, and unpublished ones that must never show."""
    suppliers = {
        "traiteur": SupplierFactory(
            name="Coop La Bonne Bouffe",
            legal_form=LegalForm.COOPERATIVE,
            coop_type=CoopType.WORKER,
            description_fr="Coopérative de travail en restauration collective.",
            head_office_region=Region.objects.get(code="01"),
            regions=["01"],
            categories=["alimentation.traiteur"],
        ),
        "deneigement": SupplierFactory(
            name="Déneigement Solidaire",
            description_fr="Entreprise d'insertion : entretien extérieur des bâtiments l'hiver.",
            description_en="Snow removal for public buildings.",
            accreditations=[Accreditation.INTEGRATION],
            head_office_region=Region.objects.get(code="03"),
            regions=["03", "12"],
            categories=["entretien.deneigement", "entretien.paysager"],
        ),
        "recyclage": SupplierFactory(
            name="Récupération Vert Demain",
            description_fr="Collecte des matières résiduelles des organismes publics.",
            head_office_region=Region.objects.get(code="06"),
            serves_all_quebec=True,
            regions=[],
            categories=["recuperation.collecte"],
        ),
        "imprimerie": SupplierFactory(
            name="Atelier d'impression Adapté",
            description_fr="Entreprise adaptée : impression de documents et d'affiches.",
            accreditations=[Accreditation.ADAPTED],
            head_office_region=Region.objects.get(code="06"),
            regions=["06", "13"],
            categories=["impression.imprimerie"],
        ),
        "informatique": SupplierFactory(
            name="Services Techno Partage",
            description_fr="Soutien informatique pour les écoles.",
            regions=["01"],
            categories=["services.conseil"],
        ),
    }
    add_offering(
        suppliers["traiteur"],
        title="Buffets pour réunions",
        description="Repas pour des réunions de 200 personnes.",
        category_id="alimentation.traiteur",
    )
    hidden = {
        status: SupplierFactory(
            name=f"Traiteur Caché {status}",
            description_fr="Traiteur invisible, zyxwortmagique.",
            status=status,
            regions=["01"],
            categories=["alimentation.traiteur"],
            legal_form=LegalForm.COOPERATIVE,
            coop_type=CoopType.SOLIDARITY,
            accreditations=[Accreditation.ADAPTED],
        )
        for status in (Status.DRAFT, Status.PENDING, Status.SUSPENDED, Status.ARCHIVED)
    }
    return {**suppliers, "hidden": hidden}


def names(response):
    return [supplier.name for supplier in response.context["suppliers"]]


def search(client, **params):
    response = client.get(SEARCH_URL, params)
    assert response.status_code == 200, response.context.get("form") and response.context["form"].errors
    return response


def run(**kwargs):
    return search_suppliers(SearchParams(**kwargs), catalogue=current_catalogue())


# --- Text ---


def test_search_ignores_accents(client, catalogue):
    assert names(search(client, q="deneigement")) == ["Déneigement Solidaire"]
    assert names(search(client, q="DÉNEIGEMENT")) == ["Déneigement Solidaire"]


def test_search_matches_french_stems(client, catalogue):
    # "réunion" (singular) finds the offering "Buffets pour réunions"; "traiteurs" the category "Service de traiteur".
    assert names(search(client, q="réunion")) == ["Coop La Bonne Bouffe"]
    assert names(search(client, q="traiteurs")) == ["Coop La Bonne Bouffe"]


def test_search_matches_english_stems(client, catalogue):
    # English words of the category names and of the English description.
    assert names(search(client, q="caterers")) == ["Coop La Bonne Bouffe"]
    assert names(search(client, q="printing")) == ["Atelier d'impression Adapté"]
    assert names(search(client, q="removing snow")) == ["Déneigement Solidaire"]


def test_search_corrects_a_typo_and_says_so(client, catalogue):
    response = search(client, q="recyclge")
    assert names(response) == ["Récupération Vert Demain"]
    assertContains(response, "Résultats pour « <strong>recyclage</strong> »", html=False)
    assert response.context["results"].corrected_from == "recyclge"


def test_typo_correction_can_be_turned_off(client, catalogue):
    response = search(client, q="recyclge", exact="1")
    assert names(response) == []
    assert response.context["results"].corrected_from is None


def test_words_that_match_are_not_corrected(catalogue):
    # "traiteurs" is not in the lexicon (only "traiteur" is) but matches by its stem.
    assert correct_query("traiteurs") is None
    assert correct_query("deneigemnt exterieur") == "deneigement exterieur"


def test_typo_correction_only_suggests_published_words(catalogue):
    assert not SearchTerm.objects.filter(word="zyxwortmagique").exists()
    assert correct_query("zyxwortmagiqe") is None


def test_quoted_phrase_must_match_in_order(client, catalogue):
    assert names(search(client, q='"matières résiduelles"')) == ["Récupération Vert Demain"]
    assert names(search(client, q='"résiduelles matières"')) == []


def test_or_finds_either_word(client, catalogue):
    assert sorted(names(search(client, q="déneigement or imprimerie"))) == [
        "Atelier d'impression Adapté",
        "Déneigement Solidaire",
    ]


def test_negated_word_excludes(client, catalogue):
    assert "Coop La Bonne Bouffe" in names(search(client, q="repas or collecte"))
    assert names(search(client, q="repas or collecte -buffet")) == ["Récupération Vert Demain"]


def test_negated_word_excludes_in_both_languages(client, catalogue):
    # "informatique" stems to "informat" in French but "informatiqu" in English, and the description is French only:
    # a negation applied per language would let the English branch keep the supplier.
    assert "Services Techno Partage" in names(search(client, q="écoles"))
    assert names(search(client, q="écoles -informatique")) == []


# --- Filters ---


def test_region_filter(client, catalogue):
    assert sorted(names(search(client, region="01"))) == [
        "Coop La Bonne Bouffe",
        "Récupération Vert Demain",
        "Services Techno Partage",
    ]


def test_all_of_quebec_supplier_matches_every_region(client, catalogue):
    for code in Region.objects.values_list("code", flat=True):
        assert "Récupération Vert Demain" in names(search(client, region=code)), code


def test_sector_filter(client, catalogue):
    assert names(search(client, sector="entretien")) == ["Déneigement Solidaire"]


def test_category_filter(client, catalogue):
    assert names(search(client, category="impression.imprimerie")) == ["Atelier d'impression Adapté"]


def test_legal_form_filter(client, catalogue):
    assert names(search(client, legal_form="cooperative")) == ["Coop La Bonne Bouffe"]


def test_accreditation_filter(client, catalogue):
    assert names(search(client, accreditation="adapted")) == ["Atelier d'impression Adapté"]
    assert names(search(client, accreditation=["adapted", "integration"])) == [
        "Atelier d'impression Adapté",
        "Déneigement Solidaire",
    ]


def test_options_of_one_filter_add_up_and_filters_narrow_each_other(client, catalogue):
    assert names(search(client, region=["03", "13"], legal_form="non_profit")) == [
        "Atelier d'impression Adapté",
        "Déneigement Solidaire",
        "Récupération Vert Demain",
    ]
    assert names(search(client, region="13", sector="impression", accreditation="adapted")) == [
        "Atelier d'impression Adapté"
    ]
    assert names(search(client, region="13", category="entretien.deneigement")) == []
    assert names(search(client, q="collecte", region="02", legal_form="non_profit")) == [
        "Récupération Vert Demain"
    ]


# --- Facets ---


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"q": "entreprise"},
        {"region": ("01",), "legal_form": ("non_profit",)},
        {
            "q": "publics or réunions",
            "sector": ("alimentation", "recuperation"),
            "accreditation": ("adapted",),
        },
        {"region": ("06", "03"), "category": ("impression.imprimerie", "entretien.deneigement")},
    ],
)
def test_facet_counts_equal_the_counts_of_applying_each_option(catalogue, state):
    params = SearchParams(**state)
    results = search_suppliers(params, catalogue=current_catalogue())
    for facet in FACETS:
        for option, count in results.facets[facet].items():
            applied = search_suppliers(replace(params, **{facet: (option,)}), catalogue=current_catalogue())
            assert count == applied.count, (facet, option)


def test_total_matches_the_listed_results(catalogue):
    results = run(region=("01",), page_size=100)
    assert results.count == len(list(results.page)) == 3


def test_all_of_quebec_supplier_counts_in_every_region_facet(catalogue):
    facets = run(category=("recuperation.collecte",)).facets
    assert set(facets["region"].values()) == {1}


def test_search_page_shows_counts_beside_options(client, catalogue):
    response = search(client, legal_form="non_profit")
    html = response.content.decode()
    region_01 = re.search(r'id="f-region-01">\s*Bas-Saint-Laurent <span class="facet__count">\((\d+)\)', html)
    assert region_01.group(1) == "2"  # Récupération (all of Québec) and Services Techno Partage
    coop = re.search(
        r'id="f-legal_form-cooperative">\s*Coopérative <span class="facet__count">\((\d+)\)', html
    )
    assert coop.group(1) == "1"


# --- Only published suppliers ---


def test_unpublished_suppliers_never_appear(client, catalogue):
    for params in (
        {},
        {"q": "traiteur"},
        {"q": "caché"},
        {"region": "01", "category": "alimentation.traiteur"},
    ):
        response = search(client, **params)
        assertNotContains(response, "Traiteur Caché")
    assert run().count == 5
    assert run(q="caché").count == 0


def test_unpublished_suppliers_are_not_counted_in_facets(catalogue):
    facets = run().facets
    assert facets["region"]["01"] == 3
    assert facets["category"]["alimentation.traiteur"] == 1
    assert facets["legal_form"]["cooperative"] == 1
    assert facets["accreditation"]["adapted"] == 1


# --- Sort and pagination ---


@pytest.fixture
def names_to_sort(db):
    for name in ["Zèbre Coop", "École du goût", "atelier Minuscule", "Ébénisterie Unie", "Eau Claire"]:
        SupplierFactory(name=name)


def test_name_sort_ignores_accents_and_case(client, names_to_sort):
    assert names(search(client, sort="name")) == [
        "atelier Minuscule",
        "Eau Claire",
        "Ébénisterie Unie",
        "École du goût",
        "Zèbre Coop",
    ]


def test_without_text_the_default_order_is_by_name(client, names_to_sort):
    response = search(client)
    assert names(response)[0] == "atelier Minuscule"
    assert response.context["results"].sort == "name"


def test_relevance_puts_name_matches_first(client, db):
    SupplierFactory(
        name="Fournisseur général", description_fr="Nous faisons aussi du déneigement à l'occasion."
    )
    SupplierFactory(name="Déneigement Express", description_fr="Entreprise d'économie sociale.")
    response = search(client, q="déneigement")
    assert names(response) == ["Déneigement Express", "Fournisseur général"]
    assert response.context["results"].sort == "relevance"


def test_sort_by_most_recently_updated(client, db):
    old, recent = SupplierFactory(name="Ancienne"), SupplierFactory(name="Récente")
    Supplier.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=30))
    Supplier.objects.filter(pk=recent.pk).update(updated_at=timezone.now())
    assert names(search(client, sort="updated")) == ["Récente", "Ancienne"]


def test_pagination_keeps_the_search_state(client, db):
    for number in range(5):
        SupplierFactory(name=f"Traiteur {number}", categories=["alimentation.traiteur"])
    response = search(client, q="traiteur", category="alimentation.traiteur", sort="name", page_size=2)
    assert names(response) == ["Traiteur 0", "Traiteur 1"]
    assertContains(response, "Page 1 sur 3")
    assertContains(
        response,
        'href="?q=traiteur&amp;category=alimentation.traiteur&amp;sort=name&amp;page_size=2&amp;page=2"',
    )
    response = search(
        client, q="traiteur", category="alimentation.traiteur", sort="name", page_size=2, page=3
    )
    assert names(response) == ["Traiteur 4"]


def test_a_page_past_the_last_shows_the_last(client, catalogue):
    response = search(client, page=40)
    assert response.context["results"].page.number == 1
    assert len(names(response)) == 5


# --- Page behaviour ---


def test_results_count_is_announced(client, catalogue):
    response = search(client, region="01")
    assertContains(response, '<span role="status">3 fournisseurs trouvés</span>', html=False)


def test_each_active_filter_can_be_removed(client, catalogue):
    response = search(client, q="entreprise", region=["01", "06"], legal_form="non_profit")
    filters = {
        (item["facet"], item["label"]): item["querystring"] for item in response.context["active_filters"]
    }
    assert filters == {
        ("region", "Bas-Saint-Laurent"): "q=entreprise&region=06&legal_form=non_profit",
        ("region", "Montréal"): "q=entreprise&region=01&legal_form=non_profit",
        ("legal_form", "OBNL (organisme à but non lucratif)"): "q=entreprise&region=01&region=06",
    }
    for querystring in filters.values():
        assertContains(response, f'href="?{querystring.replace("&", "&amp;")}"')


def test_empty_state_says_what_to_loosen(client, catalogue):
    response = search(client, q="imprimerie", region="01", legal_form="cooperative")
    assert names(response) == []
    assertContains(response, "Aucun fournisseur ne correspond à cette recherche.")
    assertContains(response, 'href="?region=01&amp;legal_form=cooperative"')  # without the text
    assertContains(response, 'href="?q=imprimerie&amp;legal_form=cooperative"')  # without the region
    assertContains(response, 'href="?q=imprimerie&amp;region=01"')  # without the legal form
    assertContains(response, 'href="?q=imprimerie"')  # without any filter


def test_filters_are_checkboxes_in_fieldsets_of_a_get_form(client, catalogue):
    response = search(client, region="01")
    html = response.content.decode()
    assert '<form method="get" action="/recherche/"' in html
    assert html.count("<fieldset") == len(FACETS)
    assert '<input type="checkbox" name="region" value="01" id="f-region-01" checked>' in html
    assert '<label for="id_q">' in html


@pytest.mark.parametrize(
    "params",
    [{"region": "99"}, {"category": "n.existe.pas"}, {"legal_form": "sarl"}, {"sort": "prix"}, {"page": "0"}],
)
def test_bad_parameters_give_400_with_the_reason(client, catalogue, params):
    response = client.get(SEARCH_URL, params)
    assert response.status_code == 400
    assertContains(response, "Cette recherche contient des paramètres invalides", status_code=400)


# --- Query count ---


@pytest.fixture
def many_suppliers(db):
    for number in range(30):
        supplier = SupplierFactory(
            name=f"Traiteur solidaire {number}",
            regions=["01", "02", "03"],
            categories=["alimentation.traiteur", "alimentation.repas"],
            accreditations=[Accreditation.ADAPTED] if number % 2 else [],
        )
        OfferingFactory(supplier=supplier, title="Boîtes à lunch", category_id="alimentation.repas")
        OfferingFactory(supplier=supplier, title="Buffets", category_id="alimentation.traiteur")


@pytest.mark.parametrize("page_size", [2, 30])
def test_search_page_query_count_does_not_grow_with_page_size(
    client, many_suppliers, page_size, assert_max_sent_queries
):
    params = {"q": "traiteur", "region": "01", "sector": "alimentation", "page_size": page_size}
    # Reference data (2), typo correction, catalogue version, search index (after a change), text matches (with
    # the planner setting before them), ranks, the page of results; then the dates its listings were last checked
    # and the search event recorded (insights).
    with assert_max_sent_queries(11):
        client.get(SEARCH_URL, params)
    with assert_max_sent_queries(10):
        response = client.get(SEARCH_URL, params)
    assert len(response.context["suppliers"]) == page_size


def test_the_search_index_is_reused_until_the_catalogue_changes(client, catalogue, django_assert_num_queries):
    params = {"region": "01"}
    first = search(client, **params).context["results"]
    # The catalogue version, the page of results, the dates its listings were last checked (insights), the search
    # event recorded (insights).
    with django_assert_num_queries(4):
        second = search(client, **params).context["results"]
    assert second.facets == first.facets
    catalogue["traiteur"].suspend(reason="Fermeture temporaire")
    third = search(client, **params).context["results"]
    assert third.count == first.count - 1
    assert third.facets["legal_form"]["cooperative"] == 0

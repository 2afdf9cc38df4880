"""The buyers' search experience (issue 14, items 1 to 5): the page's layout without JavaScript, what the counts
say, what the result cards show, the way back from a supplier page, results per page and French-only content."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from suppliers.models import EmployeesBand, Region
from tests.factories import OfferingFactory, SupplierFactory

SEARCH_URL = reverse("suppliers:search")


@pytest.fixture
def listings(db):
    return {
        "bilingual": SupplierFactory(
            name="Cafétéria Solidaire",
            description_fr="Repas pour les cafétérias des écoles.",
            description_en="Meals for school cafeterias.",
            phone="418 555-0101",
            email="info@cafeteria.example",
            employees_band=EmployeesBand.B10_49,
            categories=["alimentation.traiteur"],
        ),
        "french_only": SupplierFactory(
            name="Nettoyage Bas-du-Fleuve",
            description_fr="Entretien ménager des bureaux publics.",
            description_en="",
            phone="",
            email="",
            employees_band="",
        ),
    }


def english(client):
    client.cookies["django_language"] = "en"
    return client


# --- Item 2: the filters ---


def test_a_link_leads_past_the_filters_to_the_results(client, listings):
    response = client.get(SEARCH_URL)
    html = response.content.decode()
    skip = re.search(r'<a href="#results-heading">([^<]*)</a>', html)
    assert skip, "no link to the results"
    assert html.index(skip.group(0)) < html.index('class="filters"')
    assert 'id="results-heading"' in html


def test_every_filter_has_its_own_apply_button(client, listings):
    html = client.get(SEARCH_URL).content.decode()
    fieldsets = re.findall(r'<fieldset class="facet.*?</fieldset>', html, flags=re.S)
    assert len(fieldsets) == 6
    for fieldset in fieldsets:
        assert re.search(r'<button type="submit"[^>]*>Appliquer', fieldset), fieldset[:200]


def test_long_option_lists_are_collapsed_behind_a_disclosure(client, listings):
    html = client.get(SEARCH_URL).content.decode()
    regions = re.search(
        r'<fieldset class="facet">\s*<legend>Région desservie</legend>.*?</fieldset>', html, re.S
    )
    disclosure = re.search(r'<details class="facet__others">.*?</details>', regions.group(0), re.S)
    assert disclosure, "17 regions shown without a disclosure"
    assert disclosure.group(0).count('type="checkbox"') == Region.objects.count() - 6


def test_a_collapsed_option_that_is_selected_stays_visible(client, listings):
    html = client.get(SEARCH_URL, {"region": "17"}).content.decode()
    assert '<details class="facet__others" open>' in html


def test_filters_are_behind_a_filtrer_disclosure_on_narrow_screens(client, listings):
    html = client.get(SEARCH_URL).content.decode()
    assert re.search(r'<details class="filters-panel">\s*<summary>Filtrer', html)


# --- Item 3: what the counts mean ---


def test_the_counts_help_says_options_of_one_filter_add_up(client, listings):
    response = client.get(SEARCH_URL)
    assertNotContains(response, "est le nombre de résultats obtenus en choisissant cette option")
    assertContains(response, "Les options cochées d'un même filtre s'additionnent")


# --- Item 5: cards, the way back, results per page, French-only content ---


def test_result_cards_show_public_phone_email_and_size_band(client, listings):
    response = client.get(SEARCH_URL, {"q": "cafétéria"})
    assertContains(response, '<a href="tel:+14185550101">418 555-0101</a>', html=True)
    assertContains(response, '<a href="mailto:info@cafeteria.example">info@cafeteria.example</a>', html=True)
    assertContains(response, "10 à 49 employés")


def test_result_card_without_contact_shows_no_empty_contact_list(client, listings):
    response = client.get(SEARCH_URL, {"q": "bureaux"})
    assert [supplier.name for supplier in response.context["suppliers"]] == ["Nettoyage Bas-du-Fleuve"]
    assertNotContains(response, "result__contact")


def test_results_link_to_supplier_pages_that_lead_back_to_the_same_search(client, listings):
    state = {"q": "repas", "region": "01", "page_size": "50"}
    response = client.get(SEARCH_URL, state)
    link = re.search(r'<h3 id="result-[^"]+"><a href="([^"]+)"', response.content.decode()).group(1)
    link = link.replace("&amp;", "&")
    detail = client.get(link)
    back = re.search(r'<nav class="breadcrumbs".*?</nav>', detail.content.decode(), re.S).group(0)
    href = re.findall(r'<a href="([^"]+)">', back)[1].replace("&amp;", "&")
    assert urlsplit(href).path == SEARCH_URL
    assert parse_qs(urlsplit(href).query) == {"q": ["repas"], "region": ["01"], "page_size": ["50"]}
    assert "Résultats de la recherche" in back


def test_the_way_back_is_only_ever_a_query_string_of_the_search_page(client, listings):
    supplier = listings["bilingual"]
    detail = client.get(supplier.get_absolute_url(), {"recherche": '"><script>x</script>&q=a'})
    html = detail.content.decode()
    assert "<script>x" not in html
    back = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert f'href="{SEARCH_URL}?%22%3E%3Cscript%3Ex%3C%2Fscript%3E=&amp;q=a"' in back
    too_long = client.get(supplier.get_absolute_url(), {"recherche": "q=" + "a" * 5000})
    back = re.search(r'<nav class="breadcrumbs".*?</nav>', too_long.content.decode(), re.S).group(0)
    assert f'<a href="{SEARCH_URL}">Trouver un fournisseur</a>' in back
    assertContains(detail, f'<link rel="canonical" href="http://testserver{supplier.get_absolute_url()}">')


def test_results_per_page_offers_20_50_and_100(client, listings):
    response = client.get(SEARCH_URL)
    select = re.search(
        r'<select name="page_size" id="id_page_size">(.*?)</select>', response.content.decode(), re.S
    )
    assert re.findall(r'value="(\d+)"', select.group(1)) == ["20", "50", "100"]
    assert '<option value="20" selected>' in select.group(1)
    response = client.get(SEARCH_URL, {"page_size": "50"})
    assert response.context["results"].paginator.per_page == 50
    assertContains(response, '<option value="50" selected>')


def test_english_pages_mark_french_only_descriptions(client, listings):
    response = english(client).get(SEARCH_URL, {"q": "bureaux"})
    assertContains(response, '<span class="french-only">(in French only)</span>', count=1, html=True)
    response = client.get(SEARCH_URL, {"q": "cafétéria"})
    assertNotContains(response, "french-only")


def test_french_pages_never_say_french_only(client, listings):
    response = client.get(SEARCH_URL)
    assertNotContains(response, "french-only")
    assertNotContains(client.get(listings["french_only"].get_absolute_url()), "french-only")


def test_english_supplier_page_marks_french_only_description_and_offerings(client, listings):
    OfferingFactory(supplier=listings["bilingual"], title="Boîtes à lunch", description="")
    with translation.override("en"):
        url = listings["bilingual"].get_absolute_url()
    response = english(client).get(url)
    # The description exists in English; the offering's title only in French.
    assertContains(response, "(in French only)", count=1)
    response = english(client).get(listings["french_only"].get_absolute_url())
    assertContains(response, "(in French only)", count=1)

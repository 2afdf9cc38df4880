"""The buyers' search page as a person sees it (issue 14, items 1 to 3 and 5): the printout of the results, a way
past the filters, "apply" within reach, the filters behind « Filtrer » on phones, in French and English, under
axe-core. Screenshots of each state go to ``var/screenshots/`` for whoever wants to look at them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from .conftest import LANGUAGES
from .test_keyboard import focused, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
FILTERED = reverse("suppliers:search") + "?q=entretien&region=02"


def open_page(page, path):
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_printed_results_page_shows_query_filters_count_results_date_and_address(
    page, use_language, assert_accessible, catalogue, language
):
    use_language(language)
    open_page(page, FILTERED)
    page.emulate_media(media="print")
    screenshot(page, f"search-print-{language}")
    assert page.locator(".search-results").is_visible()
    assert page.locator("#results-heading").is_visible()
    assert page.get_by_role("link", name="Coopérative de déneigement du Fjord").is_visible()
    summary = page.locator(".search-summary")
    assert summary.is_visible() and "« entretien »" in summary.inner_text().replace("“", "« ").replace(
        "”", " »"
    )
    assert page.locator(".active-filters").is_visible()
    assert "Saguenay–Lac-Saint-Jean" in page.locator(".active-filters").inner_text()
    consulted = page.locator(".site-footer .print-only")
    assert consulted.is_visible() and FILTERED.split("?")[1] in consulted.inner_text().replace("%C3%A9", "é")
    # Only what a reader needs: no search box, no filter checkboxes, no sort or page-size controls.
    for hidden in (".search-bar", ".filters", ".results-display", ".skip-to-results", ".site-nav"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert_accessible(page)


def test_every_result_of_the_page_prints(page, catalogue):
    open_page(page, reverse("suppliers:search"))
    page.emulate_media(media="print")
    results = page.locator("ol.results > li")
    assert results.count() == 3
    for number in range(3):
        assert results.nth(number).is_visible()


def test_a_link_takes_the_keyboard_past_the_filters_to_the_results(page, catalogue):
    open_page(page, reverse("suppliers:search") + "?q=entretien")
    page.locator("#id_q").focus()
    tab_to(page, lambda e: e["tag"] == "a" and e["text"].startswith("Passer les filtres"), "the skip link")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "results-heading"
    presses = 0
    while focused(page)["text"] != "Coopérative de déneigement du Fjord":
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 10, (
            f"the first result is more than 10 Tabs past the results heading: {focused(page)}"
        )


def test_apply_is_a_few_tabs_from_any_filter(page, catalogue):
    open_page(page, reverse("suppliers:search"))
    tab_to(page, lambda e: e["name"] == "region" and e["value"] == "01", "the first region")
    page.keyboard.press("Space")
    presses = 0
    while not (focused(page)["tag"] == "button" and focused(page)["text"].startswith("Appliquer")):
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 8, f"apply is more than 8 Tabs from the first region: {focused(page)}"
    page.keyboard.press("Enter")
    page.wait_for_url("**region=01**")


def test_long_lists_collapse_and_expand_without_javascript(page, catalogue):
    page.context.set_extra_http_headers({})
    open_page(page, reverse("suppliers:search"))
    laval = page.locator("input[name=region][value='13']")
    assert not laval.is_visible()
    page.get_by_text("Afficher 11 autres options").click()
    assert laval.is_visible()
    assert page.locator(".filters .facet ul").evaluate_all(
        "lists => lists.every(l => l.scrollHeight <= l.clientHeight + 1)"
    ), "a filter list scrolls inside itself"


@pytest.mark.parametrize("width", [375, 320])
@pytest.mark.parametrize("language", LANGUAGES)
def test_on_phones_the_results_come_before_the_filters_behind_filtrer(
    page, use_language, assert_accessible, catalogue, width, language
):
    use_language(language)
    page.set_viewport_size({"width": width, "height": 700})
    open_page(page, reverse("suppliers:search") + "?q=entretien")
    screenshot(page, f"search-{width}-{language}")
    first_result = page.locator("ol.results > li").first
    # The filters (2,300 px of them) no longer stand before the first result: it is within two screens.
    assert first_result.bounding_box()["y"] < 700 * 2, "the first result is more than two screens down"
    assert not page.locator("input[name=region][value='01']").is_visible()
    assert_accessible(page)
    page.locator(".filters-panel > summary").click()
    assert page.locator("input[name=region][value='01']").is_visible()
    screenshot(page, f"search-{width}-{language}-filters-open")
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_wide_screens_the_filters_are_shown_beside_the_results(
    page, use_language, assert_accessible, catalogue, language
):
    use_language(language)
    page.set_viewport_size({"width": 1280, "height": 900})
    open_page(page, reverse("suppliers:search") + "?q=entretien")
    screenshot(page, f"search-1280-{language}")
    assert not page.locator(".filters-panel > summary").is_visible()
    assert page.locator("input[name=region][value='01']").is_visible()
    filters, results = page.locator(".filters").bounding_box(), page.locator(".search-results").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"]
    assert_accessible(page)


def test_results_per_page_and_the_way_back_from_a_supplier(page, catalogue):
    open_page(page, reverse("suppliers:search") + "?q=entretien")
    page.select_option("#id_page_size", "50")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**page_size=50**")
    page.get_by_role("link", name="Coopérative de déneigement du Fjord").click()
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role(
        "link", name="Résultats de la recherche"
    ).click()
    page.wait_for_url("**/recherche/?q=entretien&**page_size=50")
    assert page.locator("#id_q").input_value() == "entretien"
    assert page.locator("#id_page_size").input_value() == "50"


def test_english_result_cards_say_when_text_is_in_french_only(
    page, use_language, assert_accessible, catalogue
):
    use_language("en")
    open_page(page, reverse("suppliers:search") + "?q=traiteur")
    card = page.locator("ol.results > li").first
    assert "(in French only)" in card.inner_text()
    assert card.locator("span[lang=fr]").count() == 1
    assert_accessible(page)

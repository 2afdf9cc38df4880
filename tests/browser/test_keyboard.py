"""The buyer's search journey with the keyboard only: Tab, Shift+Tab, Enter and Space, never the mouse."""

import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MAX_TABS = 120

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(), id: e.id, type: e.type || '', name: e.name || '', value: e.value || '',
    text: (e.innerText || e.value || '').trim(), checked: !!e.checked,
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def assert_focus_visible(element):
    assert element["outlineStyle"] != "none" and element["outlineWidth"] >= 3, (
        f"no visible focus indicator (3 px outline expected) on {element}"
    )


def tab_to(page, matches, description):
    """Press Tab until the focused element matches; every element reached must show its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if element is None:
            continue
        assert_focus_visible(element)
        if matches(element):
            return element
    raise AssertionError(f"{description} cannot be reached with the Tab key")


def test_search_journey_with_the_keyboard_only(page, catalogue):
    page.goto(reverse("home"))

    # The first Tab reaches the skip link; Enter moves the focus to the main content.
    page.keyboard.press("Tab")
    skip_link = focused(page)
    assert skip_link["text"] == "Passer au contenu principal"
    assert page.locator(".skip-link").is_visible()
    assert_focus_visible(skip_link)
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "contenu"

    # Into the search box, type, and Enter submits.
    tab_to(page, lambda e: e["type"] == "search", "the search box")
    page.keyboard.type("déneigement")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/\?q="))
    assert page.get_by_role("link", name="Coopérative de déneigement du Fjord").count() == 1
    assert page.get_by_role("status").first.inner_text().strip().startswith("1 ")

    # A region filter: Space ticks the checkbox, then the filters are applied with Enter.
    region = tab_to(
        page, lambda e: e["name"] == "region" and e["value"] == "02", "the Saguenay–Lac-Saint-Jean filter"
    )
    assert not region["checked"]
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Appliquer les filtres", "the apply button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"region=02"))
    assert page.locator("input[name=region][value='02']").is_checked()

    # Shift+Tab goes back through the page the other way: from a filter to the one before it, and Tab returns.
    tab_to(page, lambda e: e["name"] == "region" and e["value"] == "02", "the Saguenay–Lac-Saint-Jean filter")
    page.keyboard.press("Shift+Tab")
    previous = focused(page)
    assert (previous["name"], previous["value"]) == ("region", "01"), previous
    assert_focus_visible(previous)
    page.keyboard.press("Tab")
    assert (focused(page)["name"], focused(page)["value"], focused(page)["checked"]) == ("region", "02", True)

    # To the supplier's page.
    tab_to(
        page, lambda e: e["tag"] == "a" and e["text"] == "Coopérative de déneigement du Fjord", "the result"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{catalogue['snow'].get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Coopérative de déneigement du Fjord"


def test_language_switch_with_the_keyboard(page, catalogue):
    supplier_page = catalogue["snow"].get_absolute_url()
    page.goto(supplier_page)
    switch = tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "English", "the language switch")
    assert switch["value"] == "en"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.url.endswith(supplier_page), "the language switch keeps the user on the same page"
    assert "Snow removal for the parking lots" in page.locator("main").inner_text()
    tab_to(
        page, lambda e: e["tag"] == "button" and e["text"] == "Français", "the language switch back to French"
    )
    page.keyboard.press("Space")
    page.wait_for_function("() => document.documentElement.lang === 'fr'")
    assert page.url.endswith(supplier_page)

"""Result cards are rendered once per distinct content and language (``suppliers.cards``): whatever changes what a
card shows — the supplier's row, its regions or categories, a renamed region, a verification, the language — is
shown by the next search, because it is part of the key rather than something to invalidate."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from suppliers import cards
from suppliers.models import Category, Region, Supplier
from tests.factories import SupplierFactory

SEARCH_URL = reverse("suppliers:search")


@pytest.fixture
def supplier(db):
    cards._render.cache_clear()
    return SupplierFactory(
        name="Traiteur du Fleuve",
        description_fr="Repas pour les cafétérias.",
        description_en="Meals for cafeterias.",
        phone="418 555-0101",
        regions=["01"],
        categories=["alimentation.traiteur"],
    )


def card_of(client, name="Traiteur"):
    """The one result card of the search (the filters beside it name regions and categories too)."""
    response = client.get(SEARCH_URL, {"q": name})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<article") == 1
    return page[page.index("<article") : page.index("</article>")]


def test_a_row_changed_without_save_shows_its_new_values(client, supplier):
    assertContains(client.get(SEARCH_URL, {"q": "Traiteur"}), "418 555-0101")
    # .update() bypasses save() and every signal: the key holds the values themselves.
    Supplier.objects.filter(pk=supplier.pk).update(phone="418 555-0199", description_fr="Boîtes à lunch.")
    page = card_of(client)
    assert "418 555-0199" in page and "Boîtes à lunch." in page
    assert "418 555-0101" not in page


def test_regions_and_categories_changed_by_set_show_on_the_next_search(client, supplier):
    card_of(client)
    supplier.regions_served.set(["03"])
    supplier.categories.set(["entretien.menager"])
    page = card_of(client)
    assert f"<dd>{Region.objects.get(code='03').name}</dd>" in page
    assert f"<dd>{Category.objects.get(code='entretien.menager').name_fr}</dd>" in page


def test_a_renamed_region_shows_its_new_name(client, supplier):
    card_of(client)
    Region.objects.filter(code="01").update(name="Bas-Saint-Laurent (renommée)")
    assert "Bas-Saint-Laurent (renommée)" in card_of(client)


def test_a_verification_shows_on_the_next_search(client, supplier):
    assertContains(client.get(SEARCH_URL, {"q": "Traiteur"}), "Pas encore vérifiée ni confirmée")
    Supplier.objects.get(pk=supplier.pk).mark_verified(by=None)
    response = client.get(SEARCH_URL, {"q": "Traiteur"})
    assertContains(response, "Vérifiée par le ministère le")
    assertNotContains(response, "Pas encore vérifiée ni confirmée")


def test_each_language_gets_its_own_card(client, supplier):
    assertContains(client.get(SEARCH_URL, {"q": "Traiteur"}), "Repas pour les cafétérias.")
    client.cookies["django_language"] = "en"
    english = client.get(SEARCH_URL, {"q": "Traiteur"})
    assertContains(english, "Meals for cafeterias.")
    assertContains(english, "Not yet verified or confirmed")
    assertNotContains(english, "Repas pour les cafétérias.")
    client.cookies["django_language"] = "fr"
    assertContains(client.get(SEARCH_URL, {"q": "Traiteur"}), "Repas pour les cafétérias.")


def test_the_same_card_is_rendered_once(client, supplier):
    card_of(client)
    card_of(client)
    info = cards._render.cache_info()
    assert (info.misses, info.hits) == (1, 1)

import re

from django.urls import reverse
from pytest_django.asserts import assertContains

from suppliers.models import Status
from tests.factories import SupplierFactory


def region_count(html, code):
    match = re.search(
        rf'href="/recherche/\?region={code}">[^<]+</a>\s*<span class="facet__count">\((\d+) fournisseurs?\)',
        html,
    )
    return int(match.group(1))


def sector_count(html, code):
    match = re.search(
        rf'href="/recherche/\?sector={code}">[^<]+</a>\s*<span class="facet__count">\((\d+) fournisseurs?\)',
        html,
    )
    return int(match.group(1))


def test_home_has_a_search_box_leading_to_the_search_page(client, db):
    response = client.get(reverse("home"))
    assertContains(response, '<form class="search-bar" method="get" action="/recherche/" role="search">')
    assertContains(response, '<label for="home-q">')
    assertContains(response, "<h1", count=1)


def test_home_browses_by_region_and_sector_with_counts(client, db):
    SupplierFactory(regions=["01", "02"], categories=["alimentation.traiteur", "alimentation.repas"])
    SupplierFactory(serves_all_quebec=True, regions=[], categories=["entretien.deneigement"])
    SupplierFactory(status=Status.PENDING, regions=["01"], categories=["alimentation.traiteur"])
    SupplierFactory(status=Status.SUSPENDED, serves_all_quebec=True, categories=["entretien.deneigement"])
    html = client.get(reverse("home")).content.decode()
    assert len(re.findall(r'href="/recherche/\?region=\d\d"', html)) == 17
    assert len(re.findall(r'href="/recherche/\?sector=[a-z]+"', html)) == 13
    assert region_count(html, "01") == 2
    assert region_count(html, "02") == 2
    assert region_count(html, "03") == 1  # the supplier serving all of Québec
    assert sector_count(html, "alimentation") == 1  # two categories, one supplier
    assert sector_count(html, "entretien") == 1
    assert sector_count(html, "culture") == 0


def test_home_page_queries(client, db, assert_snapshot_queries):
    for _ in range(5):
        SupplierFactory(regions=["03", "04"], categories=["impression.imprimerie"])
    # The catalogue version, then (after a change) the search index and reference data; counts are in memory.
    with assert_snapshot_queries(name="after a catalogue change"):
        client.get(reverse("home"))
    with assert_snapshot_queries(name="catalogue unchanged"):
        client.get(reverse("home"))

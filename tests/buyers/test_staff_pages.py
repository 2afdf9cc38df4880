"""Staff's lists of buyers and organisations (django-filter): counts of what organisations keep, never content."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from buyers import services
from buyers.models import Visibility

from .conftest import ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["staff_buyers", "staff_organisations"])
def test_only_staff_see_the_staff_lists(as_role, role, page):
    response = as_role(role).get(reverse(f"buyers:{page}"))
    expected = {"anonymous": 302, "staff": 200}.get(role, 403)
    assert response.status_code == expected


def test_buyers_filtered_by_status_kind_region_and_text(client, curator, buyer_a, buyer_b, pending_buyer):
    client.force_login(curator)
    url = reverse("buyers:staff_buyers")
    response = client.get(url + "?status=pending")
    assertContains(response, pending_buyer.user.email)
    assertNotContains(response, buyer_a.user.email)
    response = client.get(url + "?kind=municipal")
    assertContains(response, buyer_b.user.email)
    assertNotContains(response, buyer_a.user.email)
    response = client.get(url + "?region=08&q=gagnon")
    assertContains(response, buyer_a.user.email)
    assertNotContains(response, pending_buyer.user.email)


def test_organisations_with_counts_filtered_by_domain_and_pending(
    client, curator, buyer_a, pending_buyer, buyer_b, caterers
):
    shortlist = services.shortlist_create(
        owner=buyer_a, name="Liste secrète", visibility=Visibility.ORGANISATION
    )
    services.shortlist_add(shortlist=shortlist, supplier=caterers[0], by=buyer_a.user, note="Note secrète")
    services.saved_search_create(owner=buyer_a, name="Recherche secrète", querystring="region=08")
    client.force_login(curator)
    url = reverse("buyers:staff_organisations")
    response = client.get(url + "?q=cisss-at")
    assertContains(response, "CISSS de l&#x27;Abitibi-Témiscamingue")
    assertNotContains(response, "Ville de Rimouski")
    cells = response.content.decode().split('<td class="numeric">')[1:]
    assert [cell.split("<")[0] for cell in cells] == ["1", "1", "1", "1", "1", "0", "1"]
    for secret in ["Liste secrète", "Note secrète", "Recherche secrète"]:
        assertNotContains(response, secret)
    response = client.get(url + "?pending=on")
    assertContains(response, "Abitibi")
    assertNotContains(response, "Ville de Rimouski")


def test_the_organisations_page_needs_a_fixed_number_of_queries(client, curator, assert_max_sent_queries):
    from tests.factories import BuyerFactory, BuyerOrganisationFactory

    for _ in range(15):
        BuyerFactory(organisation=BuyerOrganisationFactory())
    client.force_login(curator)
    with assert_max_sent_queries(10):
        assert client.get(reverse("buyers:staff_organisations")).status_code == 200
    with assert_max_sent_queries(10):
        assert client.get(reverse("buyers:staff_buyers")).status_code == 200

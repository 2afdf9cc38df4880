"""Role matrix for every enterprise-side page and action.

Actors: an anonymous visitor, a member of another listing, a buyer, a staff curator, and the listing's member.
Listing pages are looked up among the user's own listings only, so outsiders get a 404 that reveals nothing.
"""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from enterprises import services
from enterprises.models import ClaimRequest, Invitation, Membership, Revision
from suppliers.models import Status, Supplier
from tests.factories import BuyerFactory, MembershipFactory, SupplierFactory
from tests.test_enterprises_listing import edit_post, listing_post

SECRET_NAME = "Coopérative Secrète du Saguenay"


@pytest.fixture
def listing(db):
    supplier = SupplierFactory(name=SECRET_NAME, neq="1180000004", status=Status.DRAFT)
    supplier.offerings.create(title="Traiteur", category_id="alimentation.traiteur")
    return supplier


@pytest.fixture
def owner(listing):
    return MembershipFactory(supplier=listing, user__email="proprio@secrete.example").user


@pytest.fixture
def invitation(listing, owner):
    return services.invitation_create(supplier=listing, by=owner, email="invitee@secrete.example")


@pytest.fixture
def actor(request, db, curator):
    """Log in the actor named by the test parameter; returns the user (None for anonymous)."""
    kind = request.param
    if kind == "anonymous":
        return None
    if kind == "other_member":
        return MembershipFactory(supplier=SupplierFactory(name="Autre entreprise")).user
    if kind == "buyer":
        return BuyerFactory().user
    if kind == "staff":
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=curator, email=curator.email, verified=True, primary=True)
        return curator
    raise AssertionError(kind)


OUTSIDERS = ["other_member", "buyer", "staff"]


def pages(listing, invitation):
    """(name, method, url, data) for each listing-specific page and action."""
    return [
        ("edit", "get", reverse("enterprises:listing_edit", args=[listing.pk]), None),
        (
            "edit",
            "post",
            reverse("enterprises:listing_edit", args=[listing.pk]),
            edit_post(listing, name="Piraté"),
        ),
        ("submit", "post", reverse("enterprises:listing_submit", args=[listing.pk]), {}),
        ("invite", "get", reverse("enterprises:invite", args=[listing.pk]), None),
        (
            "invite",
            "post",
            reverse("enterprises:invite", args=[listing.pk]),
            {"email": "pirate@ailleurs.example"},
        ),
    ]


def _request(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data or {})


@pytest.mark.parametrize("actor", ["anonymous"], indirect=True)
def test_anonymous_visitor_is_sent_to_login_everywhere(client, actor, listing, invitation):
    urls = [
        ("get", reverse("enterprises:dashboard"), None),
        ("get", reverse("enterprises:listing_create"), None),
        ("post", reverse("enterprises:listing_create"), listing_post()),
        ("get", reverse("enterprises:claim_lookup"), None),
        ("get", reverse("enterprises:claim", args=[listing.neq]), None),
        ("post", reverse("enterprises:claim", args=[listing.neq]), {"message": "x"}),
        ("get", reverse("enterprises:invitation_accept", args=[invitation.token]), None),
        ("post", reverse("enterprises:invitation_accept", args=[invitation.token]), {}),
    ] + [(method, url, data) for _, method, url, data in pages(listing, invitation)]
    for method, url, data in urls:
        response = _request(client, method, url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    assert Supplier.objects.count() == 1
    assert not ClaimRequest.objects.exists()
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("actor", OUTSIDERS, indirect=True)
def test_outsiders_get_404_on_someone_elses_listing_and_change_nothing(client, actor, listing, invitation):
    client.force_login(actor)
    for name, method, url, data in pages(listing, invitation):
        response = _request(client, method, url, data)
        assert response.status_code == 404, (name, method)
        assertNotContains(response, SECRET_NAME, status_code=404)
    listing.refresh_from_db()
    assert listing.name == SECRET_NAME
    assert listing.status == Status.DRAFT
    assert not Revision.objects.exists()
    assert Invitation.objects.count() == 1
    assert not Membership.objects.filter(user=actor, supplier=listing).exists()


@pytest.mark.parametrize("actor", OUTSIDERS, indirect=True)
def test_outsiders_cannot_accept_someone_elses_invitation(client, actor, invitation):
    client.force_login(actor)
    url = reverse("enterprises:invitation_accept", args=[invitation.token])
    for method in ("get", "post"):
        response = _request(client, method, url, {})
        assert response.status_code == 403
        assertNotContains(response, SECRET_NAME, status_code=403)
    assert not Membership.objects.filter(user=actor, supplier=invitation.supplier).exists()


@pytest.mark.parametrize("actor", OUTSIDERS, indirect=True)
def test_outsiders_dashboard_shows_only_their_own_data(client, actor, listing, owner):
    ClaimRequest.objects.create(user=owner, supplier=SupplierFactory(name="Réclamée par le propriétaire"))
    client.force_login(actor)
    response = client.get(reverse("enterprises:dashboard"))
    assert response.status_code == 200
    assertNotContains(response, SECRET_NAME)
    assertNotContains(response, "proprio@secrete.example")
    assertNotContains(response, "Réclamée par le propriétaire")
    assert all(m.user_id == actor.pk for m in response.context["memberships"])


@pytest.mark.parametrize("actor", OUTSIDERS, indirect=True)
def test_outsiders_may_create_their_own_listing_and_claim_but_not_take_over(client, actor, listing):
    client.force_login(actor)
    assert client.get(reverse("enterprises:listing_create")).status_code == 200
    # Creating with the listing's NEQ does not touch it: the form offers to claim instead.
    response = client.post(reverse("enterprises:listing_create"), listing_post(neq=listing.neq))
    assert response.status_code == 200
    # A claim is only a request: it gives no access until staff approve.
    response = client.post(reverse("enterprises:claim", args=[listing.neq]), {"message": "C'est à moi."})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=actor, supplier=listing).exists()
    assert client.get(reverse("enterprises:listing_edit", args=[listing.pk])).status_code == 404


def test_claim_page_of_a_non_public_listing_does_not_show_its_name(client, listing):
    client.force_login(BuyerFactory().user)
    response = client.get(reverse("enterprises:claim", args=[listing.neq]))
    assert response.status_code == 200
    assertNotContains(response, SECRET_NAME)


def test_member_can_use_every_page_of_their_listing(client, owner, listing):
    client.force_login(owner)
    assert client.get(reverse("enterprises:listing_edit", args=[listing.pk])).status_code == 200
    assert client.get(reverse("enterprises:invite", args=[listing.pk])).status_code == 200
    response = client.get(reverse("enterprises:dashboard"))
    assert response.status_code == 200
    assert SECRET_NAME in response.content.decode()
    assert client.post(reverse("enterprises:listing_submit", args=[listing.pk])).status_code == 302
    listing.refresh_from_db()
    assert listing.status == Status.PENDING


def test_user_with_unconfirmed_email_is_asked_to_confirm_it_first(client, curator, listing):
    client.force_login(curator)
    response = client.get(reverse("enterprises:listing_edit", args=[listing.pk]))
    assertContains(response, "Confirmez votre adresse courriel")
    assertNotContains(response, SECRET_NAME)

"""Role matrix for every enterprise-side page and action, and the rate limits on what sends email or creates rows.

Actors: an anonymous visitor, a member of another listing, a buyer, a staff curator, and the listing's members (an
editor and an owner). Listing pages are looked up among the user's own listings only, so outsiders get a 404 that
reveals nothing; among members, owners manage colleagues and editors get a 403.
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
def editor(listing):
    return MembershipFactory(supplier=listing, role="editor", user__email="collegue@secrete.example").user


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
    owner_membership = Membership.objects.get(supplier=listing, role="owner")
    return [
        ("edit", "get", reverse("enterprises:listing_edit", args=[listing.pk]), None),
        (
            "edit",
            "post",
            reverse("enterprises:listing_edit", args=[listing.pk]),
            edit_post(listing, name="Piraté"),
        ),
        ("submit", "post", reverse("enterprises:listing_submit", args=[listing.pk]), {}),
        ("withdraw", "post", reverse("enterprises:revision_withdraw", args=[listing.pk]), {}),
        ("invite", "get", reverse("enterprises:invite", args=[listing.pk]), None),
        (
            "invite",
            "post",
            reverse("enterprises:invite", args=[listing.pk]),
            {"email": "pirate@ailleurs.example"},
        ),
        (
            "remove",
            "post",
            reverse("enterprises:membership_remove", args=[listing.pk, owner_membership.pk]),
            {},
        ),
        (
            "role",
            "post",
            reverse("enterprises:membership_role", args=[listing.pk, owner_membership.pk]),
            {"role": "editor"},
        ),
        ("leave", "post", reverse("enterprises:membership_leave", args=[listing.pk]), {}),
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
    ] + [(method, url, data) for _, method, url, data in pages(listing, invitation)]
    for method, url, data in urls:
        response = _request(client, method, url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    assert Supplier.objects.count() == 1
    assert not ClaimRequest.objects.exists()
    assert Invitation.objects.count() == 1
    assert Membership.objects.count() == 1


@pytest.mark.parametrize("actor", ["anonymous"], indirect=True)
def test_anonymous_visitor_with_an_invitation_link_is_welcomed_not_given_access(client, actor, invitation):
    url = reverse("enterprises:invitation_accept", args=[invitation.token])
    for method in ("get", "post"):
        response = _request(client, method, url, {})
        assert response.status_code == 200
        assertContains(response, reverse("account_signup"))
        assertNotContains(response, SECRET_NAME)
    assert Membership.objects.filter(supplier=invitation.supplier).count() == 1


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
    assert list(Membership.objects.filter(supplier=listing).values_list("role", flat=True)) == ["owner"]


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
def test_outsiders_may_create_their_own_listing_and_claim_but_not_take_over(client, actor, listing, owner):
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


# --- Among the listing's members: owners manage colleagues ---


def test_an_editor_edits_but_does_not_manage_colleagues(client, listing, owner, editor, invitation):
    client.force_login(editor)
    expected = {"invite": 403, "remove": 403, "role": 403}
    for name, method, url, data in pages(listing, invitation):
        if name in {"submit", "withdraw", "leave"}:
            continue  # they change the listing's state; checked on their own below
        response = _request(client, method, url, data)
        assert response.status_code == expected.get(name, response.status_code), (name, method)
        assert response.status_code in {200, 302, 403}, (name, method)
    assert client.get(reverse("enterprises:listing_edit", args=[listing.pk])).status_code == 200
    assert Invitation.objects.count() == 1
    assert Membership.objects.get(user=owner).role == "owner"
    # An editor sees that they have colleagues, not their addresses.
    dashboard = client.get(reverse("enterprises:dashboard"))
    assertContains(dashboard, "Vous et 1 collègue")
    assertNotContains(dashboard, "proprio@secrete.example")
    # Leaving is theirs to do.
    assert client.post(reverse("enterprises:membership_leave", args=[listing.pk])).status_code == 302
    assert not Membership.objects.filter(user=editor).exists()


def test_an_owner_sees_and_manages_colleagues(client, listing, owner, editor):
    client.force_login(owner)
    dashboard = client.get(reverse("enterprises:dashboard"))
    assertContains(dashboard, "collegue@secrete.example")
    colleague = Membership.objects.get(user=editor)
    role_url = reverse("enterprises:membership_role", args=[listing.pk, colleague.pk])
    assert client.post(role_url, {"role": "owner"}).status_code == 302
    assert Membership.objects.get(pk=colleague.pk).role == "owner"
    remove_url = reverse("enterprises:membership_remove", args=[listing.pk, colleague.pk])
    assert client.post(remove_url).status_code == 302
    assert not Membership.objects.filter(pk=colleague.pk).exists()


def test_the_last_owner_cannot_be_made_an_editor(client, listing, owner):
    client.force_login(owner)
    own = Membership.objects.get(user=owner)
    helper = MembershipFactory(supplier=listing, role="editor")
    client.post(reverse("enterprises:membership_role", args=[listing.pk, helper.pk]), {"role": "owner"})
    client.post(reverse("enterprises:membership_remove", args=[listing.pk, helper.pk]))
    with pytest.raises(services.ValidationError):
        services.membership_set_role(membership=own, role="editor", by=owner)
    assert Membership.objects.get(pk=own.pk).role == "owner"


def test_when_the_last_owner_leaves_the_longest_standing_colleague_becomes_owner(listing, owner, editor):
    later = MembershipFactory(supplier=listing, role="editor").user
    services.membership_leave(membership=Membership.objects.get(user=owner))
    roles = dict(Membership.objects.filter(supplier=listing).values_list("user_id", "role"))
    assert roles == {editor.pk: "owner", later.pk: "editor"}


def test_an_owner_cannot_remove_a_member_of_another_listing(client, listing, owner):
    stranger = MembershipFactory(supplier=SupplierFactory(name="Autre entreprise"))
    client.force_login(owner)
    url = reverse("enterprises:membership_remove", args=[listing.pk, stranger.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()


def test_member_withdraws_a_submitted_listing_back_to_draft(client, listing, editor):
    services.listing_submit(supplier=listing, user=editor)
    client.force_login(editor)
    response = client.post(reverse("enterprises:revision_withdraw", args=[listing.pk]))
    assert response["Location"] == reverse("enterprises:listing_edit", args=[listing.pk])
    listing.refresh_from_db()
    assert listing.status == Status.DRAFT
    assert Revision.objects.get(supplier=listing).status == "withdrawn"


# --- Rate limits, for every role that can reach the action ---

LOGGED_IN = ["other_member", "buyer", "staff"]


@pytest.mark.parametrize("actor", LOGGED_IN, indirect=True)
def test_listing_creation_is_limited_per_account(client, actor, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "listing_create": "2/d/user,10/d/ip"}
    client.force_login(actor)
    statuses = [
        client.post(reverse("enterprises:listing_create"), listing_post(neq=f"11700000{n:02d}")).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Supplier.objects.filter(memberships__user=actor, neq__startswith="117").count() == 2


@pytest.mark.parametrize("actor", LOGGED_IN, indirect=True)
def test_claims_are_limited_per_account_and_per_address(client, actor, settings, listing):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "claim": "2/h/user,4/h/ip"}
    client.force_login(actor)
    statuses = [
        client.post(reverse("enterprises:claim", args=[f"11800000{n:02d}"]), {"message": "x"}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert ClaimRequest.objects.filter(user=actor).count() == 2
    # Another account from the same address: the address has one attempt left (a refused attempt counts too).
    other = BuyerFactory().user
    client.force_login(other)
    assert client.post(reverse("enterprises:claim", args=["1180000099"]), {"message": "x"}).status_code == 302
    assert client.post(reverse("enterprises:claim", args=["1180000098"]), {"message": "x"}).status_code == 429


def test_invitations_are_limited_per_account(
    client, listing, owner, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": "3/h/user,20/h/ip"}
    client.force_login(owner)
    url = reverse("enterprises:invite", args=[listing.pk])
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(url, {"email": f"inconnu{n}@ailleurs.example"}).status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    refused = client.post(url, {"email": "encore@ailleurs.example"})
    assertContains(refused, "trop souvent", status_code=429)
    assertContains(refused, 'value="encore@ailleurs.example"', status_code=429)


def test_the_default_limits_cover_every_action_that_sends_email_or_creates_rows(settings):
    from accounts.ratelimits import rates

    for action in ["invitation", "claim", "listing_create", "api"]:
        assert rates(action), action
    for action in ["invitation", "claim", "listing_create"]:
        assert {rate.per for rate in rates(action)} == {"user", "ip"}, action


def test_emails_to_a_listings_members_do_not_show_each_other_their_addresses(
    listing, owner, editor, curator, django_capture_on_commit_callbacks
):
    from django.core import mail

    revision = services.listing_submit(supplier=listing, user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_approve(revision=revision, by=curator, verified_accreditations=[])
    assert sorted(message.to for message in mail.outbox) == [[editor.email], [owner.email]]

"""Journeys of an enterprise as a newcomer meets them: an invitation opened while logged out, sign-up that lands in
the person's own space, a submitted listing that can be seen and withdrawn, and the listing form's small helps."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from enterprises import services
from enterprises.models import Membership
from suppliers.models import Status, Supplier
from tests.factories import (
    BuyerFactory,
    MembershipFactory,
    OfferingFactory,
    SupplierFactory,
    VerifiedUserFactory,
)
from tests.test_enterprises_listing import CREATE, image_upload, listing_post

PASSWORD = "Un-mot-de-passe-bien-long-2026"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


# --- An invitation opened while logged out ---


@pytest.fixture
def invitation(db, django_capture_on_commit_callbacks):
    listing = SupplierFactory(name="Atelier du Fjord")
    owner = MembershipFactory(supplier=listing).user
    with django_capture_on_commit_callbacks(execute=True):
        return services.invitation_create(supplier=listing, by=owner, email="comptable@fjord.example")


def test_an_invitation_carries_a_new_colleague_through_sign_up_to_the_acceptance_page(
    client, invitation, django_capture_on_commit_callbacks
):
    accept_url = reverse("enterprises:invitation_accept", args=[invitation.token])
    welcome = client.get(accept_url)
    assertContains(welcome, "Invitation à gérer une fiche")
    assertContains(welcome, "comptable@fjord.example")
    signup_url = welcome.context["signup_url"]
    # The sign-up form comes filled with the invited address.
    assertContains(client.get(signup_url), 'value="comptable@fjord.example"')
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            signup_url, {"email": "comptable@fjord.example", "password1": PASSWORD, "password2": PASSWORD}
        )
    assert response.status_code == 302
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["comptable@fjord.example"]
    # Confirming the address logs the person in and brings them back to the invitation.
    response = client.post(link_in(confirmation))
    assert response["Location"] == accept_url
    assertContains(client.get(accept_url), "Atelier du Fjord")
    client.post(accept_url)
    assert Membership.objects.filter(
        user__email="comptable@fjord.example", supplier=invitation.supplier
    ).exists()


def test_an_invitation_carries_an_existing_account_through_log_in(client, invitation):
    VerifiedUserFactory(email="comptable@fjord.example")
    accept_url = reverse("enterprises:invitation_accept", args=[invitation.token])
    login_url = client.get(accept_url).context["login_url"]
    response = client.post(
        login_url, {"login": "comptable@fjord.example", "password": "motdepasse-solide-2026"}
    )
    assert response["Location"] == accept_url


def test_an_expired_invitation_says_so_to_a_visitor(client, invitation):
    from django.utils import timezone

    type(invitation).objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = client.get(reverse("enterprises:invitation_accept", args=[invitation.token]))
    assertContains(response, "a expiré", status_code=410)
    assertNotContains(response, "Créer mon compte avec cette adresse", status_code=410)


# --- Each kind of user lands in their own space ---


def test_confirming_the_address_logs_in_and_lands_in_the_enterprise_space(client, db):
    client.post(
        reverse("account_signup"),
        {"email": "nouvelle@coop.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    response = client.post(link_in(mail.outbox[-1]))
    assert response["Location"] == reverse("enterprises:dashboard")
    assert client.get(reverse("enterprises:dashboard")).status_code == 200


def test_a_confirmation_link_opened_in_another_browser_does_not_log_in(client, db):
    from django.test import Client

    client.post(
        reverse("account_signup"),
        {"email": "nouvelle@coop.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    other_browser = Client()
    other_browser.post(link_in(mail.outbox[-1]))
    assert "_auth_user_id" not in other_browser.session


@pytest.mark.parametrize(
    ("kind", "space"),
    [("enterprise", "enterprises:dashboard"), ("staff", "admin:index"), ("buyer", "buyers:home")],
)
def test_logging_in_sends_each_kind_of_user_to_their_own_space(client, db, kind, space):
    if kind == "buyer":
        user = BuyerFactory().user
    else:
        user = VerifiedUserFactory(is_staff=kind == "staff")
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "motdepasse-solide-2026"}
    )
    assert response["Location"] == reverse(space)


# --- A submitted listing ---


@pytest.fixture
def submitted(db):
    draft = SupplierFactory(
        name="Coop soumise", status=Status.DRAFT, description_fr="Ce que nous avons envoyé."
    )
    OfferingFactory(supplier=draft, title="Déneigement de stationnements")
    member = MembershipFactory(supplier=draft).user
    services.listing_submit(supplier=draft, user=member)
    return draft, member


def test_a_submitted_listing_shows_what_was_sent_and_can_be_withdrawn_to_fix_a_typo(client, submitted):
    listing, member = submitted
    client.force_login(member)
    url = reverse("enterprises:listing_edit", args=[listing.pk])
    page = client.get(url)
    assertContains(page, "Version soumise")
    assertContains(page, "Ce que nous avons envoyé.")
    assertContains(page, "Déneigement de stationnements")
    assertContains(page, reverse("enterprises:revision_withdraw", args=[listing.pk]))
    client.post(reverse("enterprises:revision_withdraw", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.status == Status.DRAFT
    assert "form" in client.get(url).context


def test_the_dashboards_main_action_is_the_next_useful_one(client, submitted):
    listing, member = submitted
    client.force_login(member)
    html = client.get(reverse("enterprises:dashboard")).content.decode()
    main = re.findall(r'<a class="button" href="([^"]+)"', html)
    assert main == [reverse("enterprises:listing_edit", args=[listing.pk])]
    assert "Voir la version soumise" in html
    # Someone with a listing is not pushed to create another one.
    assert f'class="button" href="{CREATE}"' not in html
    newcomer = VerifiedUserFactory()
    client.force_login(newcomer)
    html = client.get(reverse("enterprises:dashboard")).content.decode()
    assert re.findall(r'<a class="button" href="([^"]+)"', html) == [CREATE]


# --- The listing form ---


def test_a_chosen_logo_is_kept_across_a_validation_error(client, db):
    client.force_login(VerifiedUserFactory())
    response = client.post(CREATE, listing_post(description_fr="", logo=image_upload("mon-logo.jpg")))
    assert response.status_code == 200
    assertContains(response, "Logo choisi : mon-logo.jpg")
    kept = response.context["form"].data["logo_kept"]
    assert kept
    response = client.post(CREATE, listing_post(logo_kept=kept))
    assert response.status_code == 302
    assert Supplier.objects.get().logo.name.endswith(".jpg")


def test_someone_elses_kept_logo_cannot_be_used(client, db):
    client.force_login(VerifiedUserFactory())
    kept = (
        client.post(CREATE, listing_post(description_fr="", logo=image_upload()))
        .context["form"]
        .data["logo_kept"]
    )
    client.force_login(VerifiedUserFactory())
    client.post(CREATE, listing_post(logo_kept=kept))
    assert not Supplier.objects.get().logo


def test_blank_extra_offerings_are_not_marked_required_and_the_first_one_is(client, db):
    client.force_login(VerifiedUserFactory())
    html = client.get(CREATE).content.decode()
    first = re.search(r'<label for="id_offres-0-title">(.*?)</label>', html, re.S).group(1)
    extra = re.search(r'<label for="id_offres-1-title">(.*?)</label>', html, re.S).group(1)
    assert "(obligatoire)" in first
    assert "(obligatoire)" not in extra


def test_the_employees_field_offers_words_not_dashes(client, db):
    client.force_login(VerifiedUserFactory())
    response = client.get(CREATE)
    assertNotContains(response, "---------")
    assertContains(response, '<option value="" selected>Non précisé</option>')


def test_adding_an_offering_works_without_javascript_and_keeps_what_was_typed(client, db):
    client.force_login(VerifiedUserFactory())
    response = client.post(CREATE, listing_post(action="add_offering", name="Nom gardé"))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 3
    assert formset.forms[0]["title"].value() == "Entretien ménager de bureaux"
    assertContains(response, 'value="Nom gardé"')
    assertNotContains(response, "Le formulaire contient des erreurs")
    assert "autofocus" in str(formset.forms[-1]["title"])
    assert not Supplier.objects.exists()
    # The new row is taken as an extra row: left blank, it is ignored.
    data = listing_post(
        **{
            "offres-TOTAL_FORMS": "3",
            "offres-2-kind": "service",
            "offres-2-title": "",
            "offres-2-category": "",
        }
    )
    assert client.post(CREATE, data).status_code == 302


def test_errors_take_the_focus_to_the_summary(client, db):
    client.force_login(VerifiedUserFactory())
    response = client.post(CREATE, listing_post(description_fr=""))
    assertContains(response, '<div class="error-summary" role="alert" tabindex="-1" autofocus>')

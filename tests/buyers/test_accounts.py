"""Buyer accounts: a sign-up of their own (allauth's account and verification), active at once in an owned
domain, otherwise pending until staff approve or refuse, with an email either way."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from buyers.models import Buyer, BuyerOrganisation, BuyerStatus
from tests.factories import BuyerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-bien-long-2026"
SIGNUP = reverse("buyers:signup")


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def sign_up(client, **overrides):
    data = {
        "email": "julie.gagnon@cisss-at.gouv.qc.ca",
        "first_name": "Julie",
        "last_name": "Gagnon",
        "job_title": "Conseillère en approvisionnement",
        "organisation": "CISSS de l'Abitibi-Témiscamingue",
        "organisation_kind": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(SIGNUP, data)


def confirm(client, email):
    message = next(message for message in mail.outbox if message.to == [email])
    return client.post(link_in(message))


def test_the_sign_up_page_is_separate_from_the_enterprise_one(client, db):
    response = client.get(SIGNUP)
    assertContains(response, "Créer un compte acheteur")
    assertContains(response, 'name="organisation"')
    assertContains(response, "<datalist")
    assertNotContains(client.get(reverse("account_signup")), 'name="organisation"')


def test_an_address_in_an_owned_domain_makes_the_buyer_active_once_confirmed(client, organisation_a):
    response = sign_up(client, organisation="un autre nom")
    assert response.status_code == 302
    buyer = Buyer.objects.select_related("user").get()
    # The domain decides the organisation, whatever name was typed.
    assert buyer.organisation == organisation_a
    assert buyer.status == BuyerStatus.PENDING
    assert buyer.user.get_full_name() == "Julie Gagnon"
    assert not EmailAddress.objects.get(user=buyer.user).verified

    response = confirm(client, "julie.gagnon@cisss-at.gouv.qc.ca")

    buyer.refresh_from_db()
    assert buyer.status == BuyerStatus.ACTIVE
    # After confirming, the buyer is sent to the buyers' space (through the log-in page when not logged in).
    assertRedirects(response, reverse("buyers:home"), fetch_redirect_response=False)
    client.post(reverse("account_login"), {"login": buyer.user.email, "password": PASSWORD})
    assertContains(client.get(reverse("buyers:home")), "Listes restreintes récentes")


def test_another_address_is_pending_after_confirmation_and_staff_are_told(
    client, organisation_a, curator, django_capture_on_commit_callbacks
):
    sign_up(client, email="julie.gagnon@gmail.com", organisation="cisss de l'abitibi-témiscamingue")
    buyer = Buyer.objects.get()
    assert buyer.organisation == organisation_a

    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, "julie.gagnon@gmail.com")

    buyer.refresh_from_db()
    assert buyer.status == BuyerStatus.PENDING
    to_staff = [message for message in mail.outbox if message.to == [curator.email]]
    assert len(to_staff) == 1
    assert "julie.gagnon@gmail.com" in to_staff[0].body
    assert reverse("admin:buyers_buyer_change", args=[buyer.pk]) in to_staff[0].body
    client.force_login(buyer.user)
    assertContains(client.get(reverse("buyers:home")), "attend l'approbation")


def test_an_unknown_organisation_is_created_with_its_kind(client, db):
    response = sign_up(
        client,
        email="achats@ville.amos.qc.ca",
        organisation="Ville d'Amos",
        organisation_kind="municipal",
        organisation_region="08",
    )
    assert response.status_code == 302
    organisation = BuyerOrganisation.objects.get(name="Ville d'Amos")
    assert (organisation.kind, organisation.region_id) == ("municipal", "08")
    assert Buyer.objects.get().organisation == organisation


def test_an_unknown_organisation_needs_its_kind_and_the_form_keeps_what_was_typed(client, db):
    response = sign_up(
        client, email="achats@ville.amos.qc.ca", organisation="Ville d'Amos", job_title="Acheteuse"
    )
    assert response.status_code == 200
    assertContains(response, "précisez de quel type il est")
    assertContains(response, 'value="Ville d&#x27;Amos"')
    assertContains(response, 'value="Acheteuse"')
    assertContains(response, 'value="achats@ville.amos.qc.ca"')
    assert not get_user_model().objects.exists()
    assert not BuyerOrganisation.objects.exists()


def test_a_buyer_logging_in_lands_in_the_buyers_space(client, buyer_a):
    response = client.post(
        reverse("account_login"), {"login": buyer_a.user.email, "password": "motdepasse-solide-2026"}
    )
    assertRedirects(response, reverse("buyers:home"), fetch_redirect_response=False)


def test_an_enterprise_member_logging_in_does_not(client, member):
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "motdepasse-solide-2026"}
    )
    assert response["Location"] != reverse("buyers:home")


def test_staff_approve_a_pending_buyer_who_is_told_by_email(
    client, curator, pending_buyer, django_capture_on_commit_callbacks
):
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:buyers_buyer_changelist"),
            {"action": "approve", "_selected_action": [pending_buyer.pk]},
        )
    assert response.status_code == 302
    pending_buyer.refresh_from_db()
    assert pending_buyer.status == BuyerStatus.ACTIVE
    assert pending_buyer.decided_by == curator
    assert [message.to for message in mail.outbox] == [[pending_buyer.user.email]]
    assert "approuvé" in mail.outbox[0].subject


def test_staff_refuse_with_a_reason_the_buyer_receives(
    client, curator, pending_buyer, django_capture_on_commit_callbacks
):
    client.force_login(curator)
    changelist = reverse("admin:buyers_buyer_changelist")
    # First the action asks for the reason; nothing is decided yet.
    response = client.post(changelist, {"action": "refuse", "_selected_action": [pending_buyer.pk]})
    assertContains(response, "Motif du refus")
    pending_buyer.refresh_from_db()
    assert pending_buyer.status == BuyerStatus.PENDING
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            changelist,
            {
                "action": "refuse",
                "_selected_action": [pending_buyer.pk],
                "reason": "Adresse personnelle, organisme non confirmé.",
            },
        )
    pending_buyer.refresh_from_db()
    assert pending_buyer.status == BuyerStatus.REFUSED
    assert pending_buyer.status_reason == "Adresse personnelle, organisme non confirmé."
    assert [message.to for message in mail.outbox] == [[pending_buyer.user.email]]
    assert "Adresse personnelle, organisme non confirmé." in mail.outbox[0].body


def test_the_admin_does_not_let_staff_set_a_status_without_the_decision(client, curator, pending_buyer):
    client.force_login(curator)
    url = reverse("admin:buyers_buyer_change", args=[pending_buyer.pk])
    client.post(
        url,
        {
            "user": pending_buyer.user.pk,
            "organisation": pending_buyer.organisation.pk,
            "job_title": "x",
            "status": "active",
        },
    )
    pending_buyer.refresh_from_db()
    assert pending_buyer.status == BuyerStatus.PENDING


def test_staff_manage_organisations_and_their_domains_in_the_admin(client, curator):
    client.force_login(curator)
    response = client.post(
        reverse("admin:buyers_buyerorganisation_add"),
        {
            "name": "MRC d'Abitibi",
            "kind": "municipal",
            "region": "08",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-0-domain": "mrcabitibi.qc.ca",
        },
    )
    assert response.status_code == 302
    organisation = BuyerOrganisation.objects.get(name="MRC d'Abitibi")
    assert list(organisation.domains.values_list("domain", flat=True)) == ["mrcabitibi.qc.ca"]


@pytest.mark.parametrize("status", [BuyerStatus.PENDING, BuyerStatus.REFUSED])
def test_a_buyer_not_active_sees_their_status_not_the_workspace(client, status, organisation_a):
    buyer = BuyerFactory(organisation=organisation_a, status=status, status_reason="Organisme inconnu.")
    client.force_login(buyer.user)
    response = client.get(reverse("buyers:home"))
    assertNotContains(response, "Listes restreintes récentes")
    assert client.get(reverse("buyers:shortlist_list")).status_code == 403
    if status == BuyerStatus.REFUSED:
        assertContains(response, "Organisme inconnu.")

"""Accounts: sign-up with email as the login, verification, log in and out, password reset, lockout."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertTemplateUsed

from tests.factories import UserFactory, VerifiedUserFactory

PASSWORD = "motdepasse-solide-2026"
LOGIN = reverse("account_login")


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_then_verify_email_then_reach_the_enterprise_space(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "Nouvelle@Coop.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get()
    assert user.email == "nouvelle@coop.example"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvelle@coop.example"]
    assert "Confirmez votre adresse courriel" in mail.outbox[0].subject
    assert "example.com" not in mail.outbox[0].body

    # Mandatory verification: logging in before confirming only re-sends the confirmation.
    response = client.post(LOGIN, {"login": "nouvelle@coop.example", "password": PASSWORD})
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("enterprises:dashboard")).status_code == 302

    confirm_url = link_in(mail.outbox[0])
    assertContains(client.get(confirm_url), "Confirmer l'adresse courriel")
    client.post(confirm_url)
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(LOGIN, {"login": "nouvelle@coop.example", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("enterprises:listing_create")).status_code == 200


def test_sign_up_with_bad_input_keeps_the_email(client, db):
    response = client.post(
        reverse("account_signup"), {"email": "nouvelle@coop.example", "password1": "123", "password2": "456"}
    )
    assert response.status_code == 200
    assertContains(response, 'value="nouvelle@coop.example"')
    assertContains(response, 'aria-invalid="true"')
    assert not get_user_model().objects.exists()


def test_log_in_page_links_to_the_password_reset_in_french(client, db):
    # The account pages' layout (base.html, one h1, both languages) is checked with every page in test_i18n.py.
    response = client.get(LOGIN)
    assertContains(response, f'href="{reverse("account_reset_password")}"')
    assertContains(response, "Mot de passe oublié?")


def test_log_in_and_out(client, db):
    user = VerifiedUserFactory(email="membre@coop.example")
    response = client.post(LOGIN, {"login": "membre@coop.example", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("enterprises:dashboard")).wsgi_request.user == user
    assertContains(client.get(reverse("account_logout")), "Voulez-vous vraiment vous déconnecter?")
    client.post(reverse("account_logout"))
    assert client.get(reverse("enterprises:dashboard")).status_code == 302


def test_wrong_password_gives_a_message(client, db):
    VerifiedUserFactory(email="membre@coop.example")
    response = client.post(LOGIN, {"login": "membre@coop.example", "password": "mauvais"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assertContains(response, 'value="membre@coop.example"')


def test_password_reset(client, db):
    VerifiedUserFactory(email="membre@coop.example")
    response = client.post(reverse("account_reset_password"), {"email": "membre@coop.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Choisir un nouveau mot de passe" in mail.outbox[0].subject
    reset_url = link_in(mail.outbox[0])
    response = client.get(reset_url, follow=True)
    assertContains(response, "Choisir un nouveau mot de passe")
    action = response.context["action_url"]
    new_password = "un-tout-nouveau-secret-2026"
    response = client.post(action, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    response = client.post(LOGIN, {"login": "membre@coop.example", "password": new_password})
    assert response.status_code == 302
    assert response["Location"] != reverse("account_email_verification_sent")


def test_invalid_reset_link_says_so(client, db):
    response = client.get(
        reverse("account_reset_password_from_key", args=["abc", "mauvaise-cle"]), follow=True
    )
    assertContains(response, "Lien non valide")


@pytest.mark.parametrize("failures", [5])
def test_repeated_failed_logins_lock_the_account_out(client, db, settings, failures):
    assert settings.AXES_FAILURE_LIMIT == failures
    VerifiedUserFactory(email="membre@coop.example")
    for _ in range(failures - 1):
        response = client.post(LOGIN, {"login": "membre@coop.example", "password": "mauvais"})
        assert response.status_code == 200
    response = client.post(LOGIN, {"login": "membre@coop.example", "password": "mauvais"})
    assert response.status_code == 429
    assertTemplateUsed(response, "account/lockout.html")
    # Even the right password is refused while locked out.
    response = client.post(LOGIN, {"login": "membre@coop.example", "password": PASSWORD})
    assert response.status_code == 429
    assertContains(response, "Connexion temporairement bloquée", status_code=429)
    assertContains(response, "Réessayez dans 1\xa0heure", status_code=429)
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account(client, db):
    VerifiedUserFactory(email="membre@coop.example")
    VerifiedUserFactory(email="autre@coop.example")
    for _ in range(5):
        client.post(LOGIN, {"login": "membre@coop.example", "password": "mauvais"})
    response = client.post(LOGIN, {"login": "autre@coop.example", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_unverified_account_created_elsewhere_must_confirm_before_submitting(client, db):
    user = UserFactory(email="importe@coop.example")
    client.force_login(user)
    response = client.get(reverse("enterprises:dashboard"))
    assertContains(response, "Confirmez votre adresse courriel")

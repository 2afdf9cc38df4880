"""The site as a newcomer meets it: one name per language, emails whose links and sender follow the configured
site and the reader's language, the words of the account pages, French plurals, the favicon and the 404 page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from enterprises import services
from tests.factories import MembershipFactory, SupplierFactory, VerifiedUserFactory

BASE_DIR = Path(settings.BASE_DIR)
FRENCH_NAME = "Répertoire des fournisseurs d'économie sociale"
ENGLISH_NAME = "Directory of social economy suppliers"


def use_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- Links in the site's own emails ---


def test_email_links_are_built_from_the_configured_site(db, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://repertoire.exemple.gouv.qc.ca:8443"
    membership = MembershipFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            supplier=membership.supplier, by=membership.user, email="collegue@coop.example"
        )
    links = re.findall(r"https?://\S+", mail.outbox[0].body)
    assert links and all(link.startswith("https://repertoire.exemple.gouv.qc.ca:8443/") for link in links)


def test_demo_banner_prints_the_address_make_run_serves(db, settings, capsys):
    settings.SITE_URL = "http://127.0.0.1:8123"
    call_command("create_demo_staff")
    assert "http://127.0.0.1:8123/admin/" in capsys.readouterr().out


# --- One name per language ---


@pytest.mark.parametrize(("language", "name"), [("fr", FRENCH_NAME), ("en", ENGLISH_NAME)])
def test_account_emails_come_from_the_site_name_in_the_readers_language(client, db, language, name):
    VerifiedUserFactory(email="membre@coop.example")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post(reverse("account_reset_password"), {"email": "membre@coop.example"})
    message = mail.outbox[0]
    assert message.from_email == f'"{name}" <{settings.DEFAULT_FROM_EMAIL}>'
    assert "Répertoire" not in message.subject if language == "en" else "[" not in message.subject
    assert message.body.rstrip().endswith(name)
    rendered = message.message()["From"]
    assert "no-reply@localhost" in rendered


def test_enterprise_emails_come_from_the_site_name(db, django_capture_on_commit_callbacks):
    membership = MembershipFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            supplier=membership.supplier, by=membership.user, email="collegue@coop.example"
        )
    message = mail.outbox[0]
    assert message.from_email.startswith(f'"{FRENCH_NAME}"')
    assert not message.subject.startswith("[")
    assert message.body.rstrip().endswith(FRENCH_NAME)


def test_pages_and_admin_carry_the_same_name(client, db, curator):
    assertContains(client.get(reverse("home")), FRENCH_NAME.replace("'", "&#x27;"))
    use_english(client)
    assertContains(client.get(reverse("home")), ENGLISH_NAME)
    client.force_login(curator)
    assertContains(client.get(reverse("admin:index")), ENGLISH_NAME)


OTHER_NAMES = re.compile(
    r"Répertoire ÉS|Répertoire de l.économie sociale|Administration du répertoire|"
    r"Répertoire des fournisseurs d.économie sociale",
)


def test_the_site_name_is_written_in_one_place_only():
    allowed = {BASE_DIR / "directory" / "site.py"}
    offenders = []
    for folder in ["templates", "directory", "accounts", "suppliers", "enterprises", "buyers"]:
        for path in (BASE_DIR / folder).rglob("*"):
            if (
                path.suffix in {".html", ".txt", ".py"}
                and path not in allowed
                and "migrations" not in path.parts
            ):
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    if OTHER_NAMES.search(line):
                        offenders.append(f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()[:100]}")
    assert offenders == [], "write {% site_name %} (directory/site.py) instead"


# --- Words ---


def test_french_says_zero_in_the_singular(client, db):
    with translation.override("fr"):
        assert translation.ngettext(
            "%(number)s fournisseur trouvé", "%(number)s fournisseurs trouvés", 0
        ) == ("%(number)s fournisseur trouvé")
    response = client.get(reverse("suppliers:search"), {"q": "xylophone"})
    assertContains(response, "0 fournisseur trouvé")
    assertNotContains(response, "0 fournisseurs trouvés")


def read_plural_msgids(path: Path) -> dict[str, tuple[str, str]]:
    from directory.catalogues import read_po

    return {
        entry["msgid"]: (entry["msgstr"][0], entry["msgstr"][1])
        for entry in read_po(path)
        if "msgid_plural" in entry
    }


def test_french_catalogue_has_every_plural_of_the_project():
    english = read_plural_msgids(BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po")
    french = read_plural_msgids(BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    missing = sorted(set(english) - set(french))
    assert missing == [], "add these plurals to locale/fr/LC_MESSAGES/django.po, then `make messages`"


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_french_account_pages_say_courriel(client, db, url_name):
    html = client.get(reverse(url_name)).content.decode()
    assert "courriel" in html.lower()
    assert "e-mail" not in html.lower()


def test_french_account_management_pages_say_courriel(client, db):
    user = VerifiedUserFactory()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    for url_name in ["account_email", "account_change_password"]:
        html = client.get(reverse(url_name)).content.decode()
        assert "e-mail" not in html.lower(), url_name


def test_sign_up_asks_to_confirm_the_password_in_plain_words(client, db):
    response = client.get(reverse("account_signup"))
    assertContains(response, "Confirmer le mot de passe")
    assertNotContains(response, "(confirmation)")


def test_log_in_page_offers_the_forgotten_password_link_once(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert html.count(reverse("account_reset_password")) == 1
    assert html.lower().count("oublié") == 1


def test_english_active_filters_use_english_punctuation(client, db):
    SupplierFactory(regions=["03"])
    use_english(client)
    html = client.get(reverse("suppliers:search"), {"region": "03"}).content.decode()
    assert "Region served: Capitale-Nationale" in html
    assert " : " not in re.sub(r"<[^>]+>", "", html.split('class="active-filters"')[1].split("</ul>")[0])


def test_english_error_summary_uses_english_punctuation(client, db):
    use_english(client)
    html = client.get(reverse("suppliers:search"), {"region": "99"}).content.decode()
    summary = html.split('id="error-summary-title"')[1].split("</ul>")[0]
    assert " : " not in summary and ": " in summary


# --- Favicon and the 404 page of `make run` ---


def test_favicon_ico_leads_to_the_sites_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico") and response["Location"].startswith(
        settings.STATIC_URL
    )


@pytest.mark.parametrize("path", ["/cette-page-n-existe-pas/", "/fournisseurs/1100000000/"])
def test_make_run_shows_the_projects_404_page_not_djangos(client, db, settings, path):
    # `make run` serves with DEBUG on: a mistyped address and a missing supplier both get the site's page.
    settings.DEBUG = True
    response = client.get(path)
    assert response.status_code == 404
    assertContains(response, "Page introuvable", status_code=404)
    assertNotContains(response, "URLconf", status_code=404)
    assertContains(response, 'class="skip-link"', status_code=404)


def test_djangos_technical_404_page_can_be_asked_for(client, db, settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_404 = True
    response = client.get("/cette-page-n-existe-pas/")
    assertContains(response, "URLconf", status_code=404)

"""French first, English complete: the language switch, the default language and the translation catalogue."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from directory.catalogues import read_po
from suppliers.validators import validate_neq
from tests.factories import SupplierFactory

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def use_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_pages_are_in_french_by_default(client, db):
    response = client.get(reverse("home"))
    assertContains(response, '<html lang="fr">')
    assertContains(response, "Passer au contenu principal")
    assert response["Content-Language"] == "fr"


def test_browser_language_does_not_switch_the_site_to_english(client, db):
    # French first: only an explicit choice on the site itself changes the language.
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-CA,en;q=0.9")
    assertContains(response, '<html lang="fr">')


def test_english_is_available_with_the_language_cookie(client, db):
    use_english(client)
    response = client.get(reverse("home"))
    assertContains(response, '<html lang="en">')
    assertContains(response, "Skip to main content")
    assertNotContains(response, "Passer au contenu principal")
    assert response["Content-Language"] == "en"


def test_unknown_language_in_cookie_falls_back_to_french(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get(reverse("home"))
    assertContains(response, '<html lang="fr">')


def test_language_switch_keeps_the_user_on_the_same_page(client, db):
    supplier = SupplierFactory()
    page = supplier.get_absolute_url() + "?retour=1"
    response = client.get(page)
    assertContains(response, f'name="next" value="{page}"')

    response = client.post(reverse("set_language"), {"language": "en", "next": page})
    assertRedirects(response, page, fetch_redirect_response=False)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert int(response.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"]) >= 30 * 24 * 60 * 60, "remembered"

    response = client.get(page)
    assertContains(response, '<html lang="en">')

    response = client.post(reverse("set_language"), {"language": "fr", "next": page})
    assertRedirects(response, page, fetch_redirect_response=False)
    assertContains(client.get(page), '<html lang="fr">')


def test_language_switch_does_not_redirect_off_site(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://exemple.com/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_validation_messages_are_translated():
    with pytest.raises(ValidationError) as raised:
        validate_neq("123")
    # The message is lazy: it is translated when it is read, in the language active then.
    with translation.override("fr"):
        assert raised.value.messages == ["Le NEQ doit compter exactement 10 chiffres (reçu : « 123 »)."]
    with translation.override("en"):
        assert raised.value.messages == ["The NEQ must have exactly 10 digits (received: “123”)."]


def test_django_form_errors_follow_the_language(client, db):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    assertContains(response, "Ce champ est obligatoire.")
    use_english(client)
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    assertContains(response, "This field is required.")


def test_supplier_description_is_shown_in_english_when_it_exists(client, db):
    supplier = SupplierFactory(
        description_fr="Traiteur coopératif pour les cafétérias.",
        description_en="Cooperative caterer for cafeterias.",
    )
    use_english(client)
    response = client.get(supplier.get_absolute_url())
    assertContains(response, "Cooperative caterer for cafeterias.")
    assert re.search(r'lang="en">\s*<p>Cooperative caterer', response.content.decode())
    assertNotContains(response, "Traiteur coopératif pour les cafétérias.")


def test_supplier_description_falls_back_to_french_without_an_english_version(client, db):
    supplier = SupplierFactory(description_fr="Déneigement et entretien paysager.", description_en="")
    use_english(client)
    response = client.get(supplier.get_absolute_url())
    assertContains(response, '<html lang="en">')
    assertContains(response, "Déneigement et entretien paysager.")
    # The French text inside the English page says so, for screen readers' pronunciation (WCAG 3.1.2).
    assert re.search(r'lang="fr">\s*<p>Déneigement et entretien paysager\.', response.content.decode())


def test_supplier_description_stays_french_in_french(client, db):
    supplier = SupplierFactory(
        description_fr="Imprimerie solidaire.", description_en="Solidarity print shop."
    )
    response = client.get(supplier.get_absolute_url())
    assertContains(response, "Imprimerie solidaire.")
    assertNotContains(response, "Solidarity print shop.")


def test_footer_links_to_privacy_policy_and_accessibility_statement(client, db):
    response = client.get(reverse("home"))
    assertContains(response, f'href="{reverse("privacy")}"')
    assertContains(response, f'href="{reverse("accessibility")}"')


def test_privacy_policy_gives_the_privacy_officer_contact(client, db, settings):
    settings.PRIVACY_OFFICER_EMAIL = "rprp@exemple.gouv.qc.ca"
    response = client.get(reverse("privacy"))
    assertContains(response, 'href="mailto:rprp@exemple.gouv.qc.ca"')


# --- The catalogue in the repository: complete, and compiled (``make run`` needs no gettext tools). ---


def test_english_catalogue_is_complete():
    entries = [entry for entry in read_po(LOCALE_DIR / "django.po") if entry["msgid"]]
    assert len(entries) > 50
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    untranslated = [entry["msgid"] for entry in entries if not all(entry["msgstr"].values())]
    assert fuzzy == [], "Fuzzy entries left in locale/en/LC_MESSAGES/django.po"
    assert untranslated == [], "Untranslated entries in locale/en/LC_MESSAGES/django.po"


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE_DIR / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in read_po(LOCALE_DIR / "django.po"):
        if not entry["msgid"]:
            continue
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            for index, text in entry["msgstr"].items():
                assert compiled.ngettext(msgid, entry["msgid_plural"], 1 if index == 0 else 2) == text, (
                    "django.mo is out of date: run `make messages` then compilemessages"
                )
        else:
            assert compiled.gettext(msgid) == entry["msgstr"][0], (
                f"django.mo is out of date for {entry['msgid']!r}: run compilemessages"
            )


# --- Every page built on base.html: one h1, the skip link, landmarks and the language switch, in both languages.

PUBLIC_PAGES = [
    "home",
    "suppliers:search",
    "privacy",
    "accessibility",
    "account_login",
    "account_signup",
    "account_reset_password",
]
MEMBER_PAGES = ["enterprises:dashboard", "enterprises:listing_create", "enterprises:claim_lookup"]


def assert_common_layout(response, language, status_code=200):
    html = response.content.decode()
    assert response.status_code == status_code
    assert f'<html lang="{language}">' in html
    assert html.count("<h1") == 1, "exactly one h1"
    assert html.count("<main") == 1 and "<header" in html and "<footer" in html
    assert 'class="skip-link" href="#contenu"' in html and 'id="contenu"' in html
    other = "en" if language == "fr" else "fr"
    assert f'name="language" value="{other}" lang="{other}"' in html, "the language switch"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_pages_share_the_accessible_layout(client, db, url_name, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert_common_layout(client.get(reverse(url_name)), language)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("url_name", MEMBER_PAGES)
def test_enterprise_pages_share_the_accessible_layout(client, db, url_name, language):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert_common_layout(client.get(reverse(url_name)), language)


def test_supplier_page_shares_the_accessible_layout(client, db):
    supplier = SupplierFactory()
    assert_common_layout(client.get(supplier.get_absolute_url()), "fr")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_page_not_found_uses_the_layout_in_the_chosen_language(client, db, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert_common_layout(response, language, status_code=404)
    with translation.override(language):
        assertContains(response, translation.gettext("Page introuvable"), status_code=404)


def test_server_error_page_renders_without_a_request_context(rf):
    from django.views.defaults import server_error

    with translation.override("fr"):
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr">' in html and html.count("<h1") == 1

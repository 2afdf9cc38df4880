"""The three journeys of the issue, each once in French and once in English, in a real browser.

The English runs start in French and switch with the language switch, as a visitor would. axe-core also checks
the pages met on the way that the page-by-page accessibility tests do not cover.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from suppliers.models import Status, Supplier

from .conftest import LANGUAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGE_BUTTON = {"en": "English", "fr": "Français"}


def choose_language(page, language):
    """Use the header's language switch; the page stays the same, now in ``language``."""
    assert page.locator("html").get_attribute("lang") == "fr", "pages open in French first"
    if language == "fr":
        return
    before = page.url
    page.get_by_role("button", name=LANGUAGE_BUTTON[language]).click()
    page.wait_for_function(f"() => document.documentElement.lang === '{language}'")
    assert page.url == before, "the language switch keeps the user on the same page"


def submit(page, locator):
    with page.expect_navigation():
        locator.click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_buyer_finds_a_supplier_by_text_and_region(page, catalogue, assert_accessible, language):
    page.goto(reverse("home"))
    choose_language(page, language)

    page.get_by_role("searchbox").fill("deneigement")  # without the accent: search folds accents
    submit(page, page.locator("main form[role=search] button[type=submit], main [role=search] button").first)
    assert "/recherche/" in page.url
    assert page.get_by_role("link", name="Coopérative de déneigement du Fjord").count() == 1
    assert page.get_by_role("link", name="Traiteur solidaire de la Capitale").count() == 0

    # Narrow to the region served, with the filter checkbox and the apply button.
    page.get_by_role("checkbox", name=re.compile("Saguenay–Lac-Saint-Jean")).check()
    submit(page, page.locator(".filters button[type=submit]:not(.button--secondary)"))
    assert "region=02" in page.url
    assert page.get_by_role("status").first.inner_text().strip().startswith("1 ")
    assert_accessible(page)

    submit(page, page.get_by_role("link", name="Coopérative de déneigement du Fjord"))
    assert page.url.endswith(catalogue["snow"].get_absolute_url())
    assert page.locator("h1").inner_text() == "Coopérative de déneigement du Fjord"
    main = page.locator("main").inner_text()
    if language == "en":
        assert "Snow removal for the parking lots and roofs of public buildings" in main
    else:
        assert "Déneigement des stationnements et des toitures d'édifices publics" in main
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_buyer_sees_french_content_when_no_english_version_exists(page, catalogue, language):
    page.goto(catalogue["caterer"].get_absolute_url())
    choose_language(page, language)
    assert "Service de traiteur pour réunions et colloques" in page.locator("main").inner_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_enterprise_signs_up_creates_a_listing_and_submits_it(page, assert_accessible, language):
    page.goto(reverse("home"))
    choose_language(page, language)
    email, password = f"direction-{language}@coop-neige.qc.ca", "Un-mot-de-passe-bien-long-2026"

    # Sign up from the main navigation.
    submit(page, page.locator(f".site-nav a[href='{reverse('account_signup')}']"))
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    submit(page, page.locator("main form button[type=submit]"))
    assert_accessible(page)  # "check your e-mail"

    # The confirmation e-mail is in the visitor's language and carries the verification link.
    sent = [message for message in mail.outbox if message.to == [email]]
    assert len(sent) == 1
    message = sent[0]
    assert ("confirm" if language == "en" else "confirmez") in message.subject.lower()
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert link, message.body
    page.goto(link.group(1))
    assert_accessible(page)  # the confirmation page
    # Confirming logs the person in and takes them to their enterprise space: no second log-in.
    submit(page, page.locator("main form button[type=submit]"))
    assert page.locator(".site-nav form[action*='logout'] button").count() == 1
    assert page.url.endswith(reverse("enterprises:dashboard"))

    # Create the listing from the enterprise dashboard.
    assert page.locator("html").get_attribute("lang") == language
    submit(page, page.locator(f"main a[href='{reverse('enterprises:listing_create')}']").first)
    page.locator("input[name=name]").fill("Coop de neige du Témiscouata")
    page.locator("input[name=neq]").fill("1100009999")
    page.locator("input[name=legal_form][value=non_profit]").check()
    page.locator("textarea[name=description_fr]").fill(
        "Déneigement de cours d'écoles et de stationnements municipaux."
    )
    page.locator("select[name=head_office_region]").select_option("01")
    page.locator("input[name=regions_served][value='01']").check()
    page.locator("select[name='offres-0-category']").select_option("entretien.deneigement")
    page.locator("input[name='offres-0-title']").fill("Déneigement de stationnements")
    submit(page, page.locator("main form .form-actions button[type=submit]").first)
    assert page.locator(".errorlist").count() == 0, page.locator("main").inner_text()
    supplier = Supplier.objects.get(neq="1100009999")
    assert supplier.status == Status.DRAFT
    assert_accessible(page)  # the draft, with its confirmation message

    # Submit it for review.
    submit(page, page.locator("main form button[type=submit][name=action][value=submit]"))
    assert page.url.endswith(reverse("enterprises:dashboard"))
    supplier.refresh_from_db()
    assert supplier.status == Status.PENDING
    with translation.override(language):
        assert str(Status.PENDING.label) in page.locator("main").inner_text()
    assert page.get_by_role("status").count() >= 1  # the confirmation message
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_reviews_a_submitted_listing_and_publishes_it(page, log_in, curator, enterprise_user, language):
    from enterprises import services
    from enterprises.models import Membership
    from tests.factories import OfferingFactory, SupplierFactory

    supplier = SupplierFactory(name="Recyclage solidaire de l'Estrie", neq="1100007777", status=Status.DRAFT)
    OfferingFactory(supplier=supplier, title="Collecte de matériel informatique")
    Membership.objects.create(user=enterprise_user, supplier=supplier)
    services.listing_submit(supplier=supplier, user=enterprise_user)
    assert Supplier.objects.get(pk=supplier.pk).status == Status.PENDING

    log_in(curator)
    page.goto(reverse("admin:index"))
    choose_language(page, language)  # the administration has the same language switch

    # The review queue lists the submitted listing; staff open it, read it and approve it.
    submit(page, page.locator("a[href$='/admin/enterprises/revision/']").first)
    submit(page, page.get_by_role("link", name=re.compile("Recyclage solidaire de l'Estrie")).first)
    assert "Recyclage solidaire de l'Estrie" in page.locator("#content").inner_text()
    submit(page, page.locator("button[name=_approve], input[name=_approve]"))
    assert page.locator(".messagelist .success").count() == 1
    if language == "en":
        assert "Change approved" in page.locator(".messagelist").inner_text()

    supplier.refresh_from_db()
    assert supplier.status == Status.PUBLISHED

    # The listing is now public.
    page.goto(supplier.get_absolute_url())
    assert page.locator("h1").inner_text() == "Recyclage solidaire de l'Estrie"


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_journey_pages_are_accessible(
    page, log_in, assert_accessible, curator, enterprise_user, language
):
    """axe-core on every admin page of the curator's journey; all pages are checked before the test fails, so the
    report lists every violation at once."""
    from enterprises import services
    from enterprises.models import Membership, Revision
    from tests.factories import OfferingFactory, SupplierFactory, VerifiedUserFactory

    supplier = SupplierFactory(name="Recyclage solidaire de l'Estrie", neq="1100007777", status=Status.DRAFT)
    OfferingFactory(supplier=supplier, title="Collecte de matériel informatique")
    Membership.objects.create(user=enterprise_user, supplier=supplier)
    revision = services.listing_submit(supplier=supplier, user=enterprise_user)
    claim = services.claim_request(
        user=VerifiedUserFactory(), neq=SupplierFactory(name="Atelier Côte-Nord").neq, message="Directrice."
    )
    violations = []

    def check(what):
        try:
            assert_accessible(page)
        except AssertionError as error:
            violations.append(f"{what}: {error}")

    log_in(curator)
    page.goto(reverse("admin:index"))
    choose_language(page, language)
    check("the administration's home")
    for what, url in [
        ("the supplier list", reverse("admin:suppliers_supplier_changelist") + "?status__exact=pending"),
        ("a supplier's change form", reverse("admin:suppliers_supplier_change", args=[supplier.pk])),
        ("the claims queue", reverse("admin:enterprises_claimrequest_changelist")),
        ("a claim's review page", reverse("admin:enterprises_claimrequest_change", args=[claim.pk])),
        ("the revisions queue", reverse("admin:enterprises_revision_changelist")),
        ("a revision's review page", reverse("admin:enterprises_revision_change", args=[revision.pk])),
    ]:
        page.goto(url)
        check(what)
    submit(page, page.locator("button[name=_approve], input[name=_approve]"))
    assert page.locator(".messagelist .success").count() == 1
    check("the revisions queue after an approval")
    assert Revision.objects.get(pk=revision.pk).status == "approved"
    assert not violations, "\n\n".join(violations)

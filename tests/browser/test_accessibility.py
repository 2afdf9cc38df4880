"""axe-core in Chromium over the main pages, in French and in English: zero WCAG 2.0/2.1 (and 2.2) A and AA
violations. Also the layout at narrow widths, the announced results count and the print style."""

import pytest
from django.urls import reverse

from .conftest import LANGUAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def open_page(page, path):
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"


def check_page_structure(page, language):
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1, "a page has exactly one h1"
    assert page.locator("main").count() == 1
    assert page.locator("header").count() >= 1
    assert page.locator("footer").count() >= 1
    assert page.locator("a.skip-link[href='#contenu']").count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page(page, use_language, assert_accessible, catalogue, language):
    use_language(language)
    open_page(page, reverse("home"))
    check_page_structure(page, language)
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_results(page, use_language, assert_accessible, catalogue, language):
    use_language(language)
    open_page(page, reverse("suppliers:search") + "?q=d%C3%A9neigement")
    check_page_structure(page, language)
    assert page.get_by_role("link", name="Coopérative de déneigement du Fjord").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_filtered_by_region(page, use_language, assert_accessible, catalogue, language):
    use_language(language)
    open_page(page, reverse("suppliers:search") + "?region=03&sector=alimentation")
    check_page_structure(page, language)
    assert page.get_by_role("link", name="Traiteur solidaire de la Capitale").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_without_results(page, use_language, assert_accessible, catalogue, language):
    use_language(language)
    open_page(page, reverse("suppliers:search") + "?q=xylophone&region=11")
    check_page_structure(page, language)
    assert page.locator("ol.results li").count() == 0
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_supplier_page(page, use_language, assert_accessible, catalogue, language):
    use_language(language)
    open_page(page, catalogue["snow"].get_absolute_url())
    check_page_structure(page, language)
    assert page.locator("h1").inner_text() == "Coopérative de déneigement du Fjord"
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_log_in_page(page, use_language, assert_accessible, language):
    use_language(language)
    open_page(page, reverse("account_login"))
    check_page_structure(page, language)
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_log_in_page_with_errors(page, use_language, assert_accessible, language):
    use_language(language)
    open_page(page, reverse("account_login"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 1
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_up_page(page, use_language, assert_accessible, language):
    use_language(language)
    open_page(page, reverse("account_signup"))
    check_page_structure(page, language)
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_up_page_with_errors(page, use_language, assert_accessible, language):
    use_language(language)
    open_page(page, reverse("account_signup"))
    page.locator("input[name=email]").fill("pas-un-courriel")
    page.locator("input[name=password1]").fill("court")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 1
    assert_accessible(page)


def test_the_accessibility_check_reports_violations(page, assert_accessible):
    # The check itself must be able to fail: an unlabelled field and pale text are reported, readably.
    page.set_content(
        '<html lang="fr"><head><title>Essai</title></head><body><main><h1>Essai</h1>'
        '<input type="text"><p style="color: #bbb">Texte trop pâle</p></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "color-contrast" in report and "label" in report and "Texte trop pâle" in report


@pytest.mark.parametrize("language", LANGUAGES)
def test_listing_form_with_errors(page, use_language, log_in, assert_accessible, enterprise_user, language):
    use_language(language)
    log_in(enterprise_user)
    open_page(page, reverse("enterprises:listing_create"))
    check_page_structure(page, language)
    page.locator("main form .form-actions button[type=submit]").first.click()
    page.wait_for_load_state()
    check_page_structure(page, language)
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 1, "the empty listing form shows errors"
    # Each invalid field, or the fieldset grouping its choices, points at its error message.
    for index in range(invalid.count()):
        described_by = invalid.nth(index).evaluate(
            "e => e.getAttribute('aria-describedby') || e.closest('fieldset[aria-describedby]')"
            "?.getAttribute('aria-describedby') || ''"
        )
        assert any(
            "error" in ident and page.locator(f"[id='{ident}']").count() == 1
            for ident in described_by.split()
        ), f"invalid field without a linked error: {invalid.nth(index).evaluate('e => e.outerHTML')}"
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_enterprise_dashboard(page, use_language, log_in, assert_accessible, enterprise_user, language):
    use_language(language)
    log_in(enterprise_user)
    open_page(page, reverse("enterprises:dashboard"))
    check_page_structure(page, language)
    assert_accessible(page)


@pytest.fixture
def listings_in_every_state(enterprise_user, curator):
    """The enterprise user's dashboard with a card in every status, pending and decided changes, colleagues,
    a claim in each decision state and an invitation: every piece of markup the dashboard can show."""
    from django.utils import timezone

    from enterprises import services
    from enterprises.models import ClaimRequest, DecisionStatus, Invitation, Membership, Revision
    from suppliers.models import Status
    from tests.factories import OfferingFactory, SupplierFactory, VerifiedUserFactory

    def listing(name, status, reason=""):
        supplier = SupplierFactory(name=name, status=status, status_reason=reason)
        OfferingFactory(supplier=supplier)
        Membership.objects.create(user=enterprise_user, supplier=supplier, role="owner")
        return supplier

    listing("Coop brouillon renvoyée", Status.DRAFT, reason="Le NEQ ne correspond pas au nom.")
    services.listing_submit(supplier=listing("Coop soumise", Status.DRAFT), user=enterprise_user)
    published = listing("Coop publiée", Status.PUBLISHED)
    published.mark_verified(by=curator)
    Membership.objects.create(
        user=VerifiedUserFactory(email="collegue@coop.example"), supplier=published, role="editor"
    )
    Revision.objects.create(
        supplier=published,
        data=services.listing_snapshot(published),
        submitted_by=enterprise_user,
        status=DecisionStatus.REFUSED,
        decided_by=curator,
        decided_at=timezone.now(),
        reason="Affirmations non vérifiables.",
    )
    data = {**services.listing_snapshot(published), "description_fr": "Nouvelle description."}
    services.revision_submit(
        supplier=published, user=enterprise_user, data=data, token=services.listing_edit_start(published)[1]
    )
    listing("Coop suspendue", Status.SUSPENDED, reason="Plainte reçue.")
    listing("Coop archivée", Status.ARCHIVED, reason="Entreprise dissoute.")
    for decision, reason in [(DecisionStatus.PENDING, ""), (DecisionStatus.REFUSED, "Aucune preuve.")]:
        claimed = SupplierFactory()
        ClaimRequest.objects.create(
            user=enterprise_user, neq=claimed.neq, supplier=claimed, status=decision, reason=reason
        )
    Invitation.objects.create(supplier=SupplierFactory(name="Coop qui invite"), email=enterprise_user.email)


@pytest.mark.parametrize("language", LANGUAGES)
def test_enterprise_dashboard_with_listings(
    page, use_language, log_in, assert_accessible, enterprise_user, listings_in_every_state, language
):
    use_language(language)
    log_in(enterprise_user)
    open_page(page, reverse("enterprises:dashboard"))
    check_page_structure(page, language)
    assert page.locator("article.listing-card").count() == 5
    for status in ["draft", "pending", "published", "suspended", "archived"]:
        assert page.locator(f".listing-card .status--{status}").count() == 1, status
    assert page.locator("ul.claims li.claim").count() == 2
    assert page.locator("#invitations-title").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url_name", ["privacy", "accessibility"])
def test_site_information_pages(page, use_language, assert_accessible, url_name, language):
    use_language(language)
    open_page(page, reverse(url_name))
    check_page_structure(page, language)
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 640])
def test_main_pages_fit_narrow_screens_without_horizontal_scrolling(page, catalogue, width):
    # 320 CSS px is a small phone or 1280 px at 400 % zoom; 640 px is 1280 px at 200 % zoom (WCAG 1.4.10).
    page.set_viewport_size({"width": width, "height": 800})
    for path in [
        reverse("home"),
        reverse("suppliers:search") + "?q=d%C3%A9neigement",
        reverse("suppliers:search") + "?region=03&sector=alimentation",
        catalogue["snow"].get_absolute_url(),
        reverse("account_signup"),
        reverse("privacy"),
    ]:
        open_page(page, path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls horizontally by {overflow} px at {width} px wide"


def test_search_results_count_is_announced(page, catalogue):
    open_page(page, reverse("suppliers:search") + "?q=d%C3%A9neigement")
    status = page.get_by_role("status")
    assert status.count() >= 1
    assert "1 fournisseur" in status.first.inner_text()
    # Screen readers read the page title first when the results page loads.
    assert page.title().startswith("1 fournisseur trouvé — ")


def test_supplier_page_prints_its_content_without_navigation(page, catalogue):
    open_page(page, catalogue["snow"].get_absolute_url())
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".language-switch").is_visible()
    assert page.locator("h1").is_visible()
    assert page.get_by_text("Déneigement des stationnements et des toitures").is_visible()
    # The printout says where and when the page was read, for the buyer's file.
    consulted = page.locator(".print-only")
    assert consulted.is_visible() and catalogue["snow"].get_absolute_url() in consulted.inner_text()
    page.emulate_media(media="screen")
    assert page.locator(".site-nav").is_visible()
    assert not consulted.is_visible()


def test_page_not_found(page, assert_accessible):
    response = page.goto("/cette-page-n-existe-pas/")
    assert response is not None and response.status == 404
    check_page_structure(page, "fr")
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_allauth_account_pages_use_the_site_layout(
    page, use_language, log_in, assert_accessible, enterprise_user, language
):
    # Pages allauth renders with its own templates (linked from the dashboard) get base.html's layout.
    use_language(language)
    log_in(enterprise_user)
    for url_name in ["account_email", "account_change_password"]:
        open_page(page, reverse(url_name))
        check_page_structure(page, language)
        assert_accessible(page)

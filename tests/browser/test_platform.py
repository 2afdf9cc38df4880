"""What the platform serves around the pages: the Content-Security-Policy, the admin's accessibility, the favicon
and the pages a person opens from their account."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from .conftest import LANGUAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def open_page(page, path):
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    return response


# --- Content-Security-Policy ---


def test_pages_are_served_with_a_content_security_policy(page, catalogue):
    response = open_page(page, reverse("home"))
    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy


def test_the_csp_check_reports_what_the_browser_blocks(page, csp_violations):
    # The check must be able to fail: an inline style and an inline script on a page of the site are refused.
    open_page(page, reverse("privacy"))
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; "
        "document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert not page.evaluate("window.ran === 1"), "the inline script ran"
    assert any("style-src" in text for text in csp_violations), csp_violations
    assert any("script-src" in text for text in csp_violations), csp_violations
    csp_violations.clear()  # seen: the page fixture would otherwise fail this test at teardown


# --- Favicon ---


def test_the_site_has_a_favicon(page, catalogue):
    open_page(page, reverse("home"))
    icon = page.locator("link[rel=icon]").first.get_attribute("href")
    assert page.request.get(icon).ok
    response = page.request.get("/favicon.ico")
    assert response.ok and response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


# --- The admin pages the project touches: axe in both languages, and reflow at 200 % zoom ---


@pytest.fixture
def curation(enterprise_user):
    """A curator, a supplier with a pending revision and a pending claim (the review screens' cases)."""
    from enterprises import services
    from enterprises.models import ClaimRequest, Revision
    from tests.factories import MembershipFactory, OfferingFactory, SupplierFactory, UserFactory

    curator = UserFactory(is_staff=True, email="curatrice@mtess.gouv.qc.ca")
    curator.groups.add(Group.objects.get(name="Curators"))
    suppliers = [SupplierFactory(name=f"Coopérative numéro {number}") for number in range(12)]
    supplier = suppliers[0]
    OfferingFactory(supplier=supplier)
    MembershipFactory(user=enterprise_user, supplier=supplier)
    data = services.listing_snapshot(supplier)
    data.update(
        phone="418 555-0199",
        description_fr="Une description beaucoup plus longue qu'avant, " * 12,
        website="https://une-adresse-tres-longue-pour-voir-si-la-page-deborde.exemple.qc.ca/chemin/vers/la/page",
    )
    revision = Revision.objects.create(supplier=supplier, data=data, submitted_by=enterprise_user)
    claimant = UserFactory(email="demandeur@coop-exemple.qc.ca")
    claim = ClaimRequest.objects.create(
        user=claimant, supplier=suppliers[1], message="Je suis la directrice."
    )
    return {"curator": curator, "supplier": supplier, "revision": revision, "claim": claim}


def admin_pages(curation):
    return {
        "supplier list": reverse("admin:suppliers_supplier_changelist"),
        "supplier change form": reverse("admin:suppliers_supplier_change", args=[curation["supplier"].pk]),
        "revisions list": reverse("admin:enterprises_revision_changelist"),
        "revision review": reverse("admin:enterprises_revision_change", args=[curation["revision"].pk]),
        "claims list": reverse("admin:enterprises_claimrequest_changelist"),
        "claim review": reverse("admin:enterprises_claimrequest_change", args=[curation["claim"].pk]),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_pages_the_project_touches_are_accessible(
    page, use_language, log_in, assert_accessible, curation, language
):
    use_language(language)
    log_in(curation["curator"])
    failures = []
    for name, path in admin_pages(curation).items():
        open_page(page, path)
        assert page.locator("html").get_attribute("lang") == language, name
        try:
            assert_accessible(page)
        except AssertionError as failure:
            failures.append(f"{name}: {failure}")
    assert not failures, "\n\n".join(failures)


def test_admin_review_pages_reflow_at_200_percent_zoom(page, log_in, curation):
    # 640 CSS px is 1280 px at 200 % zoom (WCAG 1.4.10).
    log_in(curation["curator"])
    page.set_viewport_size({"width": 640, "height": 800})
    for name, path in admin_pages(curation).items():
        if "list" in name:
            continue  # a change list is a data table: it may scroll inside its own box, not the page
        open_page(page, path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the {name} scrolls sideways by {overflow} px at 200 % zoom"


# --- The account page: download and delete, in both languages ---


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_page_is_accessible(page, use_language, log_in, assert_accessible, enterprise_user, language):
    use_language(language)
    log_in(enterprise_user)
    open_page(page, reverse("privacy:account"))
    assert page.locator("h1").count() == 1
    assert page.locator(f"a[href='{reverse('privacy:account_data_json')}']").count() == 1
    assert_accessible(page)
    # A wrong password keeps the account and points at the field, still accessible.
    page.locator("input[name=password]").fill("pas-le-bon")
    page.locator("form[action$='/supprimer/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=password][aria-invalid=true]").count() == 1
    assert_accessible(page)


def test_a_person_downloads_their_data_from_the_account_page(page, log_in, enterprise_user):
    log_in(enterprise_user)
    open_page(page, reverse("privacy:account"))
    with page.expect_download() as download_info:
        page.locator(f"a[href='{reverse('privacy:account_data_csv')}']").click()
    download = download_info.value
    assert download.suggested_filename.startswith("mes-donnees-") and download.suggested_filename.endswith(
        ".csv"
    )
    assert enterprise_user.email in Path(download.path()).read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("width", [320, 640])
def test_privacy_and_account_pages_fit_narrow_screens(page, log_in, enterprise_user, width):
    log_in(enterprise_user)
    page.set_viewport_size({"width": width, "height": 800})
    for path in [reverse("privacy"), reverse("privacy:account")]:
        open_page(page, path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"

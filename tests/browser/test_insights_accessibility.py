"""axe-core in Chromium over the staff dashboard's pages and the enterprises' confirmation page, in French and in
English: zero WCAG 2.0/2.1 (and 2.2) A and AA violations, one h1, the language of the page."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from buyers.models import ExportLog, Shortlist
from insights.models import ConfirmationRequest, SearchEvent
from insights.services import confirmations_ask, coverage_snapshot_take, shift_months
from needs.models import Answer, Recipient
from suppliers.models import Sector
from tests.factories import BuyerFactory, BuyerOrganisationFactory, MembershipFactory, UserFactory
from tests.needs_factories import published_need

from .conftest import LANGUAGES
from .test_accessibility import check_page_structure, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DASHBOARD_PAGES = [
    reverse("insights:overview"),
    reverse("insights:coverage"),
    reverse("insights:coverage") + "?accreditation=adapted&checked_recently=on",
    reverse("insights:sector", kwargs={"sector": "entretien"}),
    reverse("insights:cell") + "?region=02&sector=entretien",
    reverse("insights:freshness"),
    reverse("insights:demand"),
    reverse("insights:funnel"),
    reverse("insights:adoption"),
]


@pytest.fixture
def dashboard_data(catalogue):
    """The browser fixture's catalogue, a few searches, a snapshot and an unanswered confirmation request."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    SearchEvent.objects.bulk_create(
        [
            SearchEvent(hour=hour, regions=["02"], categories=["entretien.deneigement"], results=1),
            SearchEvent(hour=hour, regions=["11"], categories=["alimentation.traiteur"], results=0),
            SearchEvent(hour=hour - timedelta(days=40), regions=["03"], sectors=["alimentation"], results=1),
        ]
    )
    coverage_snapshot_take(today=timezone.localdate() - timedelta(days=35))
    coverage_snapshot_take()
    snow = catalogue["snow"]
    snow.last_verified_at = shift_months(timezone.now(), -13)
    snow.save(update_fields=["last_verified_at"])
    MembershipFactory(supplier=snow)
    confirmations_ask()
    # The buyers' side: an active buyer of a municipality, a list, an export, a need with an interested answer.
    buyer = BuyerFactory(organisation=BuyerOrganisationFactory(kind="municipal", region_id="02"))
    Shortlist.objects.create(
        owner=buyer, name="Déneigement", region_id="02", category_id="entretien.deneigement"
    )
    ExportLog.objects.create(organisation_kind="municipal", kind="search", format="csv", rows=12)
    need = published_need(recipients=1, author=buyer, regions=["02"], submitted_at=timezone.now())
    Recipient.objects.filter(need=need).update(answer=Answer.INTERESTED, answered_at=timezone.now())
    return catalogue


def _screenshot(page, language, path):
    """With SCREENSHOT_DIR set, a full-page PNG of each dashboard page (for the pull request's description)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        name = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_").replace("=", "-")
        page.screenshot(path=f"{folder}/{language}-{name}.png", full_page=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_pages(page, use_language, log_in, assert_accessible, dashboard_data, language):
    log_in(UserFactory(is_staff=True, email="personnel@mtess.gouv.qc.ca"))
    use_language(language)
    for path in DASHBOARD_PAGES:
        open_page(page, path)
        check_page_structure(page, language)
        assert_accessible(page)
        _screenshot(page, language, path)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_heat_map_and_its_table_show_the_same_figures(
    page, use_language, log_in, dashboard_data, language
):
    log_in(UserFactory(is_staff=True, email="personnel@mtess.gouv.qc.ca"))
    use_language(language)
    open_page(page, reverse("insights:coverage"))
    heat_map_figures = page.locator("svg .heat__text").all_text_contents()
    table_figures = page.locator("#table-couverture tbody td").all_inner_texts()
    assert heat_map_figures == table_figures
    assert len(table_figures) == 17 * 13


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_page(page, use_language, assert_accessible, dashboard_data, language):
    use_language(language)
    token = ConfirmationRequest.objects.get().token
    open_page(page, reverse("insights:confirm", kwargs={"token": token}))
    check_page_structure(page, language)
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[role=status]").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_coverage_table_fits_a_laptop_screen_without_scrolling_sideways(
    page, use_language, log_in, catalogue, language
):
    # The browser's window is 1280 px wide (browser_context_args): 17 regions × 13 sectors must fit in it.
    assert page.viewport_size["width"] == 1280
    log_in(UserFactory(is_staff=True, email="personnel@mtess.gouv.qc.ca"))
    use_language(language)
    open_page(page, reverse("insights:coverage"))
    table = page.locator("#table-couverture")
    widths = table.evaluate(
        "(table) => ({table: table.scrollWidth, container: table.closest('.data-table__scroll').clientWidth,"
        " scroll: table.closest('.data-table__scroll').scrollWidth})"
    )
    assert widths["table"] <= widths["container"], widths
    assert widths["scroll"] <= widths["container"], widths
    # Each column header still names its sector in full for assistive technologies.
    for name in Sector.objects.values_list(f"name_{language}", flat=True):
        assert table.get_by_role("columnheader", name=name, exact=True).count() == 1, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_last_month_of_a_line_chart_is_drawn_whole(page, use_language, log_in, language):
    # A list made this month: a chart whose every value is 0 is replaced by a sentence saying so.
    Shortlist.objects.create(
        owner=BuyerFactory(), name="Déneigement", region_id="02", category_id="entretien.deneigement"
    )
    log_in(UserFactory(is_staff=True, email="personnel@mtess.gouv.qc.ca"))
    use_language(language)
    open_page(page, reverse("insights:adoption"))
    box = page.locator("#workspace-activity-chart-title").evaluate(
        "(title) => { const svg = title.closest('svg');"
        " const labels = svg.querySelectorAll('text.chart__label--middle');"
        " const last = labels[labels.length - 1].getBBox();"
        " return {left: last.x, right: last.x + last.width, width: svg.viewBox.baseVal.width,"
        " text: labels[labels.length - 1].textContent}; }"
    )
    assert box["text"].endswith(str(timezone.localdate().year)), box
    assert 0 <= box["left"] and box["right"] <= box["width"], box

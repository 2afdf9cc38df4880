"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Browsers cannot be downloaded here (never run ``playwright install``): the tests use the system Chromium at
/usr/bin/chromium (or $CHROMIUM_PATH) and are skipped, with the reason, on a machine without it.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

# Playwright's sync API keeps an asyncio event loop running in the main thread once the browser has started, so
# Django would refuse the ORM calls that tests and fixtures make from that thread (SynchronousOnlyOperation).
# The test code is plain synchronous code: nothing runs concurrently with the ORM in that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_TESTS_DIR = Path(__file__).resolve().parent
# axe-core rules for WCAG 2.0 and 2.1, levels A and AA, plus the WCAG 2.2 AA rule (target size) since the
# government standard SGQRI 008 3.0 builds on WCAG 2.1 and 2.2.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ["fr", "en"]


def is_browser_test(item) -> bool:
    return BROWSER_TESTS_DIR in Path(str(item.path)).parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Browser tests run last, after pytest-django's and pytest's own reordering: they are transactional (the
    # database is emptied after each one) and Playwright's event loop changes how Django hands out database
    # connections for the rest of the session.
    items[:] = [item for item in items if not is_browser_test(item)] + [
        item for item in items if is_browser_test(item)
    ]
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        # CI (.ci/run) installs Chromium: there, a missing browser is an error rather than a silent skip.
        raise pytest.UsageError(f"REQUIRE_BROWSER_TESTS is set but there is no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(
        reason=f"no Chromium at {CHROMIUM}: install Debian's `chromium` package (as .ci/run does) "
        "or set CHROMIUM_PATH to run the browser and accessibility tests"
    )
    for item in items:
        if is_browser_test(item):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _initial_data_before_the_browser(_initial_data):
    """The initial data's snapshot (tests/conftest.py) is taken, if no earlier test took it, before the browser
    starts: once Playwright's event loop runs, the main thread gets another connection object, without Django's
    serialized copy. Session fixtures are set up before function ones, and autouse ones first."""
    return _initial_data


@pytest.fixture(autouse=True)
def _fresh_rate_limits(_initial_data_restored, transactional_db):
    """Rate-limit counters live in the cache table, which the flush between transactional tests leaves alone:
    every browser test signs up and logs in from the same address with counters at zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    # Pages are opened by path on the live server. This also replaces pytest-playwright's fallback base_url
    # fixture, a session fixture declared on a class that pytest 9 deprecates (an error with filterwarnings).
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser configured for English: the site must still open in French (French first).
    return {**browser_context_args, "locale": "en-CA", "viewport": {"width": 1280, "height": 900}}


# Every page runs under the site's Content-Security-Policy: the browser reports each resource, inline script or
# inline style it refuses both as a `securitypolicyviolation` event and as a console error. In tests, give
# page.wait_for_function a function ("() => …"): Playwright runs a bare expression through eval, which the policy
# refuses.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => console.error(
    `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"} on ${location.href}`
    + (event.sourceFile ? ` (from ${event.sourceFile}:${event.lineNumber})` : "")));"""


def is_csp_report(text: str) -> bool:
    return "CSP violation" in text or "Content Security Policy" in text


@pytest.fixture
def csp_violations():
    """What the browser refused under the Content-Security-Policy during the test (the page fixture fills it)."""
    return []


@pytest.fixture
def page(page, csp_violations):
    # Fail fast rather than wait 30 s on a selector that will never appear.
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)
    page.add_init_script(CSP_LISTENER)
    page.on("console", lambda message: is_csp_report(message.text) and csp_violations.append(message.text))
    yield page
    assert not csp_violations, "The Content-Security-Policy blocked:\n" + "\n".join(csp_violations)


@pytest.fixture
def use_language(page, live_server):
    """Choose the interface language as the language switch would, through Django's language cookie."""

    def use(language):
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )

    return use


@pytest.fixture
def log_in(page, live_server):
    """Give the browser a logged-in session for ``user`` (the log-in form itself is tested elsewhere)."""

    def log_in_as(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie.value, "url": live_server.url}]
        )

    return log_in_as


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) (axe-core, WCAG 2.0-2.2 A/AA) on {url}:"]
    for violation in violations:
        lines.append(f"\n- {violation['id']} [{violation.get('impact')}]: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  • {' '.join(str(target) for target in node['target'])}")
            lines.append(f"    {node['html'][:300]}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"    {summary_line.strip()}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page as it is now and fail with a readable list of every violation."""

    def check(page, context=None):
        # ``context``: a selector to check only part of the page (the admin's frame is checked elsewhere).
        # No "preload": axe would copy some style sheets into inline <style> elements, which the site's
        # Content-Security-Policy rightly refuses (and the CSP check would then blame the page).
        options = {
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
            "preload": False,
        }
        results = axe.run(page, context=context, options=options)
        violations = results.response["violations"]
        assert not violations, format_violations(page.url, violations)

    return check


@pytest.fixture
def catalogue():
    """A few published suppliers in different regions and sectors, with offerings folded into search."""
    from suppliers.models import Accreditation, Category, CoopType, LegalForm, Region
    from tests.factories import OfferingFactory, SupplierFactory

    snow = SupplierFactory(
        name="Coopérative de déneigement du Fjord",
        neq="1100000101",
        legal_form=LegalForm.COOPERATIVE,
        coop_type=CoopType.WORKER,
        description_fr="Déneigement des stationnements et des toitures d'édifices publics, jour et nuit.",
        description_en="Snow removal for the parking lots and roofs of public buildings, day and night.",
        head_office_region=Region.objects.get(code="02"),
        city="Saguenay",
        postal_code="G7H 1A1",
        website="https://deneigement-fjord.exemple.qc.ca",
        email="info@deneigement-fjord.exemple.qc.ca",
        phone="418 555-0101",
        regions=["02"],
        categories=["entretien.deneigement", "entretien.paysager"],
    )
    OfferingFactory(
        supplier=snow,
        title="Déneigement de stationnements",
        description="Contrats saisonniers pour les stationnements d'écoles et d'hôpitaux.",
        category=Category.objects.get(code="entretien.deneigement"),
    )
    caterer = SupplierFactory(
        name="Traiteur solidaire de la Capitale",
        neq="2200000202",
        accreditations=[Accreditation.INTEGRATION],
        description_fr="Service de traiteur pour réunions et colloques, préparé par des personnes en insertion.",
        description_en="",
        head_office_region=Region.objects.get(code="03"),
        city="Québec",
        postal_code="G1K 3A1",
        regions=["03", "12"],
        categories=["alimentation.traiteur"],
    )
    workshop = SupplierFactory(
        name="Atelier d'assemblage adapté",
        neq="3300000303",
        accreditations=[Accreditation.ADAPTED],
        description_fr="Assemblage, emballage et mise en boîte à forfait pour les organismes publics.",
        description_en="Contract assembly and packaging for public bodies.",
        serves_all_quebec=True,
        regions=[],
        categories=["fabrication.assemblage"],
    )
    return {"snow": snow, "caterer": caterer, "workshop": workshop}


@pytest.fixture
def enterprise_user():
    """An enterprise account whose e-mail address is confirmed (allauth's mandatory verification)."""
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(email="direction@coop-exemple.qc.ca")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user

"""Every dashboard page and every export is for staff only: anonymous visitors are sent to log in, enterprise
members and buyers are refused."""

import pytest
from django.conf import settings
from django.urls import reverse
from lxml import html

from tests.factories import BuyerFactory, MembershipFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("insights:overview"),
    reverse("insights:coverage"),
    reverse("insights:coverage") + "?accreditation=adapted&legal_form=cooperative&checked_recently=on",
    reverse("insights:sector", kwargs={"sector": "entretien"}),
    reverse("insights:cell") + "?region=01&sector=entretien",
    reverse("insights:cell") + "?region=01&category=entretien.menager",
    reverse("insights:freshness"),
    reverse("insights:demand"),
    reverse("insights:funnel"),
    reverse("insights:adoption"),
    reverse("insights:cell_export") + "?region=01&category=entretien.menager",
]


@pytest.fixture
def every_url(client):
    """The pages and, read from them as staff, the export of every table they show."""
    SupplierFactory(regions=["01"], categories=["entretien.menager"])
    staff = UserFactory(is_staff=True, email="personnel@mtess.gouv.qc.ca")
    client.force_login(staff)
    exports = []
    for page in PAGES:
        response = get(client, page)
        assert response.status_code == 200, page
        exports.extend(((response.context or {}).get("exports") or {}).values())
    client.logout()
    assert len(exports) >= 14
    return PAGES + sorted(set(exports))


def get(client, url):
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def test_anonymous_visitors_are_sent_to_log_in(client, every_url):
    for url in every_url:
        response = get(client, url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize("role", ["enterprise member", "buyer", "inactive staff"])
def test_other_accounts_are_refused(client, every_url, role):
    user = {
        "enterprise member": lambda: MembershipFactory().user,
        "buyer": lambda: BuyerFactory().user,
        "inactive staff": lambda: UserFactory(is_staff=True, is_active=False),
    }[role]()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    for url in every_url:
        response = get(client, url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:  # Django logs an inactive user out: back to the log-in page
            assert role == "inactive staff"
            assert response["Location"].startswith(reverse("account_login"))


def test_staff_see_every_page_and_export(client, every_url):
    client.force_login(UserFactory(is_staff=True))
    for url in every_url:
        response = get(client, url)
        assert response.status_code == 200, url
        if url.split("?")[0].endswith(".csv"):
            assert response["Content-Type"].startswith("text/csv"), url


def test_an_unknown_table_is_not_found(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("insights:export_coverage", kwargs={"table": "inconnu"})).status_code == 404
    assert client.get(reverse("insights:sector", kwargs={"sector": "inconnu"})).status_code == 404


def test_the_admin_home_page_links_to_the_dashboard_in_its_own_box(curator_client):
    content = curator_client.get(reverse("admin:index")).content.decode()
    box = content[content.index('id="dashboard-link"') :]
    box = box[: box.index("</table>")]
    assert "<caption>Tableau de bord du ministère</caption>" in box
    assert f'<a href="{reverse("insights:overview")}">' in box
    waiting = content[content.index('id="waiting-for-decision"') :]
    assert reverse("insights:overview") not in waiting[: waiting.index("</table>")]


LANDMARK_ROLES = {"section": "region", "nav": "navigation", "aside": "complementary"}


def ids_and_landmark_names(content):
    """The ids of a page, and the (role, accessible name) of its named landmarks: sections, navs and elements
    with a role. A name given by ``aria-labelledby`` is read from the first element with that id, as browsers do."""
    tree = html.fromstring(content)
    ids = [element.get("id") for element in tree.iter() if element.get("id")]
    text_of = {}
    for element in tree.iter():
        if element.get("id"):
            text_of.setdefault(element.get("id"), " ".join(element.text_content().split()))
    names = []
    for element in tree.iter():
        role = element.get("role") or LANDMARK_ROLES.get(element.tag)
        if role not in ("region", "navigation", "complementary"):
            continue
        if element.get("aria-labelledby"):
            name = " ".join(text_of.get(ref, "") for ref in element.get("aria-labelledby").split())
        else:
            name = element.get("aria-label") or ""
        if name:
            names.append((role, name))
    return ids, names


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_ids_and_landmark_names_are_unique_on_each_page(client, language):
    # A chart's <title> took the id of its section's heading ("buyers-title", "ages-title", "gaps-title",
    # "regions-title"): the chart was named by the heading, and on the adoption page the section "Acheteurs actifs"
    # had the same name as its table's region (axe-core: duplicate-id-aria, landmark-unique).
    SupplierFactory(regions=["01"], categories=["entretien.menager"])
    client.force_login(UserFactory(is_staff=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for page in [url for url in PAGES if not url.split("?")[0].endswith(".csv")]:
        response = client.get(page)
        assert response.status_code == 200, page
        ids, names = ids_and_landmark_names(response.content)
        assert len(ids) == len(set(ids)), (page, sorted({id_ for id_ in ids if ids.count(id_) > 1}))
        assert len(names) == len(set(names)), (
            page,
            sorted({name for name in names if names.count(name) > 1}),
        )

"""The buyer's journey in a real browser, in French and in English: sign up as a buyer → search → add three
suppliers to a list with notes → export XLSX → create a record → print it (Chromium's print-to-PDF). axe-core
finds no violation on any page of the buyers' side, in either language."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from buyers import services
from buyers.models import MarketResearchRecord, OrganisationDomain, Visibility
from tests.factories import BuyerFactory, BuyerOrganisationFactory, SupplierFactory

from .conftest import LANGUAGES
from .test_journeys import choose_language, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Un-mot-de-passe-bien-long-2026"
CATERERS = ["Cantine du Nord", "Coop Les Bons Repas", "Traiteur Harricana"]
NOTES = {name: f"Note sur {name} : disponible en janvier" for name in CATERERS}


@pytest.fixture
def abitibi():
    """A CISSS that owns its email domain, and caterers serving Abitibi-Témiscamingue."""
    organisation = BuyerOrganisationFactory(
        name="Centre intégré de santé et de services sociaux de l'Abitibi-Témiscamingue",
        kind="health",
        region_id="08",
    )
    OrganisationDomain.objects.create(organisation=organisation, domain="cisss-at.gouv.qc.ca")
    suppliers = [
        SupplierFactory(
            name=name,
            neq=f"33000007{index}1",
            description_fr="Service de traiteur pour cafétérias d'établissements publics.",
            description_en="Catering for the cafeterias of public institutions.",
            regions=["08"],
            categories=["alimentation.traiteur"],
        )
        for index, name in enumerate(CATERERS)
    ]
    return organisation, suppliers


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_buyer_signs_up_keeps_a_list_exports_it_records_the_search_and_prints_it(
    page, abitibi, assert_accessible, language
):
    organisation, suppliers = abitibi
    email = f"julie.gagnon.{language}@cisss-at.gouv.qc.ca"
    page.goto(reverse("home"))
    choose_language(page, language)

    # Sign up as a buyer, from the main navigation.
    submit(page, page.locator(f".site-nav a[href='{reverse('buyers:signup')}']"))
    assert_accessible(page)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=first_name]").fill("Julie")
    page.locator("input[name=last_name]").fill("Gagnon")
    page.locator("input[name=organisation]").fill(organisation.name)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    submit(page, page.locator("main form button[type=submit]"))
    assert_accessible(page)  # "check your email"

    # Confirm the address: its domain belongs to the CISSS, so the account is active at once.
    [message] = [message for message in mail.outbox if message.to == [email]]
    page.goto(link_in(message))
    submit(page, page.locator("main form button[type=submit]"))
    if page.locator("input[name=login]").count():
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(PASSWORD)
        submit(page, page.locator("main form button[type=submit]"))
    assert page.url.endswith(reverse("buyers:home"))
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)

    # Search, then add three suppliers to a new list from their result cards.
    page.goto(reverse("suppliers:search") + "?region=08&sector=alimentation")
    assert page.get_by_role("status").first.inner_text().strip().startswith("3 ")
    for index, supplier in enumerate(suppliers):
        card = page.locator(f"#result-{supplier.neq}").locator("xpath=ancestor::article")
        if index == 0:
            card.locator("select[name=shortlist]").select_option("new")
        submit(page, card.locator("button[form]"))
        assert page.locator(".messages").count() == 1
    assert_accessible(page)  # the results, with the confirmation and the add-to-list controls

    # Write a note on each, on the list page.
    submit(page, page.locator(".messages a").first)
    assert page.locator(".shortlist-entry").count() == 3
    for name, note in NOTES.items():
        entry = page.locator(".shortlist-entry", has_text=name)
        entry.locator("textarea").fill(note)
        submit(page, entry.locator("form.entry-form button[type=submit]"))
    for note in NOTES.values():
        assert page.locator("textarea", has_text=note).count() == 1
    assert_accessible(page)

    # Export the list to Excel: the three suppliers with their notes.
    with page.expect_download() as download:
        page.locator("main a[href$='export.xlsx']").click()
    with open(download.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert download.value.suggested_filename.startswith("fournisseurs-")
    assert sorted(row[1] for row in rows[1:]) == sorted(CATERERS)
    assert {row[-1] for row in rows[1:]} == set(NOTES.values())

    # Create a market-research record from the list.
    submit(page, page.locator(f"main a[href^='{reverse('buyers:record_create')}']"))
    assert_accessible(page)
    page.locator("textarea[name=need]").fill("Service de traiteur pour la cafétéria de l'hôpital d'Amos")
    page.locator("input[name=estimated_amount]").fill("60000")
    page.locator("input[name=nature][value=services]").check()
    page.locator("select[name=mode_considered]").select_option("mutual_agreement")
    page.locator("textarea[name=justification]").fill("Trois traiteurs de la région consultés.")
    for supplier in suppliers[:2]:
        page.locator(f"#selected-{supplier.neq}").check()
    submit(page, page.locator("main form.record-form button[type=submit]"))
    record = MarketResearchRecord.objects.get(author_name="Julie Gagnon", organisation=organisation)
    assert page.url.endswith(record.get_absolute_url())
    assert record.checksum in page.locator("main").inner_text()
    assert_accessible(page)

    # Print it: the print style hides the site's navigation and the forms, keeps the record and its checksum.
    page.emulate_media(media="print")
    for hidden in [".site-nav", ".workspace-nav", ".addendum-form", ".language-switch"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("h1").is_visible()
    assert page.locator(".record-table").is_visible()
    assert page.locator(".record-facts .checksum").is_visible()
    assert page.locator(".record-print-note").is_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    assert pdf.startswith(b"%PDF")
    boxes = [tuple(map(float, box)) for box in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]
    assert boxes and all(width > height for width, height in boxes), "a record prints in landscape"
    assert len(boxes) <= 2, f"{len(boxes)} pages for a record of three suppliers"
    page.emulate_media(media="screen")


@pytest.fixture
def workspace():
    """An active buyer with a list, a record, a saved search; a pending buyer; and a staff member."""
    organisation = BuyerOrganisationFactory(name="Ville de Rimouski", kind="municipal", region_id="01")
    buyer = BuyerFactory(
        organisation=organisation, user__email="achats@ville.rimouski.qc.ca", user__first_name="Marc"
    )
    suppliers = [
        SupplierFactory(
            name=f"Déneigement solidaire {number}", regions=["01"], categories=["entretien.deneigement"]
        )
        for number in range(3)
    ]
    shortlist = services.shortlist_create(
        owner=buyer, name="Déneigement des écoles", purpose="Hiver 2027", visibility=Visibility.ORGANISATION
    )
    for supplier in suppliers:
        services.shortlist_add(shortlist=shortlist, supplier=supplier, by=buyer.user, note="À rappeler")
    suppliers[2].suspend(reason="Vérification")
    record = services.record_create(
        author=buyer,
        suppliers=suppliers,
        selected_ids=[suppliers[0].pk],
        need="Déneigement de cours d'écoles",
        estimated_amount=60000,
        nature="services",
        mode_considered="invited_tender",
        justification="Rotation des fournisseurs.",
        source="shortlist",
        criteria={"shortlist": shortlist.name},
    )
    services.record_addendum_add(record=record, author=buyer, retained_neq=suppliers[0].neq, amount=58000)
    saved = services.saved_search_create(
        owner=buyer, name="Déneigement Bas-Saint-Laurent", querystring="region=01"
    )
    pending = BuyerFactory(organisation=organisation, status="pending", user__email="quelquun@exemple.com")
    return {
        "buyer": buyer,
        "pending": pending,
        "shortlist": shortlist,
        "record": record,
        "saved": saved,
        "suppliers": suppliers,
    }


def visit(page, path):
    response = page.goto(path)
    assert response is not None, path
    return response


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_buyer_page_is_accessible(
    page, use_language, log_in, assert_accessible, workspace, curator, language
):
    use_language(language)
    record, shortlist, saved = workspace["record"], workspace["shortlist"], workspace["saved"]
    anonymous_pages = [
        reverse("buyers:signup"),
        f"{reverse('buyers:record_verify')}?reference={record.reference}&checksum={record.checksum}",
        f"{reverse('buyers:record_verify')}?reference={record.reference}&checksum={'0' * 64}",
        reverse("buyers:unsubscribe", args=[saved.unsubscribe_token]),
        reverse("suppliers:search") + "?region=01",  # the invitation to buyers
    ]
    for path in anonymous_pages:
        visit(page, path)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)

    # The sign-up form with errors.
    visit(page, reverse("buyers:signup"))
    page.locator("input[name=email]").fill("pas-un-courriel")
    submit(page, page.locator("main form button[type=submit]"))
    assert page.locator("[aria-invalid=true]").count() >= 1
    assert_accessible(page)

    log_in(workspace["buyer"].user)
    buyer_pages = [
        reverse("buyers:home"),
        reverse("buyers:shortlist_list"),
        reverse("buyers:shortlist_create"),
        shortlist.get_absolute_url(),
        reverse("buyers:shortlist_edit", args=[shortlist.pk]),
        reverse("buyers:record_list") + "?q=neige&nature=services",
        f"{reverse('buyers:record_create')}?liste={shortlist.pk}",
        f"{reverse('buyers:record_create')}?region=01",
        record.get_absolute_url(),
        reverse("buyers:saved_search_list"),
        f"{reverse('buyers:saved_search_create')}?region=01",
        reverse("suppliers:search") + "?region=01",
        workspace["suppliers"][0].get_absolute_url(),
        reverse("buyers:search_export", kwargs={"fmt": "csv"}) + "?region=99",  # refused, with its message
    ]
    for path in buyer_pages:
        visit(page, path)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)

    # A form sent with errors shows them accessibly.
    visit(page, f"{reverse('buyers:record_create')}?region=01")
    submit(page, page.locator("main form.record-form button[type=submit]"))
    assert page.locator("[aria-invalid=true]").count() >= 1
    assert_accessible(page)

    log_in(workspace["pending"].user)
    for path in [reverse("buyers:home"), reverse("buyers:shortlist_list")]:
        visit(page, path)
        assert_accessible(page)

    log_in(curator)
    for path in [
        reverse("buyers:home"),
        reverse("buyers:staff_buyers"),
        reverse("buyers:staff_organisations"),
    ]:
        visit(page, path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)

import datetime
import json
import re

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from enterprises.models import AccreditationClaim
from suppliers.models import Accreditation, CoopType, LegalForm, Region, Status
from tests.factories import OfferingFactory, SupplierFactory
from tests.sql_snapshots import captured_statements


@pytest.fixture
def supplier(db):
    supplier = SupplierFactory(
        name="Coop de solidarité Le Festin",
        neq="1150000001",
        legal_form=LegalForm.COOPERATIVE,
        coop_type=CoopType.SOLIDARITY,
        accreditations=[Accreditation.ADAPTED],
        description_fr="Traiteur pour les réunions des organismes publics.",
        description_en="Caterer for public bodies' meetings.",
        head_office_region=Region.objects.get(code="01"),
        regions=["01", "11"],
        categories=["alimentation.traiteur", "alimentation.repas", "culture.evenements"],
        address="123, rue Saint-Germain Est",
        city="Rimouski",
        postal_code="G5L 1B6",
        phone="418 555-0123",
        email="info@festin.example.ca",
        website="https://festin.example.ca",
        last_verified_at=timezone.make_aware(datetime.datetime(2026, 3, 14, 10, 0)),
    )
    OfferingFactory(supplier=supplier, title="Buffet froid", category_id="alimentation.traiteur", position=1)
    OfferingFactory(supplier=supplier, title="Boîtes à lunch", category_id="alimentation.repas")
    OfferingFactory(supplier=supplier, title="Pause-café", category_id="alimentation.traiteur", position=2)
    return supplier


def test_page_shows_everything_a_buyer_needs(client, supplier):
    response = client.get(supplier.get_absolute_url())
    assertContains(response, "<h1", count=1)
    for text in (
        "Coop de solidarité Le Festin",
        "1150000001",
        "Coopérative de solidarité",
        "Entreprise adaptée",
        "Traiteur pour les réunions des organismes publics.",
        "Bas-Saint-Laurent (01)",
        "Gaspésie–Îles-de-la-Madeleine (11)",
        "123, rue Saint-Germain Est",
        "G5L 1B6",
        '<a href="tel:+14185550123">418 555-0123</a>',
        '<a href="mailto:info@festin.example.ca">info@festin.example.ca</a>',
        'href="https://festin.example.ca"',
        '<time datetime="2026-03-14">14 mars 2026</time>',
    ):
        assertContains(response, text)


def test_offerings_are_grouped_by_category(client, supplier):
    html = client.get(supplier.get_absolute_url()).content.decode()
    section = html[html.index('id="offerings-title"') : html.index('id="regions-title"')]
    headings = re.findall(r"<h3>(.*?)</h3>", section)
    assert headings == ["Service de traiteur", "Repas préparés et livraison de repas", "Autres catégories"]
    assert section.index("Buffet froid") < section.index("Pause-café") < section.index("Boîtes à lunch")
    assert "Organisation d&#x27;événements" in section.split("Autres catégories")[1]


def test_supplier_serving_all_of_quebec_says_so(client, db):
    supplier = SupplierFactory(serves_all_quebec=True, regions=[])
    assertContains(client.get(supplier.get_absolute_url()), "Tout le Québec")


def test_only_verified_accreditations_are_shown(client, db):
    # The enterprise claims both accreditations; staff verified only one.
    supplier = SupplierFactory(accreditations=[Accreditation.ADAPTED])
    AccreditationClaim.objects.create(
        supplier=supplier, accreditations=[Accreditation.ADAPTED, Accreditation.INTEGRATION]
    )
    response = client.get(supplier.get_absolute_url())
    assertContains(response, "Entreprise adaptée")
    assertNotContains(response, "Entreprise d&#x27;insertion")
    assertNotContains(response, "Entreprise d'insertion")


def test_english_page_shows_english_description(client, supplier, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(supplier.get_absolute_url())
    assertContains(response, "Caterer for public bodies")


def structured_data(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(match.group(1))


def test_page_has_schema_org_organization(client, supplier):
    data = structured_data(client.get(supplier.get_absolute_url()))
    assert data["@type"] == "Organization"
    assert data["name"] == "Coop de solidarité Le Festin"
    assert data["identifier"]["value"] == "1150000001"
    assert data["address"]["postalCode"] == "G5L 1B6"
    assert data["telephone"] == "418 555-0123"
    assert [area["name"] for area in data["areaServed"]] == [
        "Bas-Saint-Laurent",
        "Gaspésie–Îles-de-la-Madeleine",
    ]


def test_structured_data_cannot_close_its_script(client, db):
    supplier = SupplierFactory(name="Coop </script><script>alert(1)</script> & fils")
    response = client.get(supplier.get_absolute_url())
    assertNotContains(response, "<script>alert(1)")
    assert structured_data(response)["name"] == "Coop </script><script>alert(1)</script> & fils"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING, Status.SUSPENDED, Status.ARCHIVED])
def test_unpublished_supplier_page_is_404(client, db, status):
    supplier = SupplierFactory(status=status)
    assert client.get(supplier.get_absolute_url()).status_code == 404


def test_unknown_neq_is_404(client, db):
    assert client.get("/fournisseurs/1199999999/").status_code == 404


def test_page_queries_do_not_grow_with_offerings(client, supplier, assert_snapshot_queries):
    with assert_snapshot_queries() as few_offerings:
        client.get(supplier.get_absolute_url())
    for number in range(10):
        OfferingFactory(supplier=supplier, title=f"Menu {number}", category_id="alimentation.repas")
    with captured_statements() as many_offerings:
        client.get(supplier.get_absolute_url())
    assert many_offerings.statements == few_offerings.statements

"""Freshness: listings by age of their last check, what waits for staff (on the dashboard and the admin's home
page), the date buyers see on result cards and supplier pages, the nightly coverage snapshot, and the demo
catalogue's verification dates."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app

from enterprises.models import ClaimRequest, Revision
from insights.freshness import age_counts
from insights.models import CoverageSnapshot
from insights.services import coverage_snapshot_take, listing_confirm, shift_months
from suppliers.models import Accreditation, CoopType, LegalForm, Status, Supplier
from tests.factories import BuyerFactory, MembershipFactory, SupplierFactory, UserFactory
from tests.needs_factories import NeedFactory

pytestmark = pytest.mark.django_db


def ago(months=0, days=0):
    return shift_months(timezone.now(), -months) - timedelta(days=days)


@pytest.fixture
def listings():
    """Published listings of every age; the counts the tests expect are worked out from this list."""
    return {
        "fresh": SupplierFactory(last_verified_at=ago(days=10)),
        "five_months": SupplierFactory(last_verified_at=ago(months=5)),
        "seven_months": SupplierFactory(last_verified_at=ago(months=7)),
        # Just past the 6-month line: in the 6-12 bucket.
        "six_and_a_half_months": SupplierFactory(last_verified_at=ago(months=6, days=15)),
        "thirteen_months": SupplierFactory(last_verified_at=ago(months=13)),
        "thirty_months": SupplierFactory(last_verified_at=ago(months=30)),
        "never": SupplierFactory(),
        # Verified 30 months ago by staff, confirmed by the enterprise today: fresh by its last check.
        "confirmed": SupplierFactory(last_verified_at=ago(months=30)),
        "draft": SupplierFactory(status=Status.DRAFT, last_verified_at=ago(days=3)),
    }


def test_published_listings_are_counted_by_the_age_of_their_last_check(listings):
    listing_confirm(supplier=listings["confirmed"])
    counts = age_counts(now=timezone.now())
    assert counts["checked"] == {"under_6": 3, "6_12": 2, "12_24": 1, "over_24": 1, "never": 1}
    assert counts["verified"] == {"under_6": 2, "6_12": 2, "12_24": 1, "over_24": 2, "never": 1}
    assert counts["confirmed"] == {"under_6": 1, "6_12": 0, "12_24": 0, "over_24": 0, "never": 7}


def test_the_freshness_page_shows_the_queues_and_their_oldest(curator_client, listings):
    member = MembershipFactory(supplier=listings["fresh"]).user
    Revision.objects.create(
        supplier=listings["fresh"],
        data={},
        submitted_by=member,
        submitted_at=timezone.now() - timedelta(days=9),
    )
    Revision.objects.create(supplier=listings["seven_months"], data={}, submitted_by=member)
    ClaimRequest.objects.create(user=UserFactory(), supplier=listings["never"])
    response = curator_client.get(reverse("insights:freshness"))
    queue = {
        row[0].value: (row[1].value, row[2].value) for row in response.context["tables"]["file_attente"].rows
    }
    oldest = timezone.localdate(timezone.now() - timedelta(days=9)).isoformat()
    assert queue["Modifications de fiches"] == (2, oldest)
    assert queue["Demandes de gestion de fiches"] == (1, timezone.localdate().isoformat())
    ages = {row[0].value: row[1].value for row in response.context["tables"]["anciennete"].rows}
    assert ages == {"under_6": 2, "6_12": 2, "12_24": 1, "over_24": 2, "never": 1}


def test_the_admin_home_page_shows_what_waits_for_a_decision(curator_client, listings):
    member = MembershipFactory(supplier=listings["fresh"]).user
    Revision.objects.create(supplier=listings["fresh"], data={}, submitted_by=member)
    Revision.objects.create(supplier=listings["five_months"], data={}, submitted_by=member, status="approved")
    ClaimRequest.objects.create(user=UserFactory(), supplier=listings["never"])
    ClaimRequest.objects.create(user=UserFactory(), supplier=listings["never"])
    BuyerFactory(status="pending")
    BuyerFactory(status="pending")
    BuyerFactory(status="pending")
    BuyerFactory(status="active")
    NeedFactory(status="submitted", submitted_at=timezone.now())
    NeedFactory(status="submitted", submitted_at=timezone.now())
    NeedFactory(status="draft")
    NeedFactory(status="changes_requested")
    response = curator_client.get(reverse("admin:index"))
    content = response.content.decode()
    block = content[content.index('id="waiting-for-decision"') :]
    block = block[: block.index("</table>")]
    assert "Modifications de fiches</a></th><td>1</td>" in block
    assert "Demandes de gestion de fiches</a></th><td>2</td>" in block
    assert "Acheteurs en attente d&#x27;approbation</a></th><td>3</td>" in block
    assert "Besoins en attente de validation</a></th><td>2</td>" in block


def test_result_cards_show_when_each_listing_was_last_verified_or_confirmed(client, assert_max_sent_queries):
    verified = SupplierFactory(
        name="Vérifiée", regions=["06"], last_verified_at=timezone.now() - timedelta(days=40)
    )
    confirmed = SupplierFactory(name="Confirmée", regions=["06"])
    listing_confirm(supplier=confirmed)
    SupplierFactory(name="Jamais", regions=["06"])
    response = client.get(reverse("suppliers:search"), {"region": "06"})
    content = response.content.decode()
    verified_date = timezone.localtime(verified.last_verified_at).date().isoformat()
    assert f'Vérifiée par le ministère le <time datetime="{verified_date}">' in content
    assert (
        f'Confirmée à jour par l\'entreprise le <time datetime="{timezone.localdate().isoformat()}">'
        in content
    )
    assert content.count("Pas encore vérifiée ni confirmée") == 1


def test_the_dates_of_a_page_of_results_cost_one_query(client, assert_max_sent_queries):
    for index in range(20):
        SupplierFactory(name=f"Fournisseur {index}", regions=["06"], last_verified_at=timezone.now())
    client.get(reverse("suppliers:search"), {"region": "06"})  # loads the search index
    with assert_max_sent_queries(6) as captured:
        client.get(reverse("suppliers:search"), {"region": "06", "sort": "name"})
    assert sum("insights_listingfacts" in query["sql"] for query in captured.captured_queries) == 1


def test_the_supplier_page_shows_its_verification_and_confirmation_dates(client):
    supplier = SupplierFactory(last_verified_at=timezone.now() - timedelta(days=400))
    listing_confirm(supplier=supplier)
    content = client.get(supplier.get_absolute_url()).content.decode()
    assert "Confirmée à jour par l'entreprise le" in content
    facts = content[content.index("Dernière confirmation par l'entreprise") :]
    assert facts.index(f'<time datetime="{timezone.localdate().isoformat()}">') < facts.index("</dd>")


def test_the_nightly_snapshot_stores_each_cells_counts_once_a_day(listings):
    SupplierFactory(
        legal_form=LegalForm.COOPERATIVE,
        coop_type=CoopType.WORKER,
        accreditations=[Accreditation.ADAPTED, Accreditation.INTEGRATION],
        regions=["01"],
        categories=["entretien.menager", "alimentation.traiteur"],
        last_verified_at=ago(days=1),
    )
    today = timezone.localdate()
    assert coverage_snapshot_take(today=today) == 17 * 57
    cell = CoverageSnapshot.objects.get(taken_on=today, region_id="01", category_id="entretien.menager")
    # The 8 published listings of the fixture (all in 01, ménage) and the cooperative.
    assert (cell.suppliers, cell.cooperatives, cell.non_profits) == (9, 1, 8)
    assert (cell.adapted, cell.integration) == (1, 1)
    # Checked within 12 months: fresh, five, six and a half and seven months, the cooperative ("confirmed" is not
    # confirmed here).
    assert cell.checked_recently == 5
    traiteur = CoverageSnapshot.objects.get(
        taken_on=today, region_id="01", category_id="alimentation.traiteur"
    )
    assert traiteur.suppliers == 1
    assert (
        CoverageSnapshot.objects.get(
            taken_on=today, region_id="02", category_id="entretien.menager"
        ).suppliers
        == 0
    )

    # Taken again the same day: replaced, not doubled.
    Supplier.objects.filter(pk=listings["never"].pk).update(status=Status.ARCHIVED)
    coverage_snapshot_take(today=today)
    assert CoverageSnapshot.objects.filter(taken_on=today).count() == 17 * 57
    assert (
        CoverageSnapshot.objects.get(
            taken_on=today, region_id="01", category_id="entretien.menager"
        ).suppliers
        == 8
    )


def test_the_coverage_trend_reads_the_last_snapshot_of_each_month(curator_client, listings):
    coverage_snapshot_take(today=timezone.localdate() - timedelta(days=40))
    coverage_snapshot_take(today=timezone.localdate())
    response = curator_client.get(reverse("insights:coverage"))
    rows = response.context["tables"]["tendance"].rows
    assert len(rows) == 2
    # 17 × 57 cells: only (01, ménage) is covered.
    assert [cell.value for cell in rows[-1][1:]] == [17 * 57 - 1, 0, 1]


def test_the_periodic_tasks_are_declared_in_code():
    periodic = {task.task.name for task in app.periodic_registry.periodic_tasks.values()}
    assert {
        "insights.tasks.take_coverage_snapshot",
        "insights.tasks.purge_search_events",
        "insights.tasks.ask_for_confirmations",
    } <= periodic


def test_the_demo_catalogue_has_realistic_verification_dates():
    from suppliers.services import demo_catalogue_load

    demo_catalogue_load(count=200)
    now = timezone.now()
    dates = list(Supplier.objects.values_list("last_verified_at", flat=True))
    never = sum(date is None for date in dates)
    within_two_years = sum(date is not None and date > shift_months(now, -24) for date in dates)
    assert 10 <= never <= 50, "some never verified"
    assert within_two_years > len(dates) / 2, "most verified within two years"
    assert any(date is not None and date < shift_months(now, -24) for date in dates)
    # Loading again changes no date.
    demo_catalogue_load(count=200)
    assert list(Supplier.objects.values_list("last_verified_at", flat=True)) == dates

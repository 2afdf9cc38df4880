"""The needs in the dashboard: needs published per region × category with their estimated amounts (demand beside
supply), and the needs funnel (by month and kind of organisation: submitted, published, at least one interested,
awarded; median time to validation; reasons for "not interested"), against counts worked out by hand."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.demand import demand_beside_supply, month_of, needs_by_cell
from insights.funnel import needs_funnel
from needs.models import Answer, DeclineReason, NeedStatus, NeedStatusChange, Recipient
from tests.factories import BuyerFactory, BuyerOrganisationFactory
from tests.needs_factories import NeedFactory, published_need

pytestmark = pytest.mark.django_db


def test_published_needs_count_in_each_region_and_category_with_their_amounts():
    now = timezone.now()
    # 01 and 02, snow removal and cleaning, 30,000 $.
    published_need(
        recipients=0,
        regions=["01", "02"],
        categories=["entretien.deneigement", "entretien.menager"],
        estimated_amount=Decimal("30000.00"),
    )
    # 01, snow removal, no amount.
    published_need(recipients=0, regions=["01"])
    # All of Québec, catering, 5,000 $: every region.
    published_need(
        recipients=0,
        all_quebec=True,
        categories=["alimentation.traiteur"],
        estimated_amount=Decimal("5000"),
    )
    # Not counted: a draft, one submitted, one published before the period.
    NeedFactory(status=NeedStatus.DRAFT, estimated_amount=Decimal("999"))
    NeedFactory(status=NeedStatus.SUBMITTED, submitted_at=now, estimated_amount=Decimal("999"))
    published_need(recipients=0, published_at=now - timedelta(days=800), estimated_amount=Decimal("999"))
    cells = needs_by_cell(months=12, now=now)
    assert cells[("01", "entretien.deneigement")] == (2, 30000)
    assert cells[("02", "entretien.deneigement")] == (1, 30000)
    assert cells[("01", "entretien.menager")] == (1, 30000)
    assert cells[("02", "entretien.menager")] == (1, 30000)
    assert all(cells[(f"{n:02d}", "alimentation.traiteur")] == (1, 5000) for n in range(1, 18))
    assert len(cells) == 4 + 17


def test_needs_count_as_demand_beside_coverage():
    published_need(recipients=0, regions=["03"], estimated_amount=Decimal("12000"))
    cells = {(c.region.code, c.category.code): c for c in demand_beside_supply(months=12, now=timezone.now())}
    cell = cells[("03", "entretien.deneigement")]
    assert (cell.demand.needs_published, cell.demand.needs_amount, cell.demand.total) == (1, 12000, 1)
    assert cell.coverage == 0


@pytest.fixture
def funnel_needs():
    """Needs of this month: two municipal (one published with an interested supplier and awarded, one still
    submitted), one health (published, only a "not interested" answer). Validation took 2 h and 6 h."""
    now = timezone.now()
    municipal = BuyerFactory(organisation=BuyerOrganisationFactory(kind="municipal"))
    health = BuyerFactory(organisation=BuyerOrganisationFactory(kind="health"))
    awarded = published_need(
        recipients=2, author=municipal, submitted_at=now - timedelta(hours=10), outcome_awarded=True
    )
    NeedStatusChange.objects.create(
        need=awarded, from_status="submitted", to_status="published", changed_at=now - timedelta(hours=8)
    )
    first, second = awarded.recipients.all()
    Recipient.objects.filter(pk=first.pk).update(answer=Answer.INTERESTED, answered_at=now)
    Recipient.objects.filter(pk=second.pk).update(
        answer=Answer.NOT_INTERESTED, decline_reason=DeclineReason.CAPACITY, answered_at=now
    )
    NeedFactory(author=municipal, status=NeedStatus.SUBMITTED, submitted_at=now - timedelta(hours=1))
    declined = published_need(recipients=1, author=health, submitted_at=now - timedelta(hours=7))
    NeedStatusChange.objects.create(
        need=declined, from_status="submitted", to_status="published", changed_at=now - timedelta(hours=1)
    )
    Recipient.objects.filter(need=declined).update(
        answer=Answer.NOT_INTERESTED, decline_reason=DeclineReason.CAPACITY, answered_at=now
    )
    # Submitted long ago: outside the period.
    NeedFactory(status=NeedStatus.SUBMITTED, submitted_at=now - timedelta(days=800))
    return now


def test_the_funnel_counts_each_stage_by_month_and_kind_of_organisation(funnel_needs):
    data = needs_funnel(since=funnel_needs - timedelta(days=30))
    month = month_of(funnel_needs)
    assert sorted(data.stages) == [
        (month, "health", 1, 1, 0, 0),
        (month, "municipal", 2, 1, 1, 1),
    ]


def test_the_median_time_to_validation_and_the_reasons_for_not_interested(funnel_needs):
    data = needs_funnel(since=funnel_needs - timedelta(days=30))
    assert data.median_validation == timedelta(hours=4)  # 2 h and 6 h
    reasons = dict(data.reasons)
    assert reasons[str(DeclineReason.CAPACITY.label)] == 2
    assert sum(reasons.values()) == 2


def test_the_funnel_page_shows_the_stages_and_its_export_suppresses_small_cells(curator_client, funnel_needs):
    import csv
    import io

    response = curator_client.get(reverse("insights:funnel"))
    assert response.status_code == 200
    assert str(response.context["median_validation"]) == "4,0 h"  # French decimals
    export = curator_client.get(response.context["exports"]["entonnoir"])
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert all(value == "< 3" for row in rows[1:] for value in row[2:] if value != "0")

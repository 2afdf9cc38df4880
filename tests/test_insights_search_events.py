"""Search events: one anonymised row per search (never a user, an IP address or the text), and their purge."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.models import CoverageSnapshot, SearchEvent
from insights.services import search_events_purge, shift_months
from tests.factories import BuyerFactory, BuyerOrganisationFactory, MembershipFactory, SupplierFactory

pytestmark = pytest.mark.django_db

SECRET_TEXT = "traiteur confidentiel"


@pytest.fixture
def catalogue():
    SupplierFactory(name="Traiteur confidentiel", regions=["03"], categories=["alimentation.traiteur"])
    SupplierFactory(name="Ménage", regions=["06"], categories=["entretien.menager"])


def stored_values(event) -> str:
    """Everything a search event row holds, as text."""
    return repr(SearchEvent.objects.filter(pk=event.pk).values().get())


def test_a_search_records_its_filters_the_text_flag_and_the_number_of_results(client, catalogue):
    response = client.get(
        reverse("suppliers:search"),
        {
            "q": SECRET_TEXT,
            "region": ["03", "06"],
            "sector": "alimentation",
            "category": "alimentation.traiteur",
        },
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 200
    event = SearchEvent.objects.get()
    assert event.regions == ["03", "06"]
    assert event.sectors == ["alimentation"]
    assert event.categories == ["alimentation.traiteur"]
    assert event.with_text is True
    assert event.results == response.context["results"].count == 1
    assert event.organisation_kind == ""
    assert event.channel == "page"
    assert event.hour == timezone.now().replace(minute=0, second=0, microsecond=0)


def test_a_search_event_never_stores_a_user_an_ip_address_or_the_text(client, catalogue):
    buyer = BuyerFactory(organisation=BuyerOrganisationFactory(kind="health"))
    client.force_login(buyer.user)
    client.get(reverse("suppliers:search"), {"q": SECRET_TEXT, "region": "03"}, REMOTE_ADDR="203.0.113.9")
    event = SearchEvent.objects.get()
    stored = stored_values(event)
    assert "traiteur" not in stored and "confidentiel" not in stored
    assert "203.0.113" not in stored
    assert buyer.user.email not in stored
    # No column could hold them: only the hour, the organisation kind, the filters, the flags and the count.
    columns = {field.column for field in SearchEvent._meta.concrete_fields}
    assert columns == {
        "id",
        "hour",
        "organisation_kind",
        "regions",
        "sectors",
        "categories",
        "with_text",
        "results",
        "channel",
    }
    # The kind of organisation of a logged-in buyer, never which one.
    assert event.organisation_kind == "health"


@pytest.mark.parametrize("status", ["pending", "refused"])
def test_only_an_active_buyers_organisation_kind_is_recorded(client, catalogue, status):
    client.force_login(BuyerFactory(status=status, organisation=BuyerOrganisationFactory(kind="health")).user)
    client.get(reverse("suppliers:search"), {"region": "03"})
    assert SearchEvent.objects.get().organisation_kind == ""


def test_an_enterprise_member_searching_is_recorded_without_an_organisation_kind(client, catalogue):
    client.force_login(MembershipFactory().user)
    client.get(reverse("suppliers:search"), {"region": "03"})
    assert SearchEvent.objects.get().organisation_kind == ""


def test_paging_through_results_is_not_counted_as_new_searches(client):
    for index in range(25):
        SupplierFactory(name=f"Fournisseur {index:02d}", regions=["06"])
    client.get(reverse("suppliers:search"), {"region": "06"})
    client.get(reverse("suppliers:search"), {"region": "06", "page": 2})
    assert SearchEvent.objects.count() == 1


def test_a_search_that_finds_nothing_is_recorded_with_zero_results(client, catalogue):
    client.get(reverse("suppliers:search"), {"region": "11", "category": "entretien.menager"})
    assert SearchEvent.objects.get().results == 0


def test_an_invalid_search_is_not_recorded(client, catalogue):
    response = client.get(reverse("suppliers:search"), {"region": "99"})
    assert response.status_code == 400
    assert not SearchEvent.objects.exists()


def test_an_api_search_is_recorded_as_such(client, catalogue):
    response = client.get(reverse("suppliers_api:list"), {"q": SECRET_TEXT, "region": "03"})
    assert response.status_code == 200
    event = SearchEvent.objects.get()
    assert (event.channel, event.regions, event.with_text, event.results) == ("api", ["03"], True, 1)
    assert "confidentiel" not in stored_values(event)


def test_a_search_without_text_is_recorded_so(client, catalogue):
    client.get(reverse("suppliers:search"), {"q": "   ", "region": "03"})
    assert SearchEvent.objects.get().with_text is False


def test_the_purge_removes_events_older_than_24_months_and_nothing_else(curator):
    now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    cutoff = shift_months(now, -24)
    assert cutoff == datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
    too_old = [cutoff - timedelta(hours=1), cutoff - timedelta(days=400)]
    kept = [cutoff, cutoff + timedelta(hours=1), now - timedelta(days=1)]
    for hour in too_old + kept:
        SearchEvent.objects.create(hour=hour, results=1)
    snapshot = CoverageSnapshot.objects.create(
        taken_on=(cutoff - timedelta(days=10)).date(),
        region_id="01",
        category_id="entretien.menager",
        suppliers=1,
        cooperatives=0,
        non_profits=1,
        adapted=0,
        integration=0,
        checked_recently=0,
    )

    assert search_events_purge(now=now) == len(too_old)

    assert sorted(SearchEvent.objects.values_list("hour", flat=True)) == kept
    assert CoverageSnapshot.objects.filter(pk=snapshot.pk).exists()
    assert SearchEvent.objects.count() == 3


def test_months_are_shifted_to_the_same_day_or_the_last_of_a_shorter_month():
    assert shift_months(datetime(2026, 3, 31, 8, tzinfo=UTC), -1) == datetime(2026, 2, 28, 8, tzinfo=UTC)
    assert shift_months(datetime(2026, 1, 15, tzinfo=UTC), -24) == datetime(2024, 1, 15, tzinfo=UTC)
    assert shift_months(datetime(2025, 12, 31, tzinfo=UTC), 2) == datetime(2026, 2, 28, tzinfo=UTC)


def test_search_events_are_written_in_batches(client, catalogue, settings):
    from insights.services import search_events

    settings.SEARCH_EVENTS_BATCH = 3
    client.get(reverse("suppliers:search"), {"region": "03"})
    client.get(reverse("suppliers:search"), {"region": "06"})
    assert not SearchEvent.objects.exists(), "kept by the process until a batch is full"
    client.get(reverse("suppliers:search"), {"region": "11"})
    assert sorted(SearchEvent.objects.values_list("regions", flat=True)) == [["03"], ["06"], ["11"]]
    client.get(reverse("suppliers:search"), {"region": "01"})
    search_events.flush()  # as when the process exits
    assert SearchEvent.objects.count() == 4


def test_a_batch_is_written_once_its_oldest_event_has_waited_long_enough(
    client, catalogue, settings, monkeypatch
):
    import time

    from insights import services

    settings.SEARCH_EVENTS_BATCH = 50
    client.get(reverse("suppliers:search"), {"region": "03"})
    assert not SearchEvent.objects.exists()
    later = time.monotonic() + services.SEARCH_EVENTS_MAX_WAIT
    monkeypatch.setattr(services.time, "monotonic", lambda: later)
    client.get(reverse("suppliers:search"), {"region": "06"})
    assert SearchEvent.objects.count() == 2


def test_the_privacy_policy_says_how_long_searches_are_kept(client, monkeypatch):
    from privacy import retention

    monkeypatch.setattr(retention, "SEARCH_EVENTS_MONTHS", 18)
    content = client.get(reverse("privacy")).content.decode()
    assert "jamais le texte" in content
    assert "18 mois, puis effacées automatiquement" in content

"""A buyer's personal data (Loi 25): their profile, lists with notes and decisions, saved searches and the records
they wrote are in their download; deleting the account removes the lists and searches and keeps the records."""

import json

import pytest
from django.urls import reverse

from buyers import services
from buyers.models import MarketResearchRecord, SavedSearch, Shortlist
from buyers.models.records import RecordSource

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide-2026"


def _workspace(buyer, supplier):
    shortlist = services.shortlist_create(owner=buyer, name="Traiteurs cafétéria")
    services.shortlist_add(shortlist=shortlist, supplier=supplier, by=buyer.user, note="Rappeler en janvier")
    services.saved_search_create(owner=buyer, name="Traiteurs de l'Abitibi", querystring="region=08")
    return services.record_create(
        author=buyer,
        suppliers=[supplier],
        selected_ids=[supplier.pk],
        need="Cafétéria",
        estimated_amount=60000,
        nature="services",
        mode_considered="mutual_agreement",
        justification="Trois prix demandés.",
        source=RecordSource.SHORTLIST,
        criteria={"shortlist": "Traiteurs cafétéria"},
    )


def test_a_buyers_download_holds_their_profile_lists_searches_and_records_and_nobody_elses(
    client, buyer_a, buyer_b, caterers
):
    record = _workspace(buyer_a, caterers[0])
    other = services.shortlist_create(owner=buyer_b, name="Liste de Rimouski")
    services.shortlist_add(shortlist=other, supplier=caterers[1], by=buyer_b.user, note="Note de Rimouski")
    client.force_login(buyer_a.user)
    sections = json.loads(client.get(reverse("privacy:account_data_json")).content)["sections"]
    assert sections["buyer"]["records"][0]["organisation"] == "CISSS de l'Abitibi-Témiscamingue"
    [entry] = sections["shortlists"]["records"]
    assert (entry["list"], entry["neq"], entry["note"]) == (
        "Traiteurs cafétéria",
        caterers[0].neq,
        "Rappeler en janvier",
    )
    assert sections["saved_searches"]["records"][0]["criteria"] == "region=08"
    assert sections["market_research_records"]["records"][0]["reference"] == record.reference
    assert "Note de Rimouski" not in json.dumps(sections)


def test_deleting_a_buyers_account_removes_lists_and_searches_and_keeps_the_records(
    client, buyer_a, caterers
):
    record = _workspace(buyer_a, caterers[0])
    buyer_a.user.set_password(PASSWORD)
    buyer_a.user.save()
    client.force_login(buyer_a.user)
    client.post(reverse("privacy:account_delete"), {"password": PASSWORD})
    assert not Shortlist.objects.exists() and not SavedSearch.objects.exists()
    kept = MarketResearchRecord.objects.get(pk=record.pk)
    assert kept.author_id is None and kept.author_name == record.author_name

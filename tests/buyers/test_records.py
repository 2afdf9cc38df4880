"""Market-research records: created from a search or a list in one action, a public reference, Québec time, an
ordered snapshot with rotation counts, the indicative mode from the threshold rules; immutable (no ORM path,
admin screen or forged POST changes it), a checksum that verification recomputes, append-only addenda, a CSV
export; only the author's organisation sees its records, staff see counts."""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

import pgtrigger
import pytest
from django.db import DatabaseError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from buyers import services
from buyers.models import Decision, MarketResearchRecord, RecordAddendum, RecordSource
from tests.factories import SupplierFactory

from .conftest import ROLES

pytestmark = pytest.mark.django_db
CREATE = reverse("buyers:record_create")
FORM = {
    "need": "Service de traiteur pour la cafétéria de l'hôpital d'Amos",
    "estimated_amount": "60000",
    "nature": "services",
    "mode_considered": "mutual_agreement",
    "justification": "Trois fournisseurs de la région consultés; rotation respectée.",
}


def create_from_search(client, querystring, selected=(), **overrides):
    return client.post(f"{CREATE}?{querystring}", {**FORM, **overrides, "selected": list(selected)})


@pytest.fixture
def record(client, buyer_a, caterers):
    client.force_login(buyer_a.user)
    response = create_from_search(client, "region=08&sort=name", selected=[caterers[1].neq])
    client.get(response["Location"])  # shows (and so uses up) the "record created" message
    return MarketResearchRecord.objects.get()


def test_a_record_from_a_search_keeps_its_results_in_order(client, buyer_a, caterers):
    client.force_login(buyer_a.user)
    form = client.get(f"{CREATE}?region=08&sort=name")
    assertContains(form, "Coop Cantine du Nord")
    response = create_from_search(client, "region=08&sort=name", selected=[caterers[1].neq])
    record = MarketResearchRecord.objects.get()
    assert response["Location"] == record.get_absolute_url()
    assert re.fullmatch(rf"RM-{timezone.localdate().year}-00001", record.reference)
    assert record.organisation == buyer_a.organisation
    assert record.organisation_name == "CISSS de l'Abitibi-Témiscamingue"
    assert record.author_name == "Julie Gagnon"
    assert record.source == RecordSource.SEARCH
    assert record.criteria["filters"] == {"region": ["08"]}
    assert record.results_count == 3
    assert [row["name"] for row in record.snapshot] == [
        "Coop Cantine du Nord",
        "Repas Solidaires Val-d'Or",
        "Traiteur La Bonne Table",
    ]
    first = record.snapshot[0]
    assert first == {
        "rank": 1,
        "neq": "3300000022",
        "name": "Coop Cantine du Nord",
        "legal_form": "non_profit",
        "coop_type": "",
        "accreditations": [],
        "all_quebec": False,
        "regions": ["08", "10"],
        "categories": ["alimentation.traiteur"],
        "status": "published",
        "verified_on": None,
        "invited_24_months": 0,
        "retained_24_months": 0,
        "selected": True,
    }
    assert [row["selected"] for row in record.snapshot] == [True, False, False]


def test_references_follow_each_other_within_the_year(client, buyer_a, buyer_b, caterers):
    client.force_login(buyer_a.user)
    create_from_search(client, "region=08")
    client.force_login(buyer_b.user)
    create_from_search(client, "region=08")
    year = timezone.localdate().year
    assert sorted(MarketResearchRecord.objects.values_list("reference", flat=True)) == [
        f"RM-{year}-00001",
        f"RM-{year}-00002",
    ]


def test_the_record_page_shows_quebec_time_the_checksum_and_the_indicative_mode(record, client):
    response = client.get(record.get_absolute_url())
    local = record.created_at.astimezone(ZoneInfo("America/Toronto"))
    assertContains(response, f"{local.day} ")
    assertContains(response, local.strftime("%H:%M"))
    assertContains(response, "heure du Québec")
    assertContains(response, record.checksum)
    # A CISSS is in the health network: services by mutual agreement up to 99,999 $ (seeded rule).
    assert record.indicative["mode"] == "mutual_agreement"
    assert record.indicative["amount_to"] == 99999
    assertContains(response, "Gré à gré")
    assertContains(response, record.indicative["source_url"])


def test_the_indicative_mode_follows_the_organisations_regime_and_never_blocks(client, buyer_b, caterers):
    client.force_login(buyer_b.user)  # a municipality
    response = create_from_search(
        client, "region=08", estimated_amount="60000", mode_considered="mutual_agreement"
    )
    assert response.status_code == 302
    record = MarketResearchRecord.objects.get()
    assert record.indicative["mode"] == "invited_tender"
    assert record.indicative["min_invitees"] == 2
    assert record.mode_considered == "mutual_agreement"


def test_the_form_shows_the_rules_in_force_for_the_organisation(client, buyer_b, caterers):
    client.force_login(buyer_b.user)
    response = client.get(f"{CREATE}?region=08")
    assertContains(response, "Municipalités et MRC")
    assert re.search(r"121\W200 \$ et plus", response.content.decode())
    assertContains(response, "À titre indicatif seulement")


def test_rotation_counts_what_this_organisation_marked_in_the_last_24_months(
    client, buyer_a, colleague_a, buyer_b, caterers
):
    today = timezone.localdate()

    def mark(owner, decisions):
        shortlist = services.shortlist_create(owner=owner, name="Liste")
        entry, _created = services.shortlist_add(shortlist=shortlist, supplier=caterers[0], by=owner.user)
        for decision, days_ago in decisions:
            services.shortlist_entry_update(
                entry=entry, note="", decision=decision, decided_on=today - datetime.timedelta(days=days_ago)
            )

    mark(buyer_a, [(Decision.INVITED, 30)])
    mark(colleague_a, [(Decision.INVITED, 220), (Decision.RETAINED, 200)])  # both count
    mark(buyer_a, [(Decision.INVITED, 800)])  # older than 24 months
    mark(buyer_b, [(Decision.RETAINED, 10)])  # another organisation

    client.force_login(buyer_a.user)
    create_from_search(client, "region=08")
    row = next(row for row in MarketResearchRecord.objects.get().snapshot if row["neq"] == caterers[0].neq)
    assert (row["invited_24_months"], row["retained_24_months"]) == (2, 1)
    assertContains(client.get(MarketResearchRecord.objects.get().get_absolute_url()), "Invité (24 mois)")


def test_a_record_from_a_list_preselects_those_asked_and_keeps_the_list_order(
    client, buyer_a, caterers, curator
):
    shortlist = services.shortlist_create(
        owner=buyer_a, name="Cafétéria Amos", purpose="Cafétéria", estimated_amount=60000
    )
    for supplier, decision in [(caterers[2], Decision.PRICE_REQUESTED), (caterers[0], Decision.EXCLUDED)]:
        entry, _created = services.shortlist_add(shortlist=shortlist, supplier=supplier, by=buyer_a.user)
        services.shortlist_entry_update(
            entry=entry, note="", decision=decision, decided_on=timezone.localdate()
        )
    caterers[0].suspend(by=curator, reason="Non conforme")
    client.force_login(buyer_a.user)
    form = client.get(f"{CREATE}?liste={shortlist.pk}")
    assertContains(form, f'value="{caterers[2].neq}" id="selected-{caterers[2].neq}" checked')
    assertNotContains(form, f'value="{caterers[0].neq}" id="selected-{caterers[0].neq}" checked')
    assertContains(form, 'value="60000"')

    client.post(f"{CREATE}?liste={shortlist.pk}", {**FORM, "selected": [caterers[2].neq]})
    record = MarketResearchRecord.objects.get()
    assert record.source == RecordSource.SHORTLIST
    assert record.criteria["shortlist"] == "Cafétéria Amos"
    assert [(row["neq"], row["status"], row["selected"]) for row in record.snapshot] == [
        (caterers[2].neq, "published", True),
        (caterers[0].neq, "suspended", False),
    ]


def test_a_search_with_more_results_than_kept_says_so(client, buyer_a, caterers, monkeypatch):
    monkeypatch.setattr(services, "RECORD_MAX_RESULTS", 2)
    client.force_login(buyer_a.user)
    assertContains(
        client.get(f"{CREATE}?sector=alimentation"), "Le dossier conserve les 2 premiers résultats"
    )
    create_from_search(client, "sector=alimentation")
    record = MarketResearchRecord.objects.get()
    assert (record.results_count, len(record.snapshot)) == (4, 2)


def test_an_invalid_form_keeps_what_was_typed_and_creates_nothing(client, buyer_a, caterers):
    client.force_login(buyer_a.user)
    response = create_from_search(
        client, "region=08", selected=[caterers[0].neq], estimated_amount="beaucoup"
    )
    assert response.status_code == 400
    assertContains(response, FORM["justification"], status_code=400)
    assertContains(
        response, f'value="{caterers[0].neq}" id="selected-{caterers[0].neq}" checked', status_code=400
    )
    assert not MarketResearchRecord.objects.exists()


def test_a_supplier_outside_the_results_cannot_be_selected(client, buyer_a, caterers):
    client.force_login(buyer_a.user)
    response = create_from_search(client, "region=08", selected=[caterers[3].neq])
    assert response.status_code == 400
    assert not MarketResearchRecord.objects.exists()


# --- Who sees what ---

RECORD_STATUS = {
    "anonymous": 302,
    "pending": 403,
    "buyer_a": 200,
    "buyer_b": 404,
    "member": 403,
    "staff": 403,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["record_detail", "record_export"])
def test_only_the_authors_organisation_sees_a_record(as_role, role, page, record, colleague_a):
    response = as_role(role).get(reverse(f"buyers:{page}", args=[record.reference]))
    assert response.status_code == RECORD_STATUS[role]
    if response.status_code != 200:
        assertNotContains(response, "Service de traiteur pour la cafétéria", status_code=response.status_code)


def test_a_colleague_of_the_same_organisation_sees_it(client, record, colleague_a):
    client.force_login(colleague_a.user)
    assertContains(client.get(record.get_absolute_url()), "Service de traiteur pour la cafétéria")
    assertContains(client.get(reverse("buyers:record_list")), record.reference)


@pytest.mark.parametrize("role", ROLES)
def test_the_records_list_per_role(as_role, role, record):
    response = as_role(role).get(reverse("buyers:record_list"))
    expected = {"anonymous": 302, "pending": 403, "buyer_a": 200, "buyer_b": 200, "member": 403, "staff": 403}
    assert response.status_code == expected[role]
    if role == "buyer_b":
        assertNotContains(response, record.reference)


@pytest.mark.parametrize("role", ["anonymous", "pending", "member", "staff"])
def test_only_active_buyers_create_records(as_role, role, caterers):
    client = as_role(role)
    assert client.get(f"{CREATE}?region=08").status_code == (302 if role == "anonymous" else 403)
    create_from_search(client, "region=08")
    assert not MarketResearchRecord.objects.exists()


def test_a_buyer_cannot_make_a_record_from_another_organisations_list(client, buyer_a, buyer_b, caterers):
    shortlist = services.shortlist_create(owner=buyer_a, name="Privée")
    services.shortlist_add(shortlist=shortlist, supplier=caterers[0], by=buyer_a.user)
    client.force_login(buyer_b.user)
    assert client.get(f"{CREATE}?liste={shortlist.pk}").status_code == 404
    assert client.post(f"{CREATE}?liste={shortlist.pk}", FORM).status_code == 404


def test_staff_see_counts_of_records_not_their_content(client, curator, record, buyer_a):
    client.force_login(curator)
    response = client.get(reverse("buyers:staff_organisations") + "?q=Abitibi")
    assertContains(response, "CISSS de l&#x27;Abitibi-Témiscamingue")
    counts = re.search(
        r"<td class=\"numeric\">(\d+)</td>\s*<td class=\"numeric\">(\d+)</td>\s*</tr>",
        response.content.decode(),
    )
    assert counts.groups() == ("1", "0")  # one record, no saved search
    assertNotContains(response, record.reference)
    assertNotContains(response, "Service de traiteur pour la cafétéria")
    with pytest.raises(NoReverseMatch):
        reverse("admin:buyers_marketresearchrecord_changelist")
    assert client.get(f"/admin/buyers/marketresearchrecord/{record.pk}/change/").status_code == 404


# --- Immutability ---


def test_the_database_refuses_any_change_or_deletion_of_a_record(record):
    for attempt in [
        lambda: MarketResearchRecord.objects.filter(pk=record.pk).update(justification="réécrite"),
        lambda: MarketResearchRecord.objects.filter(pk=record.pk).update(snapshot=[]),
        lambda: MarketResearchRecord.objects.filter(pk=record.pk).delete(),
        lambda: record.save(),
    ]:
        with pytest.raises(DatabaseError, match="pgtrigger"), transaction.atomic():
            attempt()
    record.refresh_from_db()
    assert record.is_intact


def test_the_database_refuses_any_change_or_deletion_of_an_addendum(record, buyer_a):
    addendum = services.record_addendum_add(record=record, author=buyer_a, seao_number="1234567")
    for attempt in [
        lambda: RecordAddendum.objects.filter(pk=addendum.pk).update(amount=1),
        lambda: RecordAddendum.objects.filter(pk=addendum.pk).delete(),
    ]:
        with pytest.raises(DatabaseError, match="pgtrigger"), transaction.atomic():
            attempt()


def test_deleting_the_authors_account_keeps_the_record_and_its_authors_name(record, buyer_a):
    buyer_a.user.delete()
    record.refresh_from_db()
    assert record.author_id is None
    assert record.author_name == "Julie Gagnon"
    assert record.is_intact


def test_a_forged_post_changes_nothing(client, record):
    before = MarketResearchRecord.objects.values().get(pk=record.pk)
    response = client.post(record.get_absolute_url(), {"justification": "falsifiée", "need": "autre"})
    assert response.status_code == 405
    response = client.post(
        reverse("buyers:record_addendum", args=[record.reference]),
        {"note": "ajout", "justification": "falsifiée", "checksum": "0" * 64},
    )
    assert MarketResearchRecord.objects.values().get(pk=record.pk) == before


def test_tampering_with_the_stored_content_makes_verification_fail(client, record):
    url = f"{reverse('buyers:record_verify')}?reference={record.reference}&checksum={record.checksum}"
    assertContains(client.get(url), "Dossier intègre.")
    # Someone with direct access to the database, going around the trigger.
    with pgtrigger.ignore("buyers.MarketResearchRecord:market_research_record_never_changed"):
        MarketResearchRecord.objects.filter(pk=record.pk).update(justification="réécrite après coup")
    response = client.get(url)
    assertContains(response, "Intégrité compromise.")
    assertNotContains(response, "Dossier intègre.")


def test_verification_needs_the_printed_checksum_and_shows_no_content(client, record):
    anonymous = client.__class__()
    response = anonymous.get(
        f"{reverse('buyers:record_verify')}?reference={record.reference}&checksum={'a' * 64}"
    )
    assertContains(response, "Aucun dossier ne porte cette référence avec cette empreinte.")
    response = anonymous.get(
        f"{reverse('buyers:record_verify')}?reference={record.reference}&checksum={record.checksum.upper()}"
    )
    assertContains(response, "Dossier intègre.")
    assertNotContains(response, "Service de traiteur pour la cafétéria")
    assertNotContains(response, "Coop Cantine du Nord")


def test_the_checksum_is_the_sha256_of_the_canonical_content(record):
    import hashlib
    import json

    content = json.dumps(
        record.canonical_content(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert record.checksum == hashlib.sha256(content.encode()).hexdigest()
    assert set(record.canonical_content()) >= {
        "reference",
        "created_at",
        "snapshot",
        "justification",
        "indicative",
    }


# --- Addenda ---


def test_addenda_are_dated_appended_and_chained_to_the_record(client, record, caterers):
    url = reverse("buyers:record_addendum", args=[record.reference])
    client.post(url, {"retained_neq": caterers[1].neq, "amount": "58000", "seao_number": ""})
    client.post(url, {"seao_number": "1789456", "note": "Avis publié"})
    addenda = list(record.addenda.all())
    assert [(a.retained_name, a.amount, a.seao_number) for a in addenda] == [
        ("Coop Cantine du Nord", 58000, ""),
        ("", None, "1789456"),
    ]
    assert all(addendum.is_intact for addendum in addenda)
    assert addenda[0].canonical_content()["record_checksum"] == record.checksum
    assert re.search(r"58\W000 \$", client.get(record.get_absolute_url()).content.decode())
    assertContains(
        client.get(
            f"{reverse('buyers:record_verify')}?reference={record.reference}&checksum={record.checksum}"
        ),
        "Ses 2 addendas sont intègres aussi.",
    )


def test_an_empty_addendum_or_a_stranger_is_refused(client, record, buyer_b, caterers):
    url = reverse("buyers:record_addendum", args=[record.reference])
    assert client.post(url, {"note": "  "}).status_code == 400
    assert client.post(url, {"retained_neq": caterers[3].neq}).status_code == 400
    client.force_login(buyer_b.user)
    assert client.post(url, {"note": "intrus"}).status_code == 404
    assert not record.addenda.exists()


def test_a_tampered_addendum_fails_verification(client, record, buyer_a):
    addendum = services.record_addendum_add(record=record, author=buyer_a, amount=58000)
    with pgtrigger.ignore("buyers.RecordAddendum:record_addendum_never_changed"):
        RecordAddendum.objects.filter(pk=addendum.pk).update(amount=5800)
    url = f"{reverse('buyers:record_verify')}?reference={record.reference}&checksum={record.checksum}"
    assertContains(client.get(url), "Intégrité compromise.")


# --- Export ---


def test_a_record_exports_as_csv_with_its_facts_and_results(client, record):
    response = client.get(reverse("buyers:record_export", args=[record.reference]))
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffRéférence," + record.reference)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{record.reference}-{timezone.localdate().isoformat()}.csv"'
    )
    rows = list(csv.reader(io.StringIO(content[1:])))
    facts = {row[0]: row[1] for row in rows if len(row) == 2}
    assert facts["Empreinte SHA-256"] == record.checksum
    assert facts["Organisme"] == "CISSS de l'Abitibi-Témiscamingue"
    header = rows.index(next(row for row in rows if row and row[0] == "Rang"))
    assert [row[2] for row in rows[header + 1 :]] == [row["name"] for row in record.snapshot]
    assert rows[header + 1][11] == "oui"


def test_record_creation_service_takes_suppliers_and_extra_columns(buyer_a, caterers):
    """The service other apps (needs) call: an ordered list of suppliers and extra snapshot columns."""
    record = services.record_create(
        author=buyer_a,
        suppliers=[caterers[2], caterers[0]],
        selected_ids=[caterers[0].pk],
        need="Besoin publié",
        estimated_amount=20000,
        nature="supply",
        mode_considered="mutual_agreement",
        justification="Réponses reçues au besoin publié.",
        source=RecordSource.NEED,
        criteria={"need": "N-12"},
        extra_columns=[("Réponse au besoin", {caterers[0].pk: "2026-11-20"})],
    )
    assert record.extra_columns == ["Réponse au besoin"]
    assert [row["extra"]["Réponse au besoin"] for row in record.snapshot] == ["", "2026-11-20"]
    assert [row["selected"] for row in record.snapshot] == [False, True]
    assert record.is_intact


def test_an_unpublished_supplier_in_a_snapshot_is_shown_as_such(client, buyer_a):
    supplier = SupplierFactory(name="Ancienne coop", status="archived")
    record = services.record_create(
        author=buyer_a,
        suppliers=[supplier],
        selected_ids=[],
        need="x",
        estimated_amount=1,
        nature="supply",
        mode_considered="mutual_agreement",
        justification="x",
        source=RecordSource.SHORTLIST,
        criteria={"shortlist": "x"},
    )
    client.force_login(buyer_a.user)
    assertContains(client.get(record.get_absolute_url()), "Archivée")

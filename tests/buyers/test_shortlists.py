"""Shortlists: added to from a result card and from the supplier page in one action without JavaScript, private or
shared read-only with the organisation, notes and dated decisions never shown to suppliers, suspended or archived
suppliers flagged and kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from buyers import services
from buyers.models import Decision, Shortlist, ShortlistDecision, ShortlistEntry, Visibility
from tests.factories import MembershipFactory, SupplierFactory

from .conftest import ROLES

pytestmark = pytest.mark.django_db
ADD = reverse("buyers:shortlist_add")


@pytest.fixture
def private_list(buyer_a, caterers):
    shortlist = services.shortlist_create(owner=buyer_a, name="Cafétéria Amos", purpose="Repas du personnel")
    services.shortlist_add(
        shortlist=shortlist, supplier=caterers[0], by=buyer_a.user, note="Note privée A-17"
    )
    return shortlist


@pytest.fixture
def shared_list(buyer_a, caterers):
    shortlist = services.shortlist_create(
        owner=buyer_a, name="Liste partagée", visibility=Visibility.ORGANISATION
    )
    services.shortlist_add(
        shortlist=shortlist, supplier=caterers[1], by=buyer_a.user, note="Note partagée B-42"
    )
    return shortlist


# --- Who sees what ---

# Expected status of each page per role: anonymous visitors are sent to log in (302); buyer B and the others never
# see organisation A's lists (404 for B: nothing revealed; 403 for those who are not active buyers).
DETAIL_STATUS = {
    "anonymous": 302,
    "pending": 403,
    "buyer_a": 200,
    "buyer_b": 404,
    "member": 403,
    "staff": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_a_private_list_is_seen_by_its_owner_only(as_role, role, private_list):
    response = as_role(role).get(private_list.get_absolute_url())
    assert response.status_code == DETAIL_STATUS[role]
    if response.status_code == 200:
        assertContains(response, "Note privée A-17")
    else:
        assertNotContains(response, "Note privée A-17", status_code=response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_the_lists_page_per_role(as_role, role, private_list):
    response = as_role(role).get(reverse("buyers:shortlist_list"))
    expected = {"anonymous": 302, "pending": 403, "buyer_a": 200, "buyer_b": 200, "member": 403, "staff": 403}
    assert response.status_code == expected[role]
    if role == "buyer_b":
        assertNotContains(response, "Cafétéria Amos")
    if role == "buyer_a":
        assertContains(response, "Cafétéria Amos")


def test_a_colleague_reads_a_shared_list_but_cannot_change_it(client, colleague_a, shared_list, private_list):
    client.force_login(colleague_a.user)
    response = client.get(shared_list.get_absolute_url())
    assertContains(response, "Note partagée B-42")
    assertContains(response, "lecture seule")
    assertNotContains(response, "Retirer de la liste")
    assert client.get(private_list.get_absolute_url()).status_code == 404
    listing = client.get(reverse("buyers:shortlist_list"))
    assertContains(listing, "Liste partagée")
    assertNotContains(listing, "Cafétéria Amos")

    entry = shared_list.entries.get()
    response = client.post(
        reverse("buyers:entry_update", kwargs={"pk": shared_list.pk, "entry_pk": entry.pk}),
        {
            f"entry-{entry.pk}-note": "modifiée",
            f"entry-{entry.pk}-decision": "invited",
            f"entry-{entry.pk}-decided_on": "2026-01-05",
        },
    )
    assert response.status_code == 404
    assert (
        client.post(
            reverse("buyers:entry_remove", kwargs={"pk": shared_list.pk, "entry_pk": entry.pk})
        ).status_code
        == 404
    )
    assert client.post(reverse("buyers:shortlist_delete", args=[shared_list.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.note == "Note partagée B-42"


def test_a_buyer_of_another_organisation_sees_nothing_of_a_shared_list(client, buyer_b, shared_list):
    client.force_login(buyer_b.user)
    assert client.get(shared_list.get_absolute_url()).status_code == 404
    assert (
        client.get(
            reverse("buyers:shortlist_export", kwargs={"pk": shared_list.pk, "fmt": "csv"})
        ).status_code
        == 404
    )
    assertNotContains(client.get(reverse("buyers:shortlist_list")), "Liste partagée")
    assertNotContains(client.get(reverse("buyers:home")), "Liste partagée")


# --- Adding, in one action without JavaScript ---


def test_a_result_card_carries_the_add_to_list_controls_tied_to_a_form_outside_the_search_form(
    client, buyer_a, caterers, private_list
):
    client.force_login(buyer_a.user)
    content = client.get(reverse("suppliers:search") + "?region=08").content.decode()
    neq = caterers[1].neq
    assert f'<select id="add-{neq}-list" name="shortlist" form="add-{neq}">' in content
    assert f'<button type="submit" class="button--secondary" form="add-{neq}">' in content
    # The POST form itself comes after the search form closes (forms cannot nest).
    search_form_end = content.index("</form>", content.index('class="search-form"'))
    assert content.index(f'<form id="add-{neq}" method="post"') > search_form_end
    assert f'<option value="{private_list.pk}">Cafétéria Amos</option>' in content


def test_anonymous_visitors_and_enterprise_members_get_no_add_controls(client, member, caterers):
    for user in [None, member]:
        if user:
            client.force_login(user)
        response = client.get(reverse("suppliers:search") + "?region=08")
        assertNotContains(response, 'name="shortlist"')
        assertNotContains(client.get(caterers[0].get_absolute_url()), 'name="shortlist"')


def test_adding_from_a_card_to_a_new_list_comes_back_to_the_search(client, buyer_a, caterers):
    client.force_login(buyer_a.user)
    back = reverse("suppliers:search") + "?region=08&page=1"
    response = client.post(ADD, {"supplier": caterers[2].neq, "shortlist": "new", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    shortlist = Shortlist.objects.get(owner=buyer_a)
    assert shortlist.name.startswith("Liste du ")
    assert list(shortlist.entries.values_list("supplier__neq", flat=True)) == [caterers[2].neq]
    assertContains(client.get(back), "est ajouté à la liste")


def test_adding_from_the_supplier_page_with_a_note_to_an_existing_list(
    client, buyer_a, caterers, private_list
):
    client.force_login(buyer_a.user)
    page = caterers[1].get_absolute_url()
    assertContains(client.get(page), 'name="note"')
    client.post(
        ADD,
        {
            "supplier": caterers[1].neq,
            "shortlist": str(private_list.pk),
            "note": "Rappeler lundi",
            "next": page,
        },
    )
    entry = ShortlistEntry.objects.get(shortlist=private_list, supplier=caterers[1])
    assert entry.note == "Rappeler lundi"
    assert entry.decision == Decision.CONSIDERED
    assert entry.added_by == buyer_a.user


def test_adding_twice_keeps_one_entry(client, buyer_a, caterers, private_list):
    client.force_login(buyer_a.user)
    for _ in range(2):
        client.post(ADD, {"supplier": caterers[0].neq, "shortlist": str(private_list.pk)})
    assert private_list.entries.filter(supplier=caterers[0]).count() == 1
    assert private_list.entries.get(supplier=caterers[0]).note == "Note privée A-17"


def test_a_forged_post_cannot_add_to_someone_elses_list(client, buyer_b, private_list, caterers):
    client.force_login(buyer_b.user)
    client.post(ADD, {"supplier": caterers[2].neq, "shortlist": str(private_list.pk)})
    assert not private_list.entries.filter(supplier=caterers[2]).exists()
    assert not Shortlist.objects.filter(owner=buyer_b).exists()


def test_a_supplier_that_is_not_published_cannot_be_added(client, buyer_a, private_list):
    draft = SupplierFactory(status="draft")
    client.force_login(buyer_a.user)
    client.post(ADD, {"supplier": draft.neq, "shortlist": str(private_list.pk)})
    assert not private_list.entries.filter(supplier=draft).exists()


@pytest.mark.parametrize("role", ["anonymous", "pending", "member", "staff"])
def test_only_active_buyers_add_to_lists(as_role, role, caterers):
    response = as_role(role).post(ADD, {"supplier": caterers[0].neq, "shortlist": "new"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not ShortlistEntry.objects.exists()


def test_next_never_leaves_the_site(client, buyer_a, caterers):
    client.force_login(buyer_a.user)
    response = client.post(
        ADD, {"supplier": caterers[0].neq, "shortlist": "new", "next": "https://ailleurs.example/"}
    )
    assert response["Location"] == reverse("buyers:shortlist_list")


# --- Notes and decisions ---


def test_a_decision_and_its_date_are_kept_and_logged(client, buyer_a, private_list):
    client.force_login(buyer_a.user)
    entry = private_list.entries.get()
    prefix = f"entry-{entry.pk}"
    url = reverse("buyers:entry_update", kwargs={"pk": private_list.pk, "entry_pk": entry.pk})
    client.post(
        url,
        {
            f"{prefix}-note": "Prix reçu",
            f"{prefix}-decision": "price_requested",
            f"{prefix}-decided_on": "2026-03-02",
        },
    )
    client.post(
        url,
        {
            f"{prefix}-note": "Prix reçu",
            f"{prefix}-decision": "invited",
            f"{prefix}-decided_on": "2026-03-09",
        },
    )
    entry.refresh_from_db()
    assert (entry.decision, entry.decided_on, entry.note) == (
        "invited",
        datetime.date(2026, 3, 9),
        "Prix reçu",
    )
    logged = list(ShortlistDecision.objects.filter(entry=entry).values_list("decision", "decided_on"))
    assert logged == [
        ("considered", timezone.localdate()),
        ("price_requested", datetime.date(2026, 3, 2)),
        ("invited", datetime.date(2026, 3, 9)),
    ]


def test_the_log_is_kept_by_the_database_whatever_the_write_path(buyer_a, private_list):
    entry = private_list.entries.get()
    ShortlistEntry.objects.filter(pk=entry.pk).update(decision=Decision.RETAINED)
    ShortlistEntry.objects.filter(pk=entry.pk).update(note="sans effet sur le journal")
    assert list(ShortlistDecision.objects.filter(entry=entry).values_list("decision", flat=True)) == [
        "considered",
        "retained",
    ]


def test_an_invalid_entry_keeps_what_was_typed(client, buyer_a, private_list):
    client.force_login(buyer_a.user)
    entry = private_list.entries.get()
    prefix = f"entry-{entry.pk}"
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("buyers:entry_update", kwargs={"pk": private_list.pk, "entry_pk": entry.pk}),
        {
            f"{prefix}-note": "Texte saisi gardé",
            f"{prefix}-decision": "invited",
            f"{prefix}-decided_on": future,
        },
    )
    assert response.status_code == 400
    assertContains(response, "Texte saisi gardé", status_code=400)
    assertContains(response, "ne peut pas être dans le futur", status_code=400)
    entry.refresh_from_db()
    assert entry.note == "Note privée A-17"


def test_a_note_is_at_most_a_thousand_characters(client, buyer_a, private_list):
    client.force_login(buyer_a.user)
    entry = private_list.entries.get()
    prefix = f"entry-{entry.pk}"
    response = client.post(
        reverse("buyers:entry_update", kwargs={"pk": private_list.pk, "entry_pk": entry.pk}),
        {f"{prefix}-note": "x" * 1001, f"{prefix}-decision": "invited", f"{prefix}-decided_on": "2026-01-05"},
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.note == "Note privée A-17"


def test_removing_an_entry(client, buyer_a, private_list):
    client.force_login(buyer_a.user)
    entry = private_list.entries.get()
    client.post(reverse("buyers:entry_remove", kwargs={"pk": private_list.pk, "entry_pk": entry.pk}))
    assert not private_list.entries.exists()


def test_editing_and_deleting_a_list(client, buyer_a, private_list):
    client.force_login(buyer_a.user)
    response = client.post(
        reverse("buyers:shortlist_edit", args=[private_list.pk]),
        {
            "name": "Cafétéria Amos 2027",
            "purpose": "",
            "estimated_amount": "60000",
            "visibility": "organisation",
        },
    )
    assert response.status_code == 302
    private_list.refresh_from_db()
    assert (private_list.name, private_list.estimated_amount, private_list.visibility) == (
        "Cafétéria Amos 2027",
        60000,
        "organisation",
    )
    client.post(reverse("buyers:shortlist_delete", args=[private_list.pk]))
    assert not Shortlist.objects.exists()


def test_creating_a_list(client, buyer_a):
    client.force_login(buyer_a.user)
    assert client.get(reverse("buyers:shortlist_create")).status_code == 200
    response = client.post(
        reverse("buyers:shortlist_create"), {"name": "Déneigement", "visibility": "private"}
    )
    shortlist = Shortlist.objects.get()
    assert response["Location"] == shortlist.get_absolute_url()
    assert shortlist.owner == buyer_a


# --- Suspended and archived suppliers, and what suppliers never see ---


@pytest.mark.parametrize("change", ["suspend", "archive"])
def test_a_supplier_suspended_or_archived_later_stays_flagged(
    client, buyer_a, private_list, caterers, change, curator
):
    getattr(caterers[0], change)(by=curator, reason="Non conforme")
    client.force_login(buyer_a.user)
    response = client.get(private_list.get_absolute_url())
    assertContains(response, caterers[0].name)
    assertContains(response, "ne figure plus au répertoire public")
    assert private_list.entries.count() == 1
    # No link to a public page that no longer exists.
    assertNotContains(response, f'href="{caterers[0].get_absolute_url()}"')


def test_notes_and_decisions_are_never_shown_to_suppliers_nor_in_the_api(
    client, buyer_a, private_list, caterers
):
    entry = private_list.entries.get()
    services.shortlist_entry_update(
        entry=entry, note="Note privée A-17", decision=Decision.EXCLUDED, decided_on=timezone.localdate()
    )
    supplier_member = MembershipFactory(supplier=caterers[0]).user
    client.force_login(supplier_member)
    pages = [
        caterers[0].get_absolute_url(),
        reverse("enterprises:dashboard"),
        reverse("suppliers_api:detail", args=[caterers[0].neq]),
        reverse("suppliers_api:list") + "?region=08",
        reverse("suppliers:search") + "?region=08",
    ]
    for page in pages:
        content = client.get(page).content.decode()
        assert "Note privée A-17" not in content
        assert "Cafétéria Amos" not in content
        assert "Exclu" not in content and "excluded" not in content


def test_a_list_page_of_many_entries_needs_a_fixed_number_of_queries(
    client, buyer_a, assert_max_sent_queries
):
    shortlist = services.shortlist_create(owner=buyer_a, name="Grande liste")
    for number in range(30):
        supplier = SupplierFactory(
            regions=["08", "10"], categories=["alimentation.traiteur", "entretien.menager"]
        )
        services.shortlist_add(shortlist=shortlist, supplier=supplier, by=buyer_a.user, note=f"note {number}")
    client.force_login(buyer_a.user)
    with assert_max_sent_queries(10):
        response = client.get(shortlist.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="shortlist-entry"') == 30

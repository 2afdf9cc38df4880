"""Saved searches (at most 20 per buyer) and their digests: only suppliers newly published or newly matching since
the last digest, never the same one twice for the same saved search, a one-click unsubscribe link without
log-in; digests run by the task worker."""

import re

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from pytest_django.asserts import assertContains, assertNotContains

from buyers import services, tasks
from buyers.models import SAVED_SEARCHES_PER_BUYER, DigestEntry, Frequency, SavedSearch
from tests.factories import BuyerFactory, SupplierFactory

from .conftest import ROLES

pytestmark = pytest.mark.django_db
SAVE = reverse("buyers:saved_search_create")


def save(
    buyer, querystring="region=08&sector=alimentation", frequency=Frequency.WEEKLY, name="Traiteurs Abitibi"
):
    return services.saved_search_create(owner=buyer, name=name, querystring=querystring, frequency=frequency)


def run_digest(saved_search):
    return services.saved_search_digest_run(saved_search_id=saved_search.pk)


def digest_messages(buyer):
    return [message for message in mail.outbox if message.to == [buyer.user.email]]


# --- Saving ---


def test_saving_the_current_search_from_the_results_page(client, buyer_a, caterers):
    client.force_login(buyer_a.user)
    page = client.get(reverse("suppliers:search") + "?region=08&sector=alimentation")
    assertContains(page, f"{SAVE}?region=08&amp;sector=alimentation")
    form = client.get(f"{SAVE}?region=08&sector=alimentation")
    assertContains(form, "Cette recherche donne aujourd'hui 3 fournisseurs.")
    response = client.post(
        f"{SAVE}?region=08&sector=alimentation", {"name": "Traiteurs Abitibi", "frequency": "monthly"}
    )
    assert response["Location"] == reverse("buyers:saved_search_list")
    saved = SavedSearch.objects.get()
    assert (saved.owner, saved.name, saved.querystring, saved.frequency) == (
        buyer_a,
        "Traiteurs Abitibi",
        "region=08&sector=alimentation",
        "monthly",
    )
    assert sorted(saved.baseline_ids().tolist()) == sorted(s.pk for s in caterers[:3])
    assertContains(client.get(reverse("buyers:saved_search_list")), "Traiteurs Abitibi")


def test_at_most_twenty_saved_searches_per_buyer(client, buyer_a, caterers):
    for number in range(SAVED_SEARCHES_PER_BUYER):
        save(buyer_a, name=f"Recherche {number}")
    client.force_login(buyer_a.user)
    response = client.post(f"{SAVE}?region=08", {"name": "Une de trop", "frequency": "weekly"})
    assertContains(response, "Vous avez déjà 20 recherches enregistrées", status_code=400)
    assertContains(response, 'value="Une de trop"', status_code=400)
    assert SavedSearch.objects.count() == SAVED_SEARCHES_PER_BUYER


def test_an_invalid_search_cannot_be_saved(client, buyer_a):
    client.force_login(buyer_a.user)
    assert client.post(f"{SAVE}?region=99", {"name": "x", "frequency": "weekly"}).status_code == 400
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_saved_searches_per_role(as_role, role, buyer_a, caterers):
    saved = save(buyer_a)
    client = as_role(role)
    listing = client.get(reverse("buyers:saved_search_list"))
    expected = {"anonymous": 302, "pending": 403, "buyer_a": 200, "buyer_b": 200, "member": 403, "staff": 403}
    assert listing.status_code == expected[role]
    if role == "buyer_b":
        assertNotContains(listing, "Traiteurs Abitibi")
    assert client.get(f"{SAVE}?region=08").status_code == {**expected, "buyer_b": 200}[role]
    # Changing or deleting someone else's saved search: 404 for another buyer, nothing changes.
    update = client.post(
        reverse("buyers:saved_search_update", args=[saved.pk]), {f"s{saved.pk}-frequency": "never"}
    )
    delete = client.post(reverse("buyers:saved_search_delete", args=[saved.pk]))
    if role != "buyer_a":
        assert update.status_code in {302 if role == "anonymous" else 403, 404}
        assert delete.status_code in {302 if role == "anonymous" else 403, 404}
        saved.refresh_from_db()
        assert saved.frequency == Frequency.WEEKLY


def test_changing_the_frequency_and_deleting(client, buyer_a, caterers):
    saved = save(buyer_a)
    client.force_login(buyer_a.user)
    client.post(reverse("buyers:saved_search_update", args=[saved.pk]), {f"s{saved.pk}-frequency": "monthly"})
    saved.refresh_from_db()
    assert saved.frequency == Frequency.MONTHLY
    client.post(reverse("buyers:saved_search_delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


# --- Digests ---


def test_the_first_digest_tells_only_what_is_new_since_saving(buyer_a, caterers):
    saved = save(buyer_a)
    assert not run_digest(saved)
    assert not mail.outbox


def test_a_new_supplier_is_sent_once_and_only_once(buyer_a, caterers):
    saved = save(buyer_a)
    newcomer = SupplierFactory(
        name="Cantine Nouvelle d'Amos", regions=["08"], categories=["alimentation.traiteur"]
    )

    assert run_digest(saved)
    [message] = digest_messages(buyer_a)
    assert "Cantine Nouvelle d'Amos" in message.body
    assert "Traiteur La Bonne Table" not in message.body
    assert "1 nouveau fournisseur" in message.subject
    assert newcomer.get_absolute_url() in message.body

    # Run again (a retry, or next week): nothing new, nothing sent.
    assert not run_digest(saved)
    # It stops matching (suspended), then matches again: already told, never sent twice.
    newcomer.suspend(reason="Vérification")
    run_digest(saved)
    newcomer.publish()
    assert not run_digest(saved)
    assert len(digest_messages(buyer_a)) == 1
    assert DigestEntry.objects.filter(saved_search=saved, supplier=newcomer).count() == 1


def test_a_supplier_that_newly_matches_is_sent(buyer_a, caterers):
    saved = save(buyer_a)
    outside = caterers[3]  # serves Capitale-Nationale only
    outside.regions_served.add("08")  # the database keeps the search state (its triggers)
    assert run_digest(saved)
    assert "Traiteur de la Capitale" in digest_messages(buyer_a)[0].body


def test_each_saved_search_has_its_own_memory(buyer_a, caterers):
    first = save(buyer_a, name="Première")
    second = save(buyer_a, name="Seconde", querystring="region=08")
    SupplierFactory(name="Cantine Nouvelle", regions=["08"], categories=["alimentation.traiteur"])
    assert run_digest(first) and run_digest(second)
    assert len(digest_messages(buyer_a)) == 2


def test_an_interrupted_send_is_sent_by_the_next_run_and_not_prepared_twice(buyer_a, caterers, monkeypatch):
    saved = save(buyer_a)
    SupplierFactory(name="Cantine Nouvelle", regions=["08"], categories=["alimentation.traiteur"])
    original = services.send_email

    def failing(*args, **kwargs):
        raise OSError("SMTP indisponible")

    monkeypatch.setattr(services, "send_email", failing)
    with pytest.raises(OSError):
        run_digest(saved)
    monkeypatch.setattr(services, "send_email", original)
    assert run_digest(saved)
    assert len(digest_messages(buyer_a)) == 1
    assert not run_digest(saved)


def test_no_email_for_never_and_for_buyers_no_longer_active(buyer_a, organisation_a, caterers):
    never = save(buyer_a, frequency=Frequency.NEVER)
    refused = BuyerFactory(organisation=organisation_a, status="refused")
    theirs = save(refused)
    SupplierFactory(name="Cantine Nouvelle", regions=["08"], categories=["alimentation.traiteur"])
    assert not run_digest(never)
    assert tasks._defer_digests(Frequency.WEEKLY) == 0  # the refused buyer's search is not due
    assert theirs.pk not in SavedSearch.objects.with_digest(Frequency.WEEKLY).values_list("pk", flat=True)
    assert not mail.outbox


def test_the_digest_carries_a_one_click_unsubscribe_link_that_needs_no_log_in(client, buyer_a, caterers):
    saved = save(buyer_a)
    SupplierFactory(name="Cantine Nouvelle", regions=["08"], categories=["alimentation.traiteur"])
    run_digest(saved)
    [message] = digest_messages(buyer_a)
    link = re.search(r"https?://[^/\s]+(/alertes/desabonnement/\S+)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"].endswith(link + ">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    response = client.get(link)  # anonymous
    assertContains(response, "Vous ne recevrez plus d'alerte")
    saved.refresh_from_db()
    assert saved.frequency == Frequency.NEVER
    # Undo is one click too.
    client.post(link, {"action": "resubscribe", "frequency": "weekly"})
    saved.refresh_from_db()
    assert saved.frequency == Frequency.WEEKLY
    # Mail clients unsubscribe with a POST (RFC 8058).
    client.post(link, {"List-Unsubscribe": "One-Click"})
    saved.refresh_from_db()
    assert saved.frequency == Frequency.NEVER


def test_an_unknown_unsubscribe_token_reveals_nothing(client, db):
    assert client.get(reverse("buyers:unsubscribe", args=["inconnu"])).status_code == 404


def test_the_digest_is_written_in_the_language_the_search_was_saved_in(buyer_a, caterers):
    saved = services.saved_search_create(
        owner=buyer_a, name="Caterers", querystring="region=08", frequency=Frequency.WEEKLY, language="en"
    )
    SupplierFactory(name="Cantine Nouvelle", regions=["08"], categories=["alimentation.traiteur"])
    run_digest(saved)
    assert "new supplier" in digest_messages(buyer_a)[0].subject


def test_periodic_digest_tasks_are_declared_in_code():
    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic["buyers.tasks.send_weekly_digests"] == "0 12 * * 1"
    assert periodic["buyers.tasks.send_monthly_digests"] == "0 12 1 * *"


# serialized_rollback: the regions and categories this test needs are restored before it, and the other
# transactional tests that follow find the database as migrations left it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_worker_sends_the_weekly_digest(buyer_a, caterers, monkeypatch):
    from tests.test_task_queue import run_worker_until_idle

    # Sync tasks run in worker threads whose Django connections the worker closes after each job only when they
    # are not persistent: without this, a thread's connection would outlive the test database.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    save(buyer_a)
    save(buyer_a, name="Mensuelle", frequency=Frequency.MONTHLY)
    SupplierFactory(name="Cantine Nouvelle d'Amos", regions=["08"], categories=["alimentation.traiteur"])

    tasks.send_weekly_digests.defer(timestamp=0)
    run_worker_until_idle()

    # The worker may also defer periodic housekeeping that falls due while it runs: only the buyers' jobs count.
    jobs = ProcrastinateJob.objects.filter(task_name__startswith="buyers.").order_by("id")
    assert [(job.task_name, job.status) for job in jobs] == [
        ("buyers.tasks.send_weekly_digests", "succeeded"),
        ("buyers.tasks.saved_search_digest", "succeeded"),
    ]
    [message] = digest_messages(buyer_a)
    assert "Cantine Nouvelle d'Amos" in message.body

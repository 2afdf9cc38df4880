"""Privacy (Loi 25): the policy names the person in charge and the keeping periods, the periods are enforced by
periodic tasks, and each person can download their data and delete their account."""

import csv
import io
import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from enterprises.models import ClaimRequest, DecisionStatus, Invitation, Membership, MembershipRole
from privacy import registry, retention, services
from suppliers.models import Status
from tests.factories import MembershipFactory, SupplierFactory, UserFactory, VerifiedUserFactory

PASSWORD = "motdepasse-solide-2026"


# --- The policy ---


def test_privacy_policy_names_the_person_in_charge_from_the_settings(client, db, settings):
    settings.PRIVACY_OFFICER_NAME = "Josée Lavoie"
    settings.PRIVACY_OFFICER_TITLE = (
        "Responsable de l'accès et de la protection des renseignements personnels"
    )
    settings.PRIVACY_OFFICER_EMAIL = "rprp@exemple.gouv.qc.ca"
    response = client.get(reverse("privacy"))
    assertContains(response, "Josée Lavoie")
    assertContains(response, "Responsable de l&#x27;accès")
    assertContains(response, 'href="mailto:rprp@exemple.gouv.qc.ca"')


def test_privacy_policy_says_what_is_kept_why_for_how_long_and_who_sees_it(client, db):
    html = client.get(reverse("privacy")).content.decode()
    for column in ["Pourquoi", "Combien de temps", "Qui les voit"]:
        assert f'<th scope="col">{column}</th>' in html
    # django-axes' log-in records, with what they hold and their period.
    assert "adresse IP" in html and "navigateur" in html
    assert f"{retention.LOGIN_RECORDS.days} jours, puis effacées automatiquement" in html
    assert f"effacée {retention.EXPIRED_INVITATIONS.days} jours après son expiration" in html
    assert f"effacé {retention.REFUSED_CLAIM_MESSAGES.days} jours après la décision" in html


def test_privacy_policy_periods_follow_the_retention_module(client, db, monkeypatch):
    monkeypatch.setattr(retention, "LOGIN_RECORDS", timedelta(days=1))
    assertContains(client.get(reverse("privacy")), "1 jour, puis effacées automatiquement")


# --- Keeping periods enforced ---


def login_record(model, *, username, days_ago, **fields):
    record = model.objects.create(username=username, ip_address="203.0.113.7", user_agent="Firefox", **fields)
    model.objects.filter(pk=record.pk).update(attempt_time=timezone.now() - timedelta(days=days_ago))
    return record


def test_login_records_are_purged_after_their_period(db):
    old_days = retention.LOGIN_RECORDS.days + 1
    recent_days = retention.LOGIN_RECORDS.days - 1
    for model, extra in [
        (AccessAttempt, {"failures_since_start": 1}),
        (AccessLog, {}),
        (AccessFailureLog, {}),
    ]:
        login_record(model, username="ancien@coop.example", days_ago=old_days, **extra)
        login_record(model, username="recent@coop.example", days_ago=recent_days, **extra)

    assert services.login_records_purge() == 3

    for model in [AccessAttempt, AccessLog, AccessFailureLog]:
        assert list(model.objects.values_list("username", flat=True)) == ["recent@coop.example"]


def test_expired_invitations_are_purged_after_their_period(db):
    supplier = SupplierFactory()
    now = timezone.now()
    long_expired = Invitation.objects.create(
        supplier=supplier,
        email="a@coop.example",
        expires_at=now - retention.EXPIRED_INVITATIONS - timedelta(days=1),
    )
    just_expired = Invitation.objects.create(
        supplier=supplier, email="b@coop.example", expires_at=now - timedelta(days=1)
    )
    usable = Invitation.objects.create(supplier=supplier, email="c@coop.example")
    accepted = Invitation.objects.create(
        supplier=supplier,
        email="d@coop.example",
        expires_at=now - retention.EXPIRED_INVITATIONS - timedelta(days=1),
        accepted_at=now - timedelta(days=60),
    )

    assert services.expired_invitations_purge() == 1

    remaining = set(Invitation.objects.values_list("pk", flat=True))
    assert long_expired.pk not in remaining
    assert remaining == {just_expired.pk, usable.pk, accepted.pk}


def test_refused_claims_lose_their_message_after_the_period(db):
    supplier = SupplierFactory()
    long_ago = timezone.now() - retention.REFUSED_CLAIM_MESSAGES - timedelta(days=1)
    old_refusal = ClaimRequest.objects.create(
        user=UserFactory(),
        supplier=supplier,
        message="Je suis la directrice générale, 418 555-0100.",
        status=DecisionStatus.REFUSED,
        reason="Aucun lien avec l'entreprise.",
        decided_at=long_ago,
    )
    recent_refusal = ClaimRequest.objects.create(
        user=UserFactory(),
        supplier=supplier,
        message="Récent",
        status=DecisionStatus.REFUSED,
        reason="Non.",
        decided_at=timezone.now() - timedelta(days=1),
    )
    old_approval = ClaimRequest.objects.create(
        user=UserFactory(),
        supplier=supplier,
        message="Accepté",
        status=DecisionStatus.APPROVED,
        decided_at=long_ago,
    )
    pending = ClaimRequest.objects.create(user=UserFactory(), supplier=supplier, message="En attente")

    assert services.refused_claim_messages_purge() == 1

    old_refusal.refresh_from_db()
    assert old_refusal.message == "" and old_refusal.reason == "Aucun lien avec l'entreprise."
    assert old_refusal.status == DecisionStatus.REFUSED
    for claim, message in [(recent_refusal, "Récent"), (old_approval, "Accepté"), (pending, "En attente")]:
        claim.refresh_from_db()
        assert claim.message == message


def test_purges_are_declared_as_periodic_tasks():
    from procrastinate.contrib.django import app

    periodic = {task.task.name for task in app.periodic_registry.periodic_tasks.values()}
    assert {
        "privacy.tasks.purge_login_records",
        "privacy.tasks.purge_expired_invitations",
        "privacy.tasks.purge_refused_claim_messages",
    } <= periodic


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_the_login_records_purge():
    from procrastinate.contrib.django.models import ProcrastinateJob

    from privacy.tasks import purge_login_records
    from tests.test_task_queue import run_worker_until_idle

    login_record(AccessLog, username="ancien@coop.example", days_ago=retention.LOGIN_RECORDS.days + 1)
    job_id = purge_login_records.defer(timestamp=0)
    run_worker_until_idle()
    assert ProcrastinateJob.objects.get(id=job_id).status == "succeeded"
    assert not AccessLog.objects.exists()


# --- Downloading one's data ---


@pytest.fixture
def member(db):
    """A verified member who owns a listing, filed a claim, sent an invitation and has log-in records."""
    user = VerifiedUserFactory(email="direction@coop-exemple.qc.ca")
    user.set_password(PASSWORD)
    user.save()
    membership = MembershipFactory(
        user=user, supplier=SupplierFactory(name="Coop du Fjord", neq="1100000101")
    )
    ClaimRequest.objects.create(
        user=user, supplier=SupplierFactory(name="Autre coop"), message='=HYPERLINK("http://x")'
    )
    Invitation.objects.create(supplier=membership.supplier, email="collegue@coop.example", invited_by=user)
    login_record(AccessLog, username=user.email, days_ago=1)
    return user


@pytest.fixture
def stranger(db):
    """Another person, whose data must never appear in the member's export."""
    user = VerifiedUserFactory(email="quelquun@ailleurs.example")
    MembershipFactory(user=user, supplier=SupplierFactory(name="Coop étrangère"))
    login_record(AccessLog, username=user.email, days_ago=1)
    return user


def test_a_person_downloads_their_data_as_json(client, member, stranger):
    client.force_login(member)
    response = client.get(reverse("privacy:account_data_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    sections = data["sections"]
    assert set(sections) >= {
        "account",
        "email_addresses",
        "memberships",
        "claims",
        "invitations_sent",
        "login_records",
    }
    assert sections["account"]["records"][0]["email"] == "direction@coop-exemple.qc.ca"
    assert sections["email_addresses"]["records"] == [
        {"email": "direction@coop-exemple.qc.ca", "verified": True, "primary": True}
    ]
    assert sections["memberships"]["records"][0]["neq"] == "1100000101"
    assert sections["claims"]["records"][0]["listing"] == "Autre coop"
    assert sections["invitations_sent"]["records"][0]["invited_email"] == "collegue@coop.example"
    assert sections["login_records"]["records"][0]["ip_address"] == "203.0.113.7"
    assert "quelquun@ailleurs.example" not in response.content.decode()
    assert "Coop étrangère" not in response.content.decode()


def test_a_person_downloads_their_data_as_csv_with_formulas_neutralised(client, member, stranger):
    client.force_login(member)
    response = client.get(reverse("privacy:account_data_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "record", "field", "value"]
    values = {(row[0], row[2]): row[3] for row in rows[1:]}
    assert values[("Compte", "email")] == "direction@coop-exemple.qc.ca"
    assert values[("Demandes de gestion de fiches", "message")] == '\'=HYPERLINK("http://x")'
    assert "quelquun@ailleurs.example" not in text


def test_data_pages_need_a_logged_in_person(client, db):
    for name in ["privacy:account", "privacy:account_data_json", "privacy:account_data_csv"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert client.post(reverse("privacy:account_delete"), {"password": "x"}).status_code == 302


def test_account_page_summarises_the_data_and_offers_both_downloads(
    client, member, django_assert_max_num_queries
):
    client.force_login(member)
    # One query per registered section of personal data (privacy/registry.py): the buyers', the needs' and the
    # dashboard's sections each add theirs.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("privacy:account"))
    assertContains(response, reverse("privacy:account_data_json"))
    assertContains(response, reverse("privacy:account_data_csv"))
    assertContains(response, "Traces de connexion")
    assertContains(response, 'action="' + reverse("privacy:account_delete") + '"')


def test_every_page_links_a_logged_in_person_to_their_account(client, member):
    client.force_login(member)
    assertContains(client.get(reverse("home")), f'href="{reverse("privacy:account")}"')


def test_a_new_apps_section_joins_the_export_and_the_deletion(client, member):
    erased = []
    registry.register(
        "test_shortlists",
        label="Listes",
        export=lambda user: [{"name": "Traiteurs"}],
        erase=lambda user: erased.append(user.email),
    )
    try:
        data = services.personal_data_export(user=member)
        assert data["sections"]["test_shortlists"]["records"] == [{"name": "Traiteurs"}]
        services.account_delete(user=member)
        assert erased == ["direction@coop-exemple.qc.ca"]
    finally:
        registry.unregister("test_shortlists")


# --- Deleting one's account ---


def test_deleting_needs_the_password_and_keeps_the_account_otherwise(client, member):
    client.force_login(member)
    response = client.post(reverse("privacy:account_delete"), {"password": "pas-le-bon"})
    assert response.status_code == 400
    assertContains(response, "Ce mot de passe n&#x27;est pas le bon.", status_code=400)
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_deleting_erases_the_account_and_what_hangs_on_it(client, member, stranger):
    supplier = member.memberships.get().supplier
    client.force_login(member)
    response = client.post(reverse("privacy:account_delete"), {"password": PASSWORD})
    assertRedirects(response, reverse("home"), fetch_redirect_response=False)
    assert not get_user_model().objects.filter(email="direction@coop-exemple.qc.ca").exists()
    assert not EmailAddress.objects.filter(email="direction@coop-exemple.qc.ca").exists()
    assert not ClaimRequest.objects.filter(message__startswith="=HYPERLINK").exists()
    assert not Invitation.objects.filter(email="collegue@coop.example").exists()
    assert not AccessLog.objects.filter(username="direction@coop-exemple.qc.ca").exists()
    # Logged out, and the other person's data is untouched.
    assert client.get(reverse("privacy:account")).status_code == 302
    assert AccessLog.objects.filter(username="quelquun@ailleurs.example").exists()
    assert get_user_model().objects.filter(pk=stranger.pk).exists()
    # The listing stays published, now managed by staff alone.
    supplier.refresh_from_db()
    assert supplier.status == Status.PUBLISHED and not supplier.memberships.exists()


def test_a_listing_other_members_manage_keeps_an_owner(member):
    supplier = member.memberships.get().supplier
    older = MembershipFactory(supplier=supplier, role=MembershipRole.EDITOR)
    MembershipFactory(supplier=supplier, role=MembershipRole.EDITOR)

    services.account_delete(user=member)

    roles = dict(Membership.objects.filter(supplier=supplier).values_list("user_id", "role"))
    assert roles[older.user_id] == MembershipRole.OWNER
    assert sorted(roles.values()) == [MembershipRole.EDITOR, MembershipRole.OWNER]


def test_an_accepted_invitation_stays_when_its_sender_leaves(member):
    supplier = member.memberships.get().supplier
    accepted = Invitation.objects.create(
        supplier=supplier, email="collegue2@coop.example", invited_by=member, accepted_at=timezone.now()
    )
    services.account_delete(user=member)
    accepted.refresh_from_db()
    assert accepted.invited_by is None


def test_staff_cannot_delete_their_own_account_from_the_site(client, curator):
    curator.set_password(PASSWORD)
    curator.save()
    client.force_login(curator)
    assertNotContains(client.get(reverse("privacy:account")), 'action="' + reverse("privacy:account_delete"))
    response = client.post(reverse("privacy:account_delete"), {"password": PASSWORD})
    assert response.status_code == 403
    assert get_user_model().objects.filter(pk=curator.pk).exists()

"""Claiming a listing imported by staff, staff deciding, and inviting a colleague."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from enterprises import services
from enterprises.models import ClaimRequest, DecisionStatus, Invitation, Membership, MembershipRole
from suppliers.models import Status
from tests.factories import MembershipFactory, SupplierFactory, VerifiedUserFactory


@pytest.fixture
def imported(db):
    """A listing imported by staff, with no member yet."""
    return SupplierFactory(name="Atelier adapté du Fjord", neq="1150000003")


@pytest.fixture
def claimant(db):
    return VerifiedUserFactory(email="direction@atelier-fjord.example")


@pytest.fixture
def claimant_client(client, claimant):
    client.force_login(claimant)
    return client


def test_lookup_by_neq_leads_to_the_claim_page(claimant_client, imported):
    response = claimant_client.get(reverse("enterprises:claim_lookup"), {"neq": "1150-000-003"})
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:claim", args=[imported.neq])
    assertContains(claimant_client.get(response["Location"]), "Atelier adapté du Fjord")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING, Status.SUSPENDED, Status.ARCHIVED, None])
def test_an_neq_without_public_listing_gets_the_same_answer_whatever_exists(claimant_client, status):
    """Unpublished, archived or absent: the lookup and the claim page read the same, naming nothing."""
    if status is not None:
        SupplierFactory(name="Fiche Cachée", neq="1150000099", status=status)
    lookup = claimant_client.get(reverse("enterprises:claim_lookup"), {"neq": "1150000099"})
    assert lookup["Location"] == reverse("enterprises:claim", args=["1150000099"])
    page = claimant_client.get(lookup["Location"])
    assertContains(page, "Aucune fiche publique ne porte le NEQ 1150000099")
    assertContains(page, reverse("enterprises:listing_create"))
    assertNotContains(page, "Fiche Cachée")
    for word in ["brouillon", "suspendue", "archivée", "non publiée", "existe"]:
        assertNotContains(page, word)
    # Filing the claim says the same for every case: staff will check.
    response = claimant_client.post(lookup["Location"], {"message": "Je suis la directrice."}, follow=True)
    assertContains(response, "le personnel du ministère vous répondra")
    assertNotContains(response, "Fiche Cachée")
    assertContains(response, "Fiche du NEQ 1150000099")


def test_staff_see_what_the_claimant_is_not_told(curator_client, claimant):
    hidden = SupplierFactory(name="Fiche Cachée", neq="1150000099", status=Status.DRAFT)
    claim = services.claim_request(user=claimant, neq=hidden.neq, message="Directrice.")
    assert claim.supplier == hidden
    page = curator_client.get(reverse("admin:enterprises_claimrequest_change", args=[claim.pk]))
    assertContains(page, "Fiche Cachée")
    assertContains(page, "Brouillon")


def test_lookup_with_an_invalid_neq_says_why(claimant_client, db):
    response = claimant_client.get(reverse("enterprises:claim_lookup"), {"neq": "123"})
    assertContains(response, "exactement 10 chiffres")
    assertContains(response, 'value="123"')


def test_claim_request_reaches_staff(
    claimant_client, claimant, imported, curator, django_capture_on_commit_callbacks
):
    url = reverse("enterprises:claim", args=[imported.neq])
    assertContains(claimant_client.get(url), "Atelier adapté du Fjord")
    with django_capture_on_commit_callbacks(execute=True):
        response = claimant_client.post(url, {"message": "Je suis la directrice générale."})
    assert response.status_code == 302
    claim = ClaimRequest.objects.get()
    assert (claim.user, claim.supplier, claim.status) == (claimant, imported, DecisionStatus.PENDING)
    assert [m.to for m in mail.outbox] == [[curator.email]]
    assert "Je suis la directrice générale." in mail.outbox[0].body
    # Not a member until staff approve.
    assert not Membership.objects.filter(user=claimant).exists()
    assert claimant_client.get(reverse("enterprises:listing_edit", args=[imported.pk])).status_code == 404


def test_second_claim_of_the_same_listing_gets_a_clear_message_and_keeps_the_text(claimant_client, imported):
    url = reverse("enterprises:claim", args=[imported.neq])
    claimant_client.post(url, {"message": "Première demande."})
    response = claimant_client.post(url, {"message": "Deuxième demande, plus détaillée."})
    assert response.status_code == 200
    assertContains(response, "Vous avez déjà une demande en attente pour cette fiche")
    assertContains(response, "Deuxième demande, plus détaillée.")
    assert ClaimRequest.objects.count() == 1


def test_database_allows_only_one_pending_claim_per_user_and_neq(claimant, imported):
    from django.db import IntegrityError

    ClaimRequest.objects.create(user=claimant, neq=imported.neq, supplier=imported)
    with pytest.raises(IntegrityError):
        ClaimRequest.objects.create(user=claimant, neq=imported.neq, supplier=imported)


def test_a_refused_claim_can_be_made_again(claimant, imported, curator):
    claim = services.claim_request(user=claimant, neq=imported.neq, message="Première.")
    services.claim_refuse(claim=claim, by=curator, reason="Lien non démontré.")
    again = services.claim_request(user=claimant, neq=imported.neq, message="Voici une preuve.")
    assert again.status == DecisionStatus.PENDING


def test_claim_message_is_required(claimant_client, imported):
    response = claimant_client.post(reverse("enterprises:claim", args=[imported.neq]), {"message": ""})
    assert response.status_code == 200
    assertContains(response, "Ce champ est obligatoire")
    assert not ClaimRequest.objects.exists()


def test_approved_claim_makes_the_user_a_member_and_tells_them(
    claimant_client, claimant, imported, curator, django_capture_on_commit_callbacks
):
    claim = services.claim_request(user=claimant, neq=imported.neq, message="Directrice.")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, by=curator)
    membership = Membership.objects.get(user=claimant, supplier=imported)
    assert membership.role == MembershipRole.OWNER
    claim.refresh_from_db()
    assert claim.status == DecisionStatus.APPROVED and claim.decided_by == curator
    assert [m.to for m in mail.outbox] == [[claimant.email]]
    assert "Demande acceptée" in mail.outbox[0].subject
    assert claimant_client.get(reverse("enterprises:listing_edit", args=[imported.pk])).status_code == 200


def test_refused_claim_tells_the_reason(
    claimant_client, claimant, imported, curator, django_capture_on_commit_callbacks
):
    claim = services.claim_request(user=claimant, neq=imported.neq, message="?")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_refuse(claim=claim, by=curator, reason="Aucun lien avec l'entreprise.")
    assert not Membership.objects.filter(user=claimant).exists()
    assert "Aucun lien avec l'entreprise." in mail.outbox[0].body
    assertContains(
        claimant_client.get(reverse("enterprises:dashboard")), "Aucun lien avec l&#x27;entreprise."
    )


def test_a_listing_can_have_several_members(imported, curator):
    first, second = VerifiedUserFactory(), VerifiedUserFactory()
    for user in (first, second):
        services.claim_approve(claim=services.claim_request(user=user, neq=imported.neq), by=curator)
    roles = dict(Membership.objects.filter(supplier=imported).values_list("user__email", "role"))
    assert roles == {first.email: MembershipRole.OWNER, second.email: MembershipRole.EDITOR}


def test_archived_listing_cannot_be_claimed(claimant, imported, curator):
    imported.archive(by=curator, reason="Fermée.")
    # The service attaches no listing to the request (the claimant is told nothing more), and staff cannot grant it.
    claim = services.claim_request(user=claimant, neq=imported.neq, message="C'est la nôtre.")
    assert claim.supplier is None
    with pytest.raises(services.ValidationError):
        services.claim_approve(claim=claim, by=curator)
    assert not Membership.objects.filter(user=claimant).exists()


def test_a_listing_archived_after_the_claim_cannot_be_granted(claimant, imported, curator):
    claim = services.claim_request(user=claimant, neq=imported.neq, message="Directrice.")
    imported.archive(by=curator, reason="Fermée.")
    with pytest.raises(services.ValidationError, match="archivée"):
        services.claim_approve(claim=claim, by=curator)
    assert not Membership.objects.filter(user=claimant).exists()


def test_member_is_not_asked_to_claim_their_own_listing(claimant_client, claimant, imported):
    MembershipFactory(user=claimant, supplier=imported)
    response = claimant_client.post(reverse("enterprises:claim", args=[imported.neq]), {"message": "x"})
    assert response.status_code == 302
    assert not ClaimRequest.objects.exists()


# --- Invitations ---


@pytest.fixture
def member(imported):
    return MembershipFactory(supplier=imported, user__email="directrice@atelier-fjord.example").user


def test_member_invites_a_colleague_who_accepts(client, member, imported, django_capture_on_commit_callbacks):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:invite", args=[imported.pk]), {"email": "Comptable@Atelier-Fjord.example"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "comptable@atelier-fjord.example"
    assert [m.to for m in mail.outbox] == [["comptable@atelier-fjord.example"]]
    accept_url = reverse("enterprises:invitation_accept", args=[invitation.token])
    assert accept_url in mail.outbox[0].body

    colleague = VerifiedUserFactory(email="comptable@atelier-fjord.example")
    client.force_login(colleague)
    assertContains(client.get(reverse("enterprises:dashboard")), accept_url)
    assertContains(client.get(accept_url), "Atelier adapté du Fjord")
    response = client.post(accept_url)
    assert response.status_code == 302
    assert Membership.objects.get(user=colleague, supplier=imported).role == MembershipRole.EDITOR
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
    # A used invitation cannot be used again.
    assert client.get(accept_url).status_code == 410


def test_invitation_for_another_address_is_refused_without_naming_the_listing(client, member, imported):
    invitation = services.invitation_create(
        supplier=imported, by=member, email="comptable@atelier-fjord.example"
    )
    intruder = VerifiedUserFactory(email="intrus@ailleurs.example")
    client.force_login(intruder)
    url = reverse("enterprises:invitation_accept", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 403
    assertNotContains(response, "Atelier adapté du Fjord", status_code=403)
    assert client.post(url).status_code == 403
    assert not Membership.objects.filter(user=intruder).exists()


def test_expired_invitation_cannot_be_accepted(client, member, imported):
    invitation = services.invitation_create(
        supplier=imported, by=member, email="comptable@atelier-fjord.example"
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    colleague = VerifiedUserFactory(email="comptable@atelier-fjord.example")
    client.force_login(colleague)
    response = client.post(reverse("enterprises:invitation_accept", args=[invitation.token]))
    assert response.status_code == 410
    assert not Membership.objects.filter(user=colleague).exists()


def test_unknown_invitation_token_is_not_found(client, member):
    client.force_login(member)
    assert client.get(reverse("enterprises:invitation_accept", args=["inconnu"])).status_code == 404


def test_inviting_an_existing_member_says_so(client, member, imported):
    client.force_login(member)
    response = client.post(reverse("enterprises:invite", args=[imported.pk]), {"email": member.email})
    assert response.status_code == 200
    assertContains(response, "déjà membre")
    assert not Invitation.objects.exists()


def test_invitation_email_must_be_valid(client, member, imported):
    client.force_login(member)
    response = client.post(reverse("enterprises:invite", args=[imported.pk]), {"email": "pas-un-courriel"})
    assert response.status_code == 200
    assertContains(response, 'value="pas-un-courriel"')
    assert not Invitation.objects.exists()


# --- A squatted NEQ ---


def test_staff_resolve_a_squatted_neq_from_the_claim(
    client, curator_client, db, django_capture_on_commit_callbacks
):
    from django.test import Client

    from tests.test_enterprises_listing import CREATE, listing_post

    squatter = Client()
    squatter.force_login(VerifiedUserFactory(email="squatteur@ailleurs.example"))
    assert squatter.post(CREATE, listing_post(name="Pas la vraie coop")).status_code == 302
    real = VerifiedUserFactory(email="direction@vraie-coop.example")
    client = Client()
    client.force_login(real)
    # The real enterprise cannot create it; the form says only that, and offers to claim it.
    response = client.post(CREATE, listing_post())
    claim_url = reverse("enterprises:claim", args=["1170000001"])
    assertContains(response, claim_url)
    client.post(claim_url, {"message": "Voici notre certificat du Registraire."})
    claim = ClaimRequest.objects.get(user=real)

    review = curator_client.get(reverse("admin:enterprises_claimrequest_change", args=[claim.pk]))
    assertContains(review, "squatteur@ailleurs.example")
    assertContains(review, 'name="remove_other_members"')
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            reverse("admin:enterprises_claimrequest_change", args=[claim.pk]),
            {"_approve": "1", "reason": "NEQ vérifié au Registraire.", "remove_other_members": "on"},
        )
    assert response.status_code == 302
    roles = dict(Membership.objects.filter(supplier__neq="1170000001").values_list("user__email", "role"))
    assert roles == {"direction@vraie-coop.example": MembershipRole.OWNER}


def test_approving_a_claim_without_resolving_keeps_the_members_and_adds_an_editor(imported, curator):
    owner = MembershipFactory(supplier=imported).user
    claimant = VerifiedUserFactory()
    claim = services.claim_request(user=claimant, neq=imported.neq, message="Adjointe.")
    services.claim_approve(claim=claim, by=curator)
    roles = dict(Membership.objects.filter(supplier=imported).values_list("user_id", "role"))
    assert roles == {owner.pk: MembershipRole.OWNER, claimant.pk: MembershipRole.EDITOR}

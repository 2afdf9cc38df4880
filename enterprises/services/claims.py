"""Claims: a person asks staff for the listing of an NEQ; staff grant it, refuse it, or resolve a squatted NEQ."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from suppliers.models import Status, Supplier

from ..models import (
    ClaimRequest,
    DecisionStatus,
    Membership,
    MembershipRole,
)
from ..notifications import admin_url, dashboard_url, notify, notify_staff
from .base import locked_pending, require_verified_email


def claimable_listing(neq: str) -> Supplier | None:
    """The listing a claim on this NEQ can be granted on: archived listings cannot be claimed."""
    return Supplier.objects.exclude(status=Status.ARCHIVED).filter(neq=neq).first()


def claim_request(*, user, neq: str, message: str = "") -> ClaimRequest:
    """Ask staff for the right to manage the listing of an NEQ. The person learns nothing of a listing that is
    not public: whether one exists, staff check."""
    require_verified_email(user, _("Confirmez votre adresse courriel avant de réclamer une fiche."))
    supplier = claimable_listing(neq)
    if supplier is not None and Membership.objects.filter(user=user, supplier=supplier).exists():
        raise ValidationError(_("Vous êtes déjà membre de cette fiche."), code="already_member")
    try:
        with transaction.atomic():
            claim = ClaimRequest.objects.create(user=user, neq=neq, supplier=supplier, message=message)
    except IntegrityError as error:
        raise ValidationError(
            _(
                "Vous avez déjà une demande en attente pour cette fiche : le personnel du ministère la traitera."
            ),
            code="claim_pending",
        ) from error
    notify_staff("claim_waiting", claim=claim, supplier=supplier, url=admin_url(claim))
    return claim


def claim_approve(
    *, claim: ClaimRequest, by, reason: str = "", remove_other_members: bool = False
) -> ClaimRequest:
    """Give the claimant the listing (as its owner if it has none). ``remove_other_members`` resolves a squatted
    NEQ: whoever held the listing loses it, and the claimant becomes its owner."""
    with transaction.atomic():
        claim = locked_pending(ClaimRequest, claim.pk)
        if claim.supplier_id is None:
            raise ValidationError(
                _(
                    "Aucune fiche ne peut être accordée pour ce NEQ : refusez la demande en indiquant pourquoi."
                ),
                code="no_listing",
            )
        supplier = Supplier.objects.select_for_update().get(pk=claim.supplier_id)
        if supplier.status == Status.ARCHIVED:
            raise ValidationError(_("Une fiche archivée ne peut pas être réclamée."), code="archived")
        members = Membership.objects.filter(supplier=supplier)
        if remove_other_members:
            members.exclude(user_id=claim.user_id).delete()
        role = MembershipRole.EDITOR if members.owners().exists() else MembershipRole.OWNER
        membership, created = Membership.objects.get_or_create(
            user_id=claim.user_id, supplier=supplier, defaults={"role": role}
        )
        if not created and role == MembershipRole.OWNER:
            membership.role = role
            membership.save(update_fields=["role"])
        claim.decide(DecisionStatus.APPROVED, by=by, reason=reason)
        notify("claim_approved", to=[claim.user.email], claim=claim, supplier=supplier, url=dashboard_url())
    return claim


def claim_refuse(*, claim: ClaimRequest, by, reason: str) -> ClaimRequest:
    with transaction.atomic():
        claim = locked_pending(ClaimRequest, claim.pk)
        claim.decide(DecisionStatus.REFUSED, by=by, reason=reason)
        notify(
            "claim_refused",
            to=[claim.user.email],
            claim=claim,
            listing=claim.listing_label_for_claimant(),
            url=dashboard_url(),
        )
    return claim

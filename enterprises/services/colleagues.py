"""Colleagues: owners invite, name and remove them; anyone may leave; a listing with members keeps an owner."""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from suppliers.models import Supplier

from ..models import (
    Invitation,
    Membership,
    MembershipRole,
)
from ..notifications import absolute, notify
from .base import locked, require_verified_email


def _acting_owner(supplier: Supplier, user) -> Membership:
    """Owners manage colleagues: anyone else is refused."""
    membership = Membership.objects.filter(supplier=supplier, user=user).first()
    if membership is None or not membership.can_manage_colleagues:
        raise PermissionDenied(_("Seuls les responsables de la fiche gèrent ses membres."))
    return membership


def invitation_create(*, supplier: Supplier, by, email: str) -> Invitation:
    require_verified_email(by, _("Confirmez votre adresse courriel avant d'inviter quelqu'un."))
    _acting_owner(supplier, by)
    email = email.strip().lower()
    if Membership.objects.filter(supplier=supplier, user__email__iexact=email).exists():
        raise ValidationError(_("Cette personne est déjà membre de la fiche."), code="already_member")
    invitation = Invitation.objects.create(supplier=supplier, email=email, invited_by=by)
    notify(
        "invitation",
        to=[email],
        invitation=invitation,
        supplier=supplier,
        inviter=by,
        url=invitation_url(invitation),
    )
    return invitation


def invitation_url(invitation: Invitation) -> str:
    return absolute(reverse("enterprises:invitation_accept", args=[invitation.token]))


def invitation_is_for(invitation: Invitation, user) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()


def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Only the invited address, once verified, can accept: a forwarded link does not give access."""
    if not invitation_is_for(invitation, user):
        raise PermissionDenied(
            _("Cette invitation a été envoyée à une autre adresse courriel que celle de votre compte.")
        )
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable:
            raise ValidationError(
                _("Cette invitation a expiré ou a déjà été utilisée."), code="invitation_used"
            )
        membership, _created = Membership.objects.get_or_create(
            user=user, supplier_id=invitation.supplier_id, defaults={"role": MembershipRole.EDITOR}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _keep_an_owner(supplier: Supplier, leaving: Membership) -> None:
    """A listing with members keeps an owner: when its last one goes, the longest-standing colleague becomes one."""
    others = Membership.objects.filter(supplier=supplier).exclude(pk=leaving.pk)
    if leaving.is_owner and not others.owners().exists():
        successor = others.order_by("created_at", "pk").first()
        if successor is not None:
            successor.role = MembershipRole.OWNER
            successor.save(update_fields=["role"])


def membership_leave(*, membership: Membership) -> None:
    """A member stops managing a listing."""
    with transaction.atomic():
        supplier = locked(membership.supplier)
        membership = Membership.objects.get(pk=membership.pk)
        _keep_an_owner(supplier, membership)
        membership.delete()


def membership_remove(*, membership: Membership, by) -> None:
    """An owner removes a colleague (themselves: ``membership_leave``)."""
    with transaction.atomic():
        supplier = locked(membership.supplier)
        _acting_owner(supplier, by)
        membership = Membership.objects.get(pk=membership.pk, supplier=supplier)
        if membership.user_id == by.pk:
            raise ValidationError(_("Pour vous retirer vous-même, quittez la fiche."), code="self")
        membership.delete()


def membership_set_role(*, membership: Membership, role: str, by) -> Membership:
    """An owner names a colleague owner, or makes an owner an editor (a listing keeps at least one owner)."""
    role = MembershipRole(role)
    with transaction.atomic():
        supplier = locked(membership.supplier)
        _acting_owner(supplier, by)
        membership = Membership.objects.get(pk=membership.pk, supplier=supplier)
        if role == MembershipRole.EDITOR and not (
            Membership.objects.filter(supplier=supplier).owners().exclude(pk=membership.pk).exists()
        ):
            raise ValidationError(_("Une fiche garde au moins un ou une responsable."), code="last_owner")
        membership.role = role
        membership.save(update_fields=["role"])
    return membership

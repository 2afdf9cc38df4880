"""What the enterprise side keeps about a person (privacy/registry.py): the listings they manage, their claims
and the invitations they sent.

When a person deletes their account, the listings stay: they describe an enterprise, not the person, and other
members or buyers rely on them.
- A listing other members still manage: if the person was its only owner (responsable), the longest-standing
  remaining member becomes owner, so someone can still invite colleagues.
- A listing whose last member leaves keeps its status (a published listing stays public, a pending submission
  stays in the review queue, a draft stays a draft) and is managed by staff alone until they approve a new claim
  for it from someone at the enterprise.
- Invitations the person sent and nobody accepted yet are withdrawn; their claims go with the account.
"""

from django.utils.translation import gettext_lazy as _

from privacy.registry import register

from .models import ClaimRequest, Invitation, Membership, MembershipRole


def export_memberships(user):
    return [
        {
            "listing": membership.supplier.name,
            "neq": membership.supplier.neq,
            "role": membership.get_role_display(),
            "member_since": membership.created_at,
        }
        for membership in Membership.objects.filter(user=user)
        .select_related("supplier")
        .order_by("created_at")
    ]


def erase_memberships(user):
    for membership in Membership.objects.filter(user=user, role=MembershipRole.OWNER).select_for_update():
        others = Membership.objects.filter(supplier_id=membership.supplier_id).exclude(user=user)
        if not others.filter(role=MembershipRole.OWNER).exists():
            successor = others.order_by("created_at", "pk").first()
            if successor is not None:
                successor.role = MembershipRole.OWNER
                successor.save(update_fields=["role"])
    Membership.objects.filter(user=user).delete()


def export_claims(user):
    return [
        {
            "listing": claim.supplier.name,
            "neq": claim.supplier.neq,
            "message": claim.message,
            "status": claim.get_status_display(),
            "requested_at": claim.created_at,
            "decided_at": claim.decided_at,
            "reason": claim.reason,
        }
        for claim in ClaimRequest.objects.filter(user=user).select_related("supplier").order_by("created_at")
    ]


def erase_claims(user):
    ClaimRequest.objects.filter(user=user).delete()


def export_invitations_sent(user):
    return [
        {
            "listing": invitation.supplier.name,
            "invited_email": invitation.email,
            "sent_at": invitation.created_at,
            "expires_at": invitation.expires_at,
            "accepted_at": invitation.accepted_at,
        }
        for invitation in Invitation.objects.filter(invited_by=user)
        .select_related("supplier")
        .order_by("created_at")
    ]


def erase_invitations_sent(user):
    Invitation.objects.filter(invited_by=user, accepted_at__isnull=True).delete()


register("memberships", label=_("Fiches gérées"), export=export_memberships, erase=erase_memberships)
register("claims", label=_("Demandes de gestion de fiches"), export=export_claims, erase=erase_claims)
register(
    "invitations_sent",
    label=_("Invitations envoyées"),
    export=export_invitations_sent,
    erase=erase_invitations_sent,
)

"""The admin's home page: what waits for a staff decision (revisions, claims, buyers, needs), and the way to the
dashboard."""

from django import template

from buyers.models import Buyer
from enterprises.models import ClaimRequest, Revision
from needs.models import Need

register = template.Library()


def waiting_counts() -> list[tuple[str, int, str]]:
    """(label, how many wait, admin list of them) for each kind of decision staff make (the review lists open on
    what is pending)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    return [
        (
            _("Modifications de fiches"),
            Revision.objects.pending().count(),
            reverse("admin:enterprises_revision_changelist"),
        ),
        (
            _("Demandes de gestion de fiches"),
            ClaimRequest.objects.pending().count(),
            reverse("admin:enterprises_claimrequest_changelist"),
        ),
        (
            _("Acheteurs en attente d'approbation"),
            Buyer.objects.pending().count(),
            reverse("admin:buyers_buyer_changelist") + "?status__exact=pending",
        ),
        (
            _("Besoins en attente de validation"),
            Need.objects.waiting_for_validation().count(),
            reverse("admin:needs_need_changelist"),  # opens on the needs waiting for validation
        ),
    ]


@register.inclusion_tag("insights/_waiting_for_decision.html")
def waiting_for_decision():
    return {"waiting": waiting_counts()}

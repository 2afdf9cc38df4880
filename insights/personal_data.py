"""What the dashboard's app keeps about a person (privacy/registry.py): the listings they confirmed as current from
their space. Search events keep no one's data (no user, no address, no text). When the account goes, its
confirmations stay, without their author (``Confirmation.confirmed_by`` is emptied): the date still tells buyers
when the listing was last confirmed."""

from django.utils.translation import gettext_lazy as _

from privacy.registry import register

from .models import Confirmation


def export_confirmations(user):
    return [
        {
            "listing": confirmation.supplier.name,
            "neq": confirmation.supplier.neq,
            "confirmed_at": confirmation.confirmed_at,
        }
        for confirmation in Confirmation.objects.filter(confirmed_by=user)
        .select_related("supplier")
        .order_by("confirmed_at")
    ]


register(
    "listing_confirmations", label=_("Fiches que vous avez confirmées à jour"), export=export_confirmations
)

"""When a listing was last checked, for the public pages and the enterprises' space (``suppliers`` templates load
this library; the ``suppliers`` app imports nothing from ``insights``)."""

from django import template

from ..models import ListingFacts

register = template.Library()


@register.simple_tag
def listing_checks(items, attribute="pk") -> dict:
    """Per supplier id, the ``ListingFacts`` of the published suppliers among ``items`` (one query); ``attribute``
    names the supplier id of an item (``"supplier_id"`` for memberships)."""
    ids = [getattr(item, attribute) for item in items]
    if not ids:
        return {}
    return {
        facts.supplier_id: facts
        for facts in ListingFacts.objects.filter(supplier_id__in=ids).only(
            "supplier_id", "verified_at", "confirmed_at", "checked_at"
        )
    }


@register.simple_tag
def listing_check(supplier):
    """The ``ListingFacts`` of one supplier (None unless it is published)."""
    return (
        ListingFacts.objects.filter(supplier_id=supplier.pk)
        .only("supplier_id", "verified_at", "confirmed_at", "checked_at")
        .first()
    )


@register.filter
def checks_of(checks: dict, supplier):
    return checks.get(supplier.pk)

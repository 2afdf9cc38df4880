"""When a listing was last checked, for the public pages and the enterprises' space (``suppliers`` templates load
this library; the ``suppliers`` app imports nothing from ``insights``)."""

from django import template

from ..models import ListingFacts

register = template.Library()


@register.simple_tag
def listing_checks(suppliers) -> dict:
    """Per supplier id, the ``ListingFacts`` of the published ones among ``suppliers`` (one query)."""
    ids = [supplier.pk for supplier in suppliers]
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

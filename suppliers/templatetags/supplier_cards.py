from django import template

from ..cards import card_body

register = template.Library()


@register.simple_tag
def result_card(supplier, check):
    """The body of ``supplier``'s result card (``suppliers.cards``); ``check`` is its ListingFacts or None."""
    return card_body(supplier, check)

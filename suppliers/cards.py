"""The body of a search result card, rendered once per distinct content and language, then reused.

A search page shows 20 to 100 cards, and rendering them through the template engine was a third of the page's
time (bench/README.md, "The search page's own cost"). The body of a card is a pure function of the values listed in
``card_values``: those values, with the active language, are the cache key, so a changed supplier, a renamed region
or category, a new verification date or another language simply gives another key — nothing is ever invalidated
and nothing stale can be shown. The template reads only ``card.<value>``; a value it needs must be added here, which
puts it in the key. The link to the supplier page (it carries the search) and the buyer's actions stay outside.
"""

from functools import lru_cache

from django.template.loader import get_template
from django.utils.translation import get_language

from .models import EmployeesBand

CARD_TEMPLATE = "suppliers/_result_card.html"
# Distinct card bodies kept per process (least recently used dropped first): about 3 KB each with their key.
CARDS_KEPT = 2048


def card_values(supplier, check) -> tuple:
    """What the card body shows of ``supplier`` (prepared by the search view) and of ``check``, its
    ``ListingFacts`` or None, as a hashable tuple of (name, value) pairs."""
    checked_at = getattr(check, "checked_at", None)
    return (
        ("legal_form", str(supplier.legal_form_label)),
        ("coop_type", supplier.coop_type_label if supplier.coop_type else ""),
        ("city", supplier.city),
        ("head_office_region", supplier.head_office_region_name),
        ("accreditations", tuple(str(label) for label in supplier.accreditation_labels)),
        ("description", supplier.description),
        ("description_language", supplier.description_language),
        ("serves_all_quebec", supplier.serves_all_quebec),
        ("regions", tuple(supplier.region_names)),
        ("categories", tuple(supplier.category_names)),
        ("phone", supplier.phone),
        ("phone_uri", supplier.phone_uri),
        ("email", supplier.email),
        ("employees_band", _band_label(supplier.employees_band)),
        ("checked_at", checked_at),
        ("verified", bool(checked_at) and check.verified_at == checked_at),
    )


def _band_label(value: str) -> str:
    """The size band's label (``get_employees_band_display()`` rebuilds the choices on every call: 0.3 ms)."""
    return str(EmployeesBand(value).label) if value in EmployeesBand.values else value


def card_body(supplier, check) -> str:
    return _render(get_language(), card_values(supplier, check))


@lru_cache(maxsize=CARDS_KEPT)
def _render(language: str, values: tuple) -> str:
    return get_template(CARD_TEMPLATE).render({"card": dict(values), "LANGUAGE_CODE": language})

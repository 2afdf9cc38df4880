"""Adoption: which public bodies use the directory, how many buyers are active, what they create per month.

An *active buyer* has an approved buyer profile (``Buyer.objects.active()``); an active buyer *over N days* also
logged in during the last N days. Organisations are counted once however many buyers they have.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef

from buyers.models import Buyer, BuyerOrganisation, OrganisationKind
from suppliers.models import Region

ACTIVITY_WINDOWS = (30, 90)


def organisations_with_active_buyer() -> dict[tuple[str, str], int]:
    """Per (organisation kind, region code or ""), the organisations with at least one active buyer."""
    active = Buyer.objects.active().filter(organisation_id=OuterRef("pk"))
    rows = (
        BuyerOrganisation.objects.filter(Exists(active))
        .values_list("kind", "region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(kind, region or ""): n for kind, region, n in rows}


def organisation_table_rows():
    """(region label, {kind: count}) rows, regions in code order then "no region", for the kinds × regions
    table."""
    counts = organisations_with_active_buyer()
    by_region = defaultdict(dict)
    for (kind, region), n in counts.items():
        by_region[region][kind] = n
    regions = [(region.code, region.name) for region in Region.objects.order_by("code")] + [("", None)]
    return [
        (code, name, {kind: by_region[code].get(kind, 0) for kind in OrganisationKind.values})
        for code, name in regions
    ]


def active_buyers(*, now) -> dict[int, int]:
    """Active buyers who logged in within each activity window, and (key 0) all active buyers."""
    buyers = Buyer.objects.active()
    result = {0: buyers.count()}
    for days in ACTIVITY_WINDOWS:
        result[days] = buyers.filter(user__last_login__gte=now - timedelta(days=days)).count()
    return result


def workspace_activity_by_month(*, since):
    """Shortlists, exports and market-research records created per month. ``None``: the workspace's data is not
    in this database yet."""
    return None

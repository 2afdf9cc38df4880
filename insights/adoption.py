"""Adoption: which public bodies use the directory, how many buyers are active, what they create per month.

An *active buyer* has an approved buyer profile (``Buyer.objects.active()``); an active buyer *over N days* also
logged in during the last N days. Organisations are counted once however many buyers they have.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth

from buyers.models import (
    Buyer,
    BuyerOrganisation,
    ExportLog,
    MarketResearchRecord,
    OrganisationKind,
    Shortlist,
)
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


# Months shown in the workspace's activity, the current one included.
ACTIVITY_MONTHS = 12


def _per_month(queryset, field: str, since) -> dict:
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(month=TruncMonth(field))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {month.date(): n for month, n in rows}


def workspace_activity_by_month(*, now, months: int = ACTIVITY_MONTHS) -> list[tuple[date, int, int, int]]:
    """(month, shortlists, exports, market-research records) created in each of the last ``months`` calendar
    months (local time), oldest first; months without any are there with zeros."""
    from .demand import month_start, period_months

    wanted = period_months(months, now)
    since = month_start(wanted[0])
    lists = _per_month(Shortlist.objects.all(), "created_at", since)
    exports = _per_month(ExportLog.objects.all(), "created_at", since)
    records = _per_month(MarketResearchRecord.objects.all(), "created_at", since)
    return [(month, lists.get(month, 0), exports.get(month, 0), records.get(month, 0)) for month in wanted]

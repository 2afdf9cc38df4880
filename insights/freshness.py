"""How fresh the catalogue is: published listings by the age of their last check, what waits for staff, and the
listings whose enterprise did not answer the yearly confirmation request."""

from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enterprises.models import ClaimRequest, Revision

from .listing_index import current_index
from .models import ConfirmationRequest, ListingFacts
from .services import shift_months


@dataclass(frozen=True)
class AgeBucket:
    key: str
    label: str
    newer_than_months: int | None  # checked after now minus this many months (None: no lower bound in time)
    older_than_months: int | None  # and at or before now minus this many months


AGE_BUCKETS = [
    AgeBucket("under_6", _("Moins de 6 mois"), 6, None),
    AgeBucket("6_12", _("6 à 12 mois"), 12, 6),
    AgeBucket("12_24", _("12 à 24 mois"), 24, 12),
    AgeBucket("over_24", _("Plus de 24 mois"), None, 24),
    AgeBucket("never", _("Jamais"), None, None),
]
# What a listing's age is measured from: its last check (either), staff verification, enterprise confirmation.
DATE_COLUMNS = ("checked", "verified", "confirmed")


def age_counts(*, now) -> dict[str, dict[str, int]]:
    """Published listings per age bucket, for each date column (from the listing index)."""
    index = current_index()
    counts = {}
    for column in DATE_COLUMNS:
        counts[column] = {}
        for bucket in AGE_BUCKETS:
            after = (
                shift_months(now, -bucket.newer_than_months) if bucket.newer_than_months is not None else None
            )
            until = (
                shift_months(now, -bucket.older_than_months) if bucket.older_than_months is not None else None
            )
            if bucket.key != "never" and after is None and until is None:
                raise ValueError(bucket)
            counts[column][bucket.key] = index.count_between(column, after=after, until=until)
    return counts


def least_recently_checked(limit: int = 10):
    """Published listings checked the longest ago (never-checked ones are counted, not listed)."""
    return (
        ListingFacts.objects.filter(checked_at__isnull=False)
        .select_related("supplier")
        .only("supplier__name", "supplier__neq", "checked_at", "verified_at", "confirmed_at")
        .order_by("checked_at")[:limit]
    )


@dataclass
class Queue:
    label: str
    count: int
    oldest: object  # datetime or None
    items: list  # the oldest, each with ``waiting_since`` and ``admin_url``


def review_queues(limit: int = 10) -> list[Queue]:
    """Revisions and claims waiting for a decision: how many, since when, and the oldest ones."""
    queues = []
    for label, queryset, date_field, admin_change in (
        (
            _("Modifications de fiches"),
            Revision.objects.pending(),
            "submitted_at",
            "enterprises_revision_change",
        ),
        (
            _("Demandes de gestion de fiches"),
            ClaimRequest.objects.pending(),
            "created_at",
            "enterprises_claimrequest_change",
        ),
    ):
        summary = queryset.aggregate(count=Count("pk"), oldest=Min(date_field))
        items = list(queryset.select_related("supplier").order_by(date_field, "pk")[:limit])
        for item in items:
            item.waiting_since = getattr(item, date_field)
            item.admin_url = reverse(f"admin:{admin_change}", args=[item.pk])
        queues.append(Queue(label=label, count=summary["count"], oldest=summary["oldest"], items=items))
    return queues


def unanswered_count(index=None) -> int:
    """How many requests are unanswered (``ConfirmationRequestQuerySet.unanswered``), counted against the listing
    index: the requests' listings and dates are read (as whole minutes), not every listing's facts."""
    index = index or current_index()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT supplier_id, floor(date_part('epoch', asked_at) / 60)::int8 "
            f"FROM {ConfirmationRequest._meta.db_table} WHERE asked_at IS NOT NULL"
        )
        rows = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    if not len(rows) or not index.size:
        return 0
    supplier_ids, asked = rows[:, 0], rows[:, 1]
    positions = np.minimum(np.searchsorted(index.ids, supplier_ids), index.size - 1)
    published = index.ids[positions] == supplier_ids
    return int(np.count_nonzero(published & (index.dates["checked"][positions] < asked)))


def unanswered_requests():
    """Confirmation requests nobody answered (no confirmation, no verification since), oldest first."""
    return ConfirmationRequest.objects.unanswered().select_related("supplier").order_by("asked_at", "pk")

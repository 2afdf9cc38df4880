"""The needs funnel: by month of submission and kind of organisation, needs submitted, published, with at least one
interested supplier, awarded; the median time from submission to validation; the reasons suppliers give for "not
interested".

A need counts in the month it was first submitted (``Need.submitted_at``, local time). *Validation* is staff's first
decision after a submission (``NeedStatusChange`` out of ``submitted``: published, changes requested or rejected).
"""

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth

from needs.models import Answer, DeclineReason, Need, NeedStatus, NeedStatusChange, Recipient


@dataclass
class Funnel:
    stages: list  # rows: month, organisation kind, submitted, published, at least one interested, awarded
    reasons: list  # rows: reason, answers
    median_validation: timedelta | None  # None without any validated need


def funnel_stages(*, since) -> list[tuple]:
    """(month, organisation kind, submitted, published, at least one interested, awarded), oldest month first."""
    interested = Recipient.objects.filter(need=OuterRef("pk"), excluded=False, answer=Answer.INTERESTED)
    rows = (
        Need.objects.filter(submitted_at__gte=since)
        .annotate(month=TruncMonth("submitted_at"), has_interest=Exists(interested))
        .values_list("month", "organisation__kind")
        .annotate(
            submitted=Count("pk"),
            published=Count("pk", filter=Q(published_at__isnull=False)),
            interested=Count("pk", filter=Q(has_interest=True)),
            awarded=Count("pk", filter=Q(outcome_awarded=True)),
        )
        .order_by("month", "organisation__kind")
    )
    return [(month.date(), kind, *counts) for month, kind, *counts in rows]


def median_time_to_validation(*, since) -> timedelta | None:
    """The median, over needs submitted since ``since``, of the time from their submission to staff's first
    decision on it."""
    durations = []
    for submitted_at, decided_at in (
        Need.objects.filter(submitted_at__gte=since)
        .values_list("submitted_at")
        .annotate(
            decided_at=Subquery(
                NeedStatusChange.objects.filter(
                    need=OuterRef("pk"),
                    from_status=NeedStatus.SUBMITTED,
                    changed_at__gte=OuterRef("submitted_at"),
                )
                .order_by("changed_at")
                .values("changed_at")[:1]
            )
        )
        .filter(decided_at__isnull=False)
    ):
        durations.append(decided_at - submitted_at)
    return median(durations) if durations else None


def decline_reasons(*, since) -> list[tuple[str, int]]:
    """(reason label, answers) for "not interested" answers given since ``since``, every reason listed."""
    counts = dict(
        Recipient.objects.filter(answer=Answer.NOT_INTERESTED, answered_at__gte=since)
        .values_list("decline_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(str(label), counts.get(value, 0)) for value, label in DeclineReason.choices]


def needs_funnel(*, since) -> Funnel:
    return Funnel(
        stages=funnel_stages(since=since),
        reasons=decline_reasons(since=since),
        median_validation=median_time_to_validation(since=since),
    )

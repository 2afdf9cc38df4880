"""The needs funnel: by month and kind of organisation, needs submitted, published, with at least one interested
supplier, awarded; the median time from submission to validation; the reasons suppliers give for "not interested".
"""

from dataclasses import dataclass


@dataclass
class Funnel:
    stages: list  # rows: month, organisation kind, submitted, published, at least one interested, awarded
    reasons: list  # rows: reason, answers
    median_validation: object  # a timedelta, or None without validated needs


def needs_funnel() -> Funnel | None:
    """``None``: the needs module's data (needs, recipients, answers) is not in this database yet."""
    return None

"""Business days: Monday to Friday, except the holidays kept as data (``needs.Holiday``, from
fixtures/holidays.csv, editable in the admin)."""

from datetime import date, datetime, timedelta

from django.utils import timezone


def holidays_from(start: date) -> set[date]:
    from .models import Holiday

    # A year ahead covers any count of business days used here.
    return set(
        Holiday.objects.filter(date__gte=start, date__lte=start + timedelta(days=366)).values_list(
            "date", flat=True
        )
    )


def is_business_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int, holidays: set[date] | None = None) -> date:
    """The date ``days`` business days after ``start`` (``start`` itself is not counted)."""
    if holidays is None:
        holidays = holidays_from(start)
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    return day


def add_business_days_to_instant(moment: datetime, days: int) -> datetime:
    """The same time of day, ``days`` business days later in Québec."""
    local = timezone.localtime(moment)
    later = add_business_days(local.date(), days)
    return timezone.make_aware(datetime.combine(later, local.time().replace(tzinfo=None)))

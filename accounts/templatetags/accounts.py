from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.filter
def delay(value):
    """A timedelta in words, in the active language ("1 heure"): how long a lock-out lasts."""
    now = timezone.now()
    return timeuntil(now + value, now)

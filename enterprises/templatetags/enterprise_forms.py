"""Render form fields with their help and error texts tied to the control (aria-describedby)."""

from django import forms, template
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.filter
def is_choice_group(field):
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag
def described_by(field):
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_errors")
    return " ".join(ids)


@register.simple_tag
def widget(field):
    attrs = {}
    ids = described_by(field)
    if ids:
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def delay(value):
    """A timedelta in words, in the active language ("1 heure")."""
    now = timezone.now()
    return timeuntil(now + value, now)

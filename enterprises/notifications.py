"""Emails of the enterprise side, sent once the transaction that decided them commits."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import CURATORS_GROUP
from directory.site import absolute_url, sender

from .models import Membership

absolute = absolute_url


def admin_url(obj) -> str:
    return absolute(reverse(f"admin:enterprises_{obj._meta.model_name}_change", args=[obj.pk]))


def dashboard_url() -> str:
    return absolute(reverse("enterprises:dashboard"))


def _send(template: str, *, to: list[str], context: dict) -> None:
    if not to:
        return
    context = {"site_url": settings.SITE_URL, **context}
    # The administration writes to enterprises in French, whatever language the staff member browses in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"enterprises/email/{template}_subject.txt", context)
        body = render_to_string(f"enterprises/email/{template}_message.txt", context)
        from_email = sender()
    subject = " ".join(subject.split())
    # One message per person: co-members do not see each other's addresses in the recipients.
    send_mass_mail([(subject, body, from_email, [address]) for address in sorted(set(to))])


def review_recipients() -> list[str]:
    """Staff told when something awaits review: the configured addresses, else active curators."""
    if settings.REVIEW_NOTIFICATION_EMAILS:
        return list(settings.REVIEW_NOTIFICATION_EMAILS)
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=CURATORS_GROUP)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def member_emails(supplier) -> list[str]:
    return list(
        Membership.objects.filter(supplier=supplier, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def notify_staff(template: str, **context) -> None:
    transaction.on_commit(lambda: _send(template, to=review_recipients(), context=context))


def notify(template: str, *, to: list[str], **context) -> None:
    transaction.on_commit(lambda: _send(template, to=to, context=context))

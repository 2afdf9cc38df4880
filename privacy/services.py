"""A person's data: export it, delete the account; and the purges that enforce the keeping periods."""

import json
from collections.abc import Iterator
from datetime import date, datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import ClaimRequest, DecisionStatus, Invitation

from . import retention
from .registry import sections

AXES_MODELS = [AccessAttempt, AccessLog, AccessFailureLog]


# --- Export ---


def personal_data_export(*, user) -> dict:
    """Every registered section of the person's data, as plain values (a structured, commonly used format)."""
    return {
        "exported_at": timezone.now(),
        "account": user.email,
        "sections": {
            section.key: {"label": str(section.label), "records": section.export(user)}
            for section in sections()
        },
    }


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(_plain(item)) for item in value)
    return value


def personal_data_json(*, user) -> str:
    data = personal_data_export(user=user)
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain)


CSV_HEADER = ["section", "record", "field", "value"]


def personal_data_rows(*, user) -> Iterator[list]:
    """The export as rows of a long CSV table: section, record number, field, value."""
    for section in personal_data_export(user=user)["sections"].values():
        for number, record in enumerate(section["records"], 1):
            for field, value in record.items():
                yield [section["label"], number, field, _plain(value)]


# --- Deleting an account ---


def account_delete(*, user) -> None:
    """Run every app's clean-up, then delete the account (email addresses, claims and the rest cascade).

    Staff accounts are not deleted from the site: the curation history must keep a person, and an administrator
    removes them. Listings are never deleted: see enterprises/personal_data.py for what happens to them.
    """
    if user.is_staff or user.is_superuser:
        raise PermissionDenied(_("Un compte du personnel se supprime par un administrateur du répertoire."))
    with transaction.atomic():
        for section in sections():
            if section.erase is not None:
                section.erase(user)
        user.delete()


def login_records_of(user):
    for model in AXES_MODELS:
        yield model, model.objects.filter(username__iexact=user.email)


# --- Keeping periods (privacy/retention.py), enforced by the periodic tasks of privacy/tasks.py ---


def login_records_purge(*, now=None) -> int:
    """Delete django-axes' log-in records (attempts, successful log-ins, failures) past their period."""
    cutoff = (now or timezone.now()) - retention.LOGIN_RECORDS
    deleted = 0
    for model in AXES_MODELS:
        count, _by_model = model.objects.filter(attempt_time__lt=cutoff).delete()
        deleted += count
    return deleted


def expired_invitations_purge(*, now=None) -> int:
    """Delete the invitations nobody accepted, once expired for longer than their period."""
    cutoff = (now or timezone.now()) - retention.EXPIRED_INVITATIONS
    count, _by_model = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return count


def refused_claim_messages_purge(*, now=None) -> int:
    """Erase what people wrote with a claim that staff refused, once the period has passed since the decision."""
    cutoff = (now or timezone.now()) - retention.REFUSED_CLAIM_MESSAGES
    return (
        ClaimRequest.objects.filter(status=DecisionStatus.REFUSED, decided_at__lt=cutoff)
        .exclude(message="")
        .update(message="")
    )

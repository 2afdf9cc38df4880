"""Writing a need: the author creates and edits it (and, for an invitation, ticks the invitees)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..models import (
    MAX_ATTACHMENTS,
    Need,
    NeedAttachment,
    NeedReferenceCounter,
    NeedStatus,
    NotificationKind,
    Recipient,
    RecipientOrigin,
)
from .base import check_author, locked

SCALAR_FIELDS = [
    "kind",
    "title_fr",
    "title_en",
    "description_fr",
    "description_en",
    "all_quebec",
    "delivery_place",
    "include_all_quebec_suppliers",
    "accreditations",
    "legal_forms",
    "estimated_amount",
    "show_amount",
    "response_deadline",
    "start_date",
    "seao_url",
    "questions",
]


# --- Writing a need ---


def _apply(need: Need, data: dict, fields) -> None:
    for field in fields:
        if field in data:
            setattr(need, field, data[field])
    if need.estimated_amount is None:
        need.show_amount = False


def _store_attachments(need: Need, files: list) -> None:
    if need.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("Un besoin compte au plus trois pièces jointes."), code="too_many_attachments"
        )
    for uploaded, content_type in files:
        attachment = NeedAttachment(
            need=need, name=uploaded.name[:200], content_type=content_type, size=uploaded.size
        )
        attachment.file.save("document", uploaded, save=False)
        attachment.save()


def need_create(*, buyer, data: dict, files=()) -> Need:
    """An active buyer writes a need: a draft of their organisation, with its reference."""
    if not buyer.is_active:
        raise PermissionDenied
    with transaction.atomic():
        need = Need(organisation_id=buyer.organisation_id, author=buyer)
        _apply(need, data, SCALAR_FIELDS)
        need.reference = NeedReferenceCounter.next_reference(timezone.localdate().year)
        need._history_user = buyer.user
        need.save()
        need.categories.set(data["categories"])
        need.regions.set([] if data["all_quebec"] else data["regions"])
        _store_attachments(need, list(files))
    return need


def need_update(*, need: Need, user, data: dict, files=(), remove_attachments=()) -> Need:
    """The author edits the need: anything before submission; once published, only what does not change who
    is told (``Need.EDITABLE_AFTER_PUBLICATION``), and every recipient is told again."""
    with transaction.atomic():
        need = locked(need)
        check_author(need, user)
        published = need.status == NeedStatus.PUBLISHED
        if not (need.is_editable_before_publication or (published and need.is_open_for_answers)):
            raise ValidationError(_("Ce besoin ne peut plus être modifié."), code="not_editable")
        if published and data.get("response_deadline") and data["response_deadline"] < need.response_deadline:
            raise ValidationError(
                _("Une fois le besoin publié, la date limite peut être reportée, pas avancée."),
                code="deadline_earlier",
            )
        fields = Need.EDITABLE_AFTER_PUBLICATION if published else SCALAR_FIELDS
        _apply(need, data, fields)
        need._history_user = user
        if published:
            need.edition += 1
            need._change_reason = _("Modifié après publication")
        need.save()
        if not published:
            need.categories.set(data["categories"])
            need.regions.set([] if data["all_quebec"] else data["regions"])
        need.attachments.filter(pk__in=[a.pk for a in remove_attachments]).delete()
        _store_attachments(need, list(files))
        if published:
            notifications.enqueue(
                need=need,
                kind=NotificationKind.UPDATE,
                recipients=need.recipients.active(),
                key=str(need.edition),
            )
    return need


def invitees_set(*, need: Need, user, supplier_ids) -> int:
    """For an invitation, the author ticks the invitees among the suggestions (matching only suggests)."""
    with transaction.atomic():
        need = locked(need)
        check_author(need, user)
        if not (need.is_invitation and need.is_editable_before_publication):
            raise ValidationError(
                _("Les entreprises invitées ne peuvent plus être changées."), code="not_editable"
            )
        chosen = set(need.matching_suppliers().filter(pk__in=supplier_ids).values_list("pk", flat=True))
        need.recipients.filter(origin=RecipientOrigin.INVITED).exclude(supplier_id__in=chosen).delete()
        Recipient.objects.bulk_create(
            [Recipient(need=need, supplier_id=pk, origin=RecipientOrigin.INVITED) for pk in chosen],
            ignore_conflicts=True,
        )
    return len(chosen)

"""Matching and statuses: submission, staff validation (recipients, publish, request changes, reject),
withdrawal, closing at the deadline, refusal of needs left unrevised."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from suppliers.models import Supplier

from .. import notifications
from ..models import (
    CHANGES_REQUESTED_EXPIRY,
    MAX_RECIPIENTS,
    DeliveryStatus,
    Need,
    NeedStatus,
    NotificationKind,
    Recipient,
    RecipientOrigin,
)
from .base import check_author, locked, tell_author_decision

# --- Matching ---


def need_match(*, need: Need) -> int:
    """(Re)compute the recipients from the need's targeting: matched rows no longer matching go, new matches
    come; suppliers staff added or removed stay as staff left them. Allowed until publication, never after.
    For an invitation matching only suggests: the buyer's invitees are kept as they are."""
    with transaction.atomic():
        need = locked(need)
        if not need.matching_is_open:
            raise ValidationError(
                _("Les destinataires d'un besoin publié ne sont plus recalculés."), code="matching_closed"
            )
        if need.is_invitation:
            return need.recipients.active().count()
        suppliers = need.matching_suppliers().order_by().values("pk")
        need.recipients.filter(origin=RecipientOrigin.MATCHED, excluded=False).exclude(
            supplier_id__in=suppliers
        ).delete()
        Recipient.objects.insert_missing(need=need, suppliers=suppliers, origin=RecipientOrigin.MATCHED)
        return need.recipients.active().count()


def recipient_add(*, need: Need, supplier: Supplier, by) -> Recipient:
    """Staff add a supplier before publication (published, with a public email)."""
    with transaction.atomic():
        need = locked(need)
        if not need.matching_is_open:
            raise ValidationError(
                _("Les destinataires d'un besoin publié ne changent plus."), code="matching_closed"
            )
        if not supplier.is_public or not supplier.email:
            raise ValidationError(
                _("Seul un fournisseur publié qui a un courriel public peut être ajouté."),
                code="not_reachable",
            )
        recipient, created = Recipient.objects.get_or_create(
            need=need, supplier=supplier, defaults={"origin": RecipientOrigin.STAFF}
        )
        if not created and recipient.excluded:
            recipient.excluded = False
            recipient.save(update_fields=["excluded"])
    return recipient


def recipient_remove(*, need: Need, recipient: Recipient, by) -> None:
    """Staff remove a recipient before publication; a later recomputation leaves it out."""
    with transaction.atomic():
        need = locked(need)
        if not need.matching_is_open:
            raise ValidationError(
                _("Les destinataires d'un besoin publié ne changent plus."), code="matching_closed"
            )
        if recipient.need_id != need.pk:
            raise PermissionDenied
        if recipient.origin == RecipientOrigin.STAFF:
            recipient.delete()
        else:
            Recipient.objects.filter(pk=recipient.pk).update(excluded=True)


def need_narrow(*, need: Need, by, regions, categories, include_all_quebec_suppliers: bool) -> int:
    """Staff narrow the targeting (keep some of the need's regions and categories, leave out suppliers serving
    all of Québec), then recompute the recipients."""
    with transaction.atomic():
        need = locked(need)
        if not need.matching_is_open:
            raise ValidationError(
                _("Les destinataires d'un besoin publié ne changent plus."), code="matching_closed"
            )
        kept_categories = need.categories.filter(pk__in=[c.pk for c in categories])
        if not kept_categories:
            raise ValidationError(_("Gardez au moins une catégorie."), code="no_category")
        need.categories.set(list(kept_categories))
        if not need.all_quebec:
            kept_regions = need.regions.filter(pk__in=[r.pk for r in regions])
            if not kept_regions:
                raise ValidationError(_("Gardez au moins une région."), code="no_region")
            need.regions.set(list(kept_regions))
        elif regions:
            need.all_quebec = False
            need.regions.set(list(regions))
        need.include_all_quebec_suppliers = include_all_quebec_suppliers
        need._history_user = by
        need._change_reason = _("Ciblage resserré par le personnel")
        need.save(update_fields=["all_quebec", "include_all_quebec_suppliers", "updated_at"])
    return need_match(need=need)


# --- Statuses ---


def need_submit(*, need: Need, user) -> Need:
    """The author submits the need for validation: recipients are computed for staff to check."""
    with transaction.atomic():
        need = locked(need)
        check_author(need, user)
        need.change_status(NeedStatus.SUBMITTED, by=user)
        notifications.enqueue(
            need=need, kind=NotificationKind.SUBMITTED, key=str(need.status_changes.count())
        )
    need_match(need=need)
    return need


def need_publish(*, need: Need, by) -> Need:
    """Staff publish the need: every recipient is told, each by one email."""
    with transaction.atomic():
        need = locked(need)
        count = need.recipients.active().count()
        if count > MAX_RECIPIENTS:
            raise ValidationError(
                _("%(count)s destinataires : resserrez le ciblage à %(max)s au plus avant de publier."),
                code="too_many_recipients",
                params={"count": count, "max": MAX_RECIPIENTS},
            )
        if count == 0:
            raise ValidationError(_("Aucun destinataire : ajoutez-en avant de publier."), code="no_recipient")
        need.change_status(NeedStatus.PUBLISHED, by=by)
        need.recipients.active().give_tokens()
        notifications.enqueue(
            need=need, kind=NotificationKind.PUBLICATION, recipients=need.recipients.active()
        )
        tell_author_decision(need)
    return need


def need_request_changes(*, need: Need, by, message: str) -> Need:
    with transaction.atomic():
        need = locked(need)
        need.change_status(NeedStatus.CHANGES_REQUESTED, by=by, message=message)
        tell_author_decision(need)
    return need


def need_reject(*, need: Need, by, reason: str) -> Need:
    with transaction.atomic():
        need = locked(need)
        need.change_status(NeedStatus.REJECTED, by=by, message=reason)
        tell_author_decision(need)
    return need


def need_withdraw(*, need: Need, user, message: str = "") -> Need:
    """The author withdraws the need (before its deadline); suppliers already told are told it is withdrawn."""
    with transaction.atomic():
        need = locked(need)
        check_author(need, user)
        _withdraw(need, by=user, message=message)
    return need


def _withdraw(need: Need, *, by, message: str) -> None:
    was_published = need.status == NeedStatus.PUBLISHED
    need.change_status(NeedStatus.WITHDRAWN, by=by, message=message)
    if was_published:
        # Emails not yet sent about the need are pointless now.
        need.notifications.filter(status=DeliveryStatus.PENDING, recipient__isnull=False).delete()
        notifications.enqueue(
            need=need, kind=NotificationKind.WITHDRAWN, recipients=need.recipients.active().notified()
        )


def needs_of_leaving_author_withdraw(*, user) -> int:
    """The author deletes their account: every need of theirs still open (a draft, under review, or published
    before its deadline) is withdrawn, recipients told; the others keep their facts without an author."""
    withdrawn = 0
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Retiré : le compte de la personne qui l'a publié a été supprimé.")
    for pk in Need.objects.filter(author__user=user).values_list("pk", flat=True):
        with transaction.atomic():
            need = Need.objects.select_for_update().get(pk=pk)
            if need.can_change_status(NeedStatus.WITHDRAWN):
                _withdraw(need, by=user, message=message)
                withdrawn += 1
    return withdrawn


def needs_close_due(*, now=None) -> int:
    """Close every published need whose deadline has passed."""
    now = now or timezone.now()
    closed = 0
    for pk in (
        Need.objects.filter(status=NeedStatus.PUBLISHED).past_deadline(now).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            need = Need.objects.select_for_update().get(pk=pk)
            if need.can_change_status(NeedStatus.CLOSED, now=now):
                need.change_status(NeedStatus.CLOSED, now=now)
                closed += 1
    return closed


def needs_refuse_stale(*, now=None) -> int:
    """Refuse needs sent back for changes and not resubmitted within ten days."""
    now = now or timezone.now()
    refused = 0
    stale = Need.objects.filter(
        status=NeedStatus.CHANGES_REQUESTED, status_changed_at__lte=now - CHANGES_REQUESTED_EXPIRY
    )
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            need = Need.objects.select_for_update().get(pk=pk)
            if need.status == NeedStatus.CHANGES_REQUESTED:
                need.change_status(
                    NeedStatus.REJECTED,
                    now=now,
                    message=_(
                        "Refusé automatiquement : le besoin n'a pas été soumis de nouveau dans les 10 jours."
                    ),
                )
                tell_author_decision(need)
                refused += 1
    return refused

"""Work on needs that spans several models or tells people: creating, submitting, validating, matching,
answering, reminding, recording the outcome and purging.

Status changes themselves are ``Need.change_status`` (which checks the current status); these functions lock the
need, check who acts, call it, and queue the emails (``needs.notifications``), all in one transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suppliers.models import Supplier

from . import notifications
from .business_days import add_business_days_to_instant
from .models import (
    AUTOMATIC_REMINDER_BUSINESS_DAYS,
    CHANGES_REQUESTED_EXPIRY,
    MAX_ATTACHMENTS,
    MAX_RECIPIENTS,
    OUTCOME_REQUEST_DELAY,
    RETENTION_AFTER_CLOSING,
    Answer,
    BuyerReminder,
    Clarification,
    DeliveryStatus,
    Need,
    NeedAttachment,
    NeedReferenceCounter,
    NeedStatus,
    Notification,
    NotificationKind,
    Recipient,
    RecipientOrigin,
)

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


def _locked(need: Need) -> Need:
    return Need.objects.select_for_update().get(pk=need.pk)


def _check_author(need: Need, user) -> None:
    if need.author.user_id != user.pk or not need.author.is_active:
        raise PermissionDenied


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
        need = _locked(need)
        _check_author(need, user)
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
        need = _locked(need)
        _check_author(need, user)
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


# --- Matching ---


def need_match(*, need: Need) -> int:
    """(Re)compute the recipients from the need's targeting: matched rows no longer matching go, new matches
    come; suppliers staff added or removed stay as staff left them. Allowed until publication, never after.
    For an invitation matching only suggests: the buyer's invitees are kept as they are."""
    with transaction.atomic():
        need = _locked(need)
        if not need.matching_is_open:
            raise ValidationError(
                _("Les destinataires d'un besoin publié ne sont plus recalculés."), code="matching_closed"
            )
        if need.is_invitation:
            return need.recipients.active().count()
        wanted = set(need.matching_suppliers().values_list("pk", flat=True))
        present = set(need.recipients.values_list("supplier_id", flat=True))
        need.recipients.filter(origin=RecipientOrigin.MATCHED, excluded=False).exclude(
            supplier_id__in=wanted
        ).delete()
        Recipient.objects.bulk_create(
            [Recipient(need=need, supplier_id=pk, origin=RecipientOrigin.MATCHED) for pk in wanted - present],
            batch_size=2000,
        )
        return need.recipients.active().count()


def recipient_add(*, need: Need, supplier: Supplier, by) -> Recipient:
    """Staff add a supplier before publication (published, with a public email)."""
    with transaction.atomic():
        need = _locked(need)
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
        need = _locked(need)
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
        need = _locked(need)
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
        need = _locked(need)
        _check_author(need, user)
        need.change_status(NeedStatus.SUBMITTED, by=user)
        notifications.enqueue(
            need=need, kind=NotificationKind.SUBMITTED, key=str(need.status_changes.count())
        )
    need_match(need=need)
    return need


def need_publish(*, need: Need, by) -> Need:
    """Staff publish the need: every recipient is told, each by one email."""
    with transaction.atomic():
        need = _locked(need)
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
        notifications.enqueue(
            need=need, kind=NotificationKind.PUBLICATION, recipients=need.recipients.active()
        )
        _tell_author_decision(need)
    return need


def need_request_changes(*, need: Need, by, message: str) -> Need:
    with transaction.atomic():
        need = _locked(need)
        need.change_status(NeedStatus.CHANGES_REQUESTED, by=by, message=message)
        _tell_author_decision(need)
    return need


def need_reject(*, need: Need, by, reason: str) -> Need:
    with transaction.atomic():
        need = _locked(need)
        need.change_status(NeedStatus.REJECTED, by=by, message=reason)
        _tell_author_decision(need)
    return need


def _tell_author_decision(need: Need) -> None:
    notifications.enqueue(need=need, kind=NotificationKind.DECISION, key=str(need.status_changes.count()))


def need_withdraw(*, need: Need, user, message: str = "") -> Need:
    """The author withdraws the need (before its deadline); suppliers already told are told it is withdrawn."""
    with transaction.atomic():
        need = _locked(need)
        _check_author(need, user)
        was_published = need.status == NeedStatus.PUBLISHED
        need.change_status(NeedStatus.WITHDRAWN, by=user, message=message)
        if was_published:
            # Emails not yet sent about the need are pointless now.
            need.notifications.filter(status=DeliveryStatus.PENDING, recipient__isnull=False).delete()
            notifications.enqueue(
                need=need, kind=NotificationKind.WITHDRAWN, recipients=need.recipients.active().notified()
            )
    return need


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
                _tell_author_decision(need)
                refused += 1
    return refused


# --- The supplier's side ---


def recipient_mark_viewed(recipient: Recipient) -> None:
    """The supplier opened the need's page (the only way "viewed" is recorded: no pixel, no tracked link)."""
    if recipient.viewed_at is None:
        now = timezone.now()
        Recipient.objects.filter(pk=recipient.pk, viewed_at__isnull=True).update(viewed_at=now)
        recipient.viewed_at = now


def _check_open(recipient: Recipient) -> None:
    if recipient.excluded or not recipient.need.is_open_for_answers:
        raise ValidationError(_("La période de réponse est terminée."), code="closed")


def answer_interested(
    *, recipient: Recipient, user=None, answers: list[str], price=None, upload=None
) -> Recipient:
    """The supplier is interested: an answer to every question, a price and one document if it wishes."""
    with transaction.atomic():
        recipient = Recipient.objects.select_for_update().select_related("need").get(pk=recipient.pk)
        _check_open(recipient)
        questions = recipient.need.questions
        if len(answers) != len(questions) or not all(a.strip() for a in answers):
            raise ValidationError(
                _("Répondez à chacune des questions de l'acheteur."), code="answers_required"
            )
        recipient.answer = Answer.INTERESTED
        recipient.answers = [a.strip() for a in answers]
        recipient.price = price
        recipient.decline_reason = ""
        recipient.comment = ""
        if upload is not None:
            uploaded, content_type = upload
            recipient.answer_file.save("document", uploaded, save=False)
            recipient.answer_file_name = uploaded.name[:200]
            recipient.answer_file_type = content_type
        recipient.answered_at = timezone.now()
        recipient.answered_by = user if user is not None and user.is_authenticated else None
        recipient.hidden_at = None
        recipient.save()
    return recipient


def answer_not_interested(*, recipient: Recipient, user=None, reason: str, comment: str = "") -> Recipient:
    with transaction.atomic():
        recipient = Recipient.objects.select_for_update().select_related("need").get(pk=recipient.pk)
        _check_open(recipient)
        if recipient.answer_file:
            recipient.answer_file.delete(save=False)
        recipient.answer = Answer.NOT_INTERESTED
        recipient.decline_reason = reason
        recipient.comment = comment.strip()
        recipient.answers = []
        recipient.price = None
        recipient.answer_file = ""
        recipient.answer_file_name = ""
        recipient.answer_file_type = ""
        recipient.answered_at = timezone.now()
        recipient.answered_by = user if user is not None and user.is_authenticated else None
        recipient.save()
    return recipient


def recipient_hide(*, recipient: Recipient, hidden: bool) -> None:
    Recipient.objects.filter(pk=recipient.pk).update(hidden_at=timezone.now() if hidden else None)


def clarification_ask(*, recipient: Recipient, question: str) -> Clarification:
    _check_open(recipient)
    return Clarification.objects.create(need=recipient.need, asked_by=recipient, question=question.strip())


def clarification_answer(*, clarification: Clarification, user, answer: str) -> Clarification:
    """The author answers a supplier's question; the question and the answer go to every recipient."""
    with transaction.atomic():
        need = _locked(clarification.need)
        _check_author(need, user)
        if need.status != NeedStatus.PUBLISHED:
            raise ValidationError(_("Le besoin n'est plus ouvert."), code="closed")
        clarification = Clarification.objects.select_for_update().get(pk=clarification.pk)
        if clarification.answer:
            raise ValidationError(_("Cette question a déjà une réponse."), code="answered")
        clarification.answer = answer.strip()
        clarification.answered_at = timezone.now()
        clarification.answered_by = user
        clarification.save(update_fields=["answer", "answered_at", "answered_by"])
        notifications.enqueue(
            need=need,
            kind=NotificationKind.CLARIFICATION,
            recipients=need.recipients.active().notified(),
            key=str(clarification.pk),
        )
    return clarification


# --- Follow-up ---


def buyer_reminder_send(*, need: Need, user) -> BuyerReminder:
    """The author reminds the recipients who have not answered (at most twice, 24 hours apart, before the
    deadline)."""
    with transaction.atomic():
        need = _locked(need)
        _check_author(need, user)
        allowed, reason = need.buyer_reminders_left()
        if not allowed:
            raise ValidationError(reason, code="reminder_not_allowed")
        reminder = BuyerReminder.objects.create(need=need, sent_by=user)
        notifications.enqueue(
            need=need,
            kind=NotificationKind.BUYER_REMINDER,
            recipients=need.recipients.active().notified().unanswered(),
            key=str(reminder.pk),
        )
    return reminder


def automatic_reminders_send(*, now=None) -> int:
    """Once per need, two business days after publication, remind the recipients who have not opened it."""
    now = now or timezone.now()
    count = 0
    candidates = Need.objects.filter(status=NeedStatus.PUBLISHED, automatic_reminder_at__isnull=True)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            need = _locked(Need(pk=pk))
            if need.automatic_reminder_at is not None or not need.is_open_for_answers:
                continue
            if now < add_business_days_to_instant(need.published_at, AUTOMATIC_REMINDER_BUSINESS_DAYS):
                continue
            need.automatic_reminder_at = now
            need.save(update_fields=["automatic_reminder_at"])
            notifications.enqueue(
                need=need,
                kind=NotificationKind.REMINDER,
                recipients=need.recipients.active().notified().filter(viewed_at__isnull=True, answer=""),
            )
            count += 1
    return count


def digests_send(*, now=None) -> int:
    """Once a day, one email per need to its author listing the answers received since the last one."""
    now = now or timezone.now()
    count = 0
    needs = Need.objects.filter(status__in=[NeedStatus.PUBLISHED, NeedStatus.CLOSED])
    for pk in needs.values_list("pk", flat=True):
        with transaction.atomic():
            need = _locked(Need(pk=pk))
            since = need.digest_sent_until
            answers = need.recipients.filter(answered_at__lte=now)
            if since:
                answers = answers.filter(answered_at__gt=since)
            if not answers.exists():
                continue
            notifications.enqueue(
                need=need,
                kind=NotificationKind.DIGEST,
                key=timezone.localtime(now).isoformat(timespec="seconds"),
                context={"since": since.isoformat() if since else None, "until": now.isoformat()},
            )
            need.digest_sent_until = now
            need.save(update_fields=["digest_sent_until"])
            count += 1
    return count


def outcome_requests_send(*, now=None) -> int:
    """Seven days after the deadline, ask the author for the outcome."""
    now = now or timezone.now()
    count = 0
    waiting = Need.objects.filter(status=NeedStatus.CLOSED, outcome_requested_at__isnull=True)
    for pk in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            need = _locked(Need(pk=pk))
            if need.outcome_requested_at is not None or now < need.deadline_at + OUTCOME_REQUEST_DELAY:
                continue
            need.outcome_requested_at = now
            need.save(update_fields=["outcome_requested_at"])
            notifications.enqueue(need=need, kind=NotificationKind.OUTCOME_REQUEST)
            count += 1
    return count


def outcome_record(
    *,
    need: Need,
    user,
    awarded: bool,
    mode: str = "",
    retained=(),
    other_supplier: str = "",
    amount=None,
    seao_number: str = "",
) -> Need:
    """The author records the outcome: recipients retained or not; interested suppliers are told it is over."""
    with transaction.atomic():
        need = _locked(need)
        _check_author(need, user)
        retained_ids = {r.pk for r in retained}
        if not need.recipients.active().filter(pk__in=retained_ids).count() == len(retained_ids):
            raise PermissionDenied
        need.outcome_awarded = awarded
        need.outcome_mode = mode if awarded else ""
        need.outcome_supplier_name = other_supplier.strip() if awarded else ""
        need.outcome_amount = amount if awarded else None
        need.outcome_seao_number = seao_number.strip() if awarded else ""
        need._history_user = user
        need.save(
            update_fields=[
                "outcome_awarded",
                "outcome_mode",
                "outcome_supplier_name",
                "outcome_amount",
                "outcome_seao_number",
                "updated_at",
            ]
        )
        active = need.recipients.active()
        active.filter(pk__in=retained_ids if awarded else []).update(retained=True)
        active.exclude(pk__in=retained_ids if awarded else []).update(retained=False)
        need.change_status(NeedStatus.OUTCOME_RECORDED, by=user)
        notifications.enqueue(need=need, kind=NotificationKind.CLOSED, recipients=active.interested())
    return need


# --- Retention ---


def needs_purge(*, now=None) -> int:
    """Twelve months after a need closed, delete its tokens, per-recipient viewing data and email log; the
    need's aggregate facts (categories, regions, amount, counts, answers, outcome) stay."""
    now = now or timezone.now()
    due = Need.objects.filter(purged_at__isnull=True, closed_at__lte=now - RETENTION_AFTER_CLOSING)
    count = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            need = _locked(Need(pk=pk))
            need.recipients.update(token=None, viewed_at=None)
            Notification.objects.filter(need=need).delete()
            need.purged_at = now
            need.save(update_fields=["purged_at"])
            count += 1
    return count

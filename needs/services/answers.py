"""The supplier's side: viewing, answering, declining, hiding, asking a question (and its answer to all)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notifications
from ..models import Answer, Clarification, NeedStatus, NotificationKind, Recipient
from .base import check_author, locked

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
        need = locked(clarification.need)
        check_author(need, user)
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

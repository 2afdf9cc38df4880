"""What the needs keep about a person (privacy/registry.py): the needs they wrote as a buyer, the answers they
gave for an enterprise, and the questions they answered.

When a person deletes their account:
- their needs still open (a draft, under review, or published before its deadline) are withdrawn and the
  enterprises already told are told so; every need of theirs then loses its author (``Need.author`` is emptied)
  but keeps its facts (organisation, categories, regions, estimated amount, counts, outcome) for statistics;
- the answers they gave belong to their enterprise and stay, without their name (``answered_by`` is emptied);
- reminders they sent and answers to questions stay with the need, without their name.
"""

from django.utils.translation import gettext_lazy as _

from privacy.registry import register

from . import services
from .models import Need, Recipient


def _amount(value):
    return None if value is None else str(value)


def export_needs(user):
    needs = (
        Need.objects.filter(author__user=user)
        .select_related("organisation")
        .prefetch_related("categories", "regions")
        .order_by("created_at")
    )
    return [
        {
            "reference": need.reference,
            "organisation": need.organisation.name,
            "kind": need.get_kind_display(),
            "title": need.title_fr,
            "title_en": need.title_en,
            "description": need.description_fr,
            "description_en": need.description_en,
            "categories": [category.code for category in need.categories.all()],
            "regions": [region.code for region in need.regions.all()],
            "all_quebec": need.all_quebec,
            "delivery_place": need.delivery_place,
            "estimated_amount": _amount(need.estimated_amount),
            "response_deadline": need.response_deadline,
            "start_date": need.start_date,
            "questions": list(need.questions),
            "status": need.get_status_display(),
            "created_at": need.created_at,
            "published_at": need.published_at,
            "closed_at": need.closed_at,
            "outcome_awarded": need.outcome_awarded,
            "outcome_amount": _amount(need.outcome_amount),
            "outcome_seao_number": need.outcome_seao_number,
        }
        for need in needs
    ]


def export_answers(user):
    recipients = (
        Recipient.objects.filter(answered_by=user).select_related("need", "supplier").order_by("answered_at")
    )
    return [
        {
            "need": recipient.need.reference,
            "enterprise": recipient.supplier.name,
            "answer": recipient.get_answer_display(),
            "answered_at": recipient.answered_at,
            "answers": list(recipient.answers),
            "price": _amount(recipient.price),
            "reason": recipient.get_decline_reason_display(),
            "comment": recipient.comment,
        }
        for recipient in recipients
    ]


def erase_needs(user):
    services.needs_of_leaving_author_withdraw(user=user)


register("needs", label=_("Besoins publiés"), export=export_needs, erase=erase_needs)
register("need_answers", label=_("Réponses aux besoins des acheteurs"), export=export_answers)

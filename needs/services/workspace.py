"""A need's recipients in the buyers' workspace: kept in a shortlist, documented in a market-research record.

Both go through the workspace's own services (``buyers.services.shortlist_add`` and ``record_create``), so the
lists and records made from a need follow the same rules as those made from a search.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buyers import services as workspace
from buyers.models import RecordSource, Shortlist
from buyers.rows import with_codes

from ..models import Need


def check_organisation_buyer(need: Need, buyer) -> None:
    """Lists and records belong to an active buyer of the need's organisation (the author or a colleague)."""
    if buyer is None or not buyer.is_active or buyer.organisation_id != need.organisation_id:
        raise PermissionDenied


def need_recipients_shortlist(
    *, need: Need, buyer, recipient_ids, shortlist: Shortlist | None = None, new_name: str = ""
) -> tuple[Shortlist, int]:
    """Add the chosen recipients' suppliers to one of the buyer's lists (or a new one named ``new_name``), each
    with a note naming the need and its answer. Returns the list and how many suppliers were new to it."""
    check_organisation_buyer(need, buyer)
    recipients = list(
        need.recipients.active()
        .filter(pk__in=list(recipient_ids))
        .select_related("supplier")
        .in_rotation_order(need.seed)
    )
    if not recipients:
        raise ValidationError(_("Cochez au moins une entreprise."), code="no_recipient")
    with transaction.atomic():
        if shortlist is None:
            shortlist = workspace.shortlist_create(
                owner=buyer,
                name=new_name or f"{need.reference} — {need.title_fr}"[:150],
                purpose=need.title_fr,
                estimated_amount=int(need.estimated_amount) if need.estimated_amount is not None else None,
            )
        added = 0
        for recipient in recipients:
            answer = recipient.get_answer_display() or _("pas de réponse")
            note = _("Besoin %(reference)s : %(answer)s") % {"reference": need.reference, "answer": answer}
            _entry, created = workspace.shortlist_add(
                shortlist=shortlist, supplier=recipient.supplier, by=buyer.user, note=note
            )
            added += created
    return shortlist, added


def recordable_recipients(need: Need) -> list:
    """The recipients a record of the need holds, in the need's rotation order, at most as many as a record
    keeps (``buyers.services.RECORD_MAX_RESULTS``); each with its supplier's region and category codes."""
    recipients = list(
        need.recipients.active()
        .select_related("supplier")
        .in_rotation_order(need.seed)[: workspace.RECORD_MAX_RESULTS]
    )
    with_codes([recipient.supplier for recipient in recipients])
    return recipients


def answer_columns(need: Need, recipients) -> list[tuple[str, dict[int, str]]]:
    """The answers as the record's extra columns, labelled in French (the record's language, like its
    reference): consulted, answer, reason, comment, price and one column per question."""

    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    with translation.override(settings.LANGUAGE_CODE):
        columns = [
            (_("Consulté le"), {r.supplier_id: when(r.viewed_at) for r in recipients}),
            (
                _("Réponse"),
                {r.supplier_id: str(r.get_answer_display() or _("Sans réponse")) for r in recipients},
            ),
            (_("Répondu le"), {r.supplier_id: when(r.answered_at) for r in recipients}),
            (_("Raison"), {r.supplier_id: str(r.get_decline_reason_display()) for r in recipients}),
            (_("Commentaire"), {r.supplier_id: r.comment for r in recipients}),
            (
                _("Prix proposé ($)"),
                {r.supplier_id: "" if r.price is None else str(r.price) for r in recipients},
            ),
        ]
        for number, question in enumerate(need.questions, start=1):
            label = _("Question %(number)s : %(question)s") % {"number": number, "question": question}
            values = {
                r.supplier_id: (r.answers[number - 1] if len(r.answers) >= number else "") for r in recipients
            }
            columns.append((label, values))
    return columns


def need_criteria(need: Need) -> dict:
    """What the need asked, as codes (the record's criteria): the record's page names them in its language."""
    return {
        "need": need.reference,
        "title": need.title_fr,
        "kind": need.kind,
        "categories": sorted(need.categories.values_list("code", flat=True)),
        "regions": sorted(need.regions.values_list("code", flat=True)),
        "all_quebec": need.all_quebec,
        "include_all_quebec_suppliers": need.include_all_quebec_suppliers,
        "accreditations": list(need.accreditations),
        "legal_forms": list(need.legal_forms),
        "response_deadline": need.response_deadline.isoformat(),
    }


def need_record_create(
    *,
    need: Need,
    buyer,
    selected_ids,
    text: str,
    estimated_amount: int,
    nature: str,
    mode_considered: str,
    justification: str,
):
    """A market-research record of the need: its recipients as they are now, with their answers in the snapshot."""
    check_organisation_buyer(need, buyer)
    # Recipients are told at publication: before it, matching is only a preview.
    if need.published_at is None:
        raise ValidationError(
            _("Un dossier se crée une fois le besoin publié, quand ses destinataires sont connus."),
            code="not_published",
        )
    recipients = recordable_recipients(need)
    return workspace.record_create(
        author=buyer,
        suppliers=[recipient.supplier for recipient in recipients],
        selected_ids=selected_ids,
        need=text,
        estimated_amount=estimated_amount,
        nature=nature,
        mode_considered=mode_considered,
        justification=justification,
        source=RecordSource.NEED,
        criteria=need_criteria(need),
        results_count=need.recipients.active().count(),
        extra_columns=answer_columns(need, recipients),
    )

"""The buyer's pages: their organisation's needs, writing one, following its answers, recording its outcome.

Staff and active buyers reach them (``workspace_required``); a buyer sees only the needs of their organisation
(any other is a 404 that reveals nothing) and only the author changes a need (services raise PermissionDenied).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buyers.access import workspace_required
from directory.spreadsheets import csv_response, dated_filename, xlsx_response

from .. import services
from ..filters import NeedFilter, RecipientFilter
from ..forms import (
    ClarificationAnswerForm,
    InviteesForm,
    NeedForm,
    OutcomeForm,
    ShortlistAddForm,
    WithdrawForm,
)
from ..models import MIN_INVITEES, Clarification, Need, NeedStatus, Recipient
from .files import serve_private_file

INVITEE_SUGGESTIONS = 200


def _buyer(user):
    return getattr(user, "buyer", None)


def needs_for(user):
    """The needs a workspace user may see: staff all, a buyer those of their organisation."""
    if user.is_staff:
        return Need.objects.all()
    buyer = _buyer(user)
    return Need.objects.of_organisation(buyer.organisation_id) if buyer else Need.objects.none()


def need_or_404(user, reference, queryset=None) -> Need:
    queryset = queryset if queryset is not None else needs_for(user)
    return get_object_or_404(queryset.select_related("author__user", "organisation"), reference=reference)


def _is_author(user, need) -> bool:
    return need.author is not None and need.author.user_id == user.pk and need.author.is_active


def _add_errors(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


@workspace_required
def need_list(request):
    queryset = needs_for(request.user).with_recipient_counts().order_by("-created_at")
    filterset = NeedFilter(request.GET or None, queryset=queryset)
    return render(
        request,
        "needs/need_list.html",
        {"filter": filterset, "needs": filterset.qs[:200], "can_create": _can_create(request.user)},
    )


def _can_create(user) -> bool:
    buyer = _buyer(user)
    return buyer is not None and buyer.is_active


@workspace_required
def need_create(request):
    if not _can_create(request.user):
        raise PermissionDenied
    form = NeedForm(request.POST or None, request.FILES or None, instance=Need())
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_create(
                buyer=request.user.buyer, data=form.need_data(), files=form.cleaned_data["attachments"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Le besoin %(reference)s est enregistré comme brouillon.") % {"reference": need.reference},
            )
            return redirect(need)
    return render(request, "needs/need_form.html", {"form": form, "creating": True})


@workspace_required
def need_edit(request, reference):
    need = need_or_404(request.user, reference)
    if not _is_author(request.user, need):
        raise PermissionDenied
    published = need.status == NeedStatus.PUBLISHED
    if not (need.is_editable_before_publication or (published and need.is_open_for_answers)):
        messages.warning(request, _("Ce besoin ne peut plus être modifié."))
        return redirect(need)
    form = NeedForm(request.POST or None, request.FILES or None, instance=need, published=published)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(
                need=need,
                user=request.user,
                data=form.need_data(),
                files=form.cleaned_data["attachments"],
                remove_attachments=form.cleaned_data["remove_attachments"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if published:
                messages.success(
                    request, _("Le besoin est modifié : chaque entreprise avisée en est informée.")
                )
            else:
                messages.success(request, _("Le besoin est enregistré."))
            return redirect(need)
    return render(request, "needs/need_form.html", {"form": form, "need": need, "published": published})


@workspace_required
def need_detail(request, reference):
    need = need_or_404(request.user, reference, needs_for(request.user).with_page_details())
    filterset = RecipientFilter(
        request.GET or None,
        queryset=need.recipients.active().select_related("supplier").in_rotation_order(need.seed),
    )
    recipients = list(filterset.qs)
    for recipient in recipients:
        recipient.need = need
    is_author = _is_author(request.user, need)
    can_remind, remind_reason = (
        need.buyer_reminders_left(sent=need.reminder_times)
        if need.status == NeedStatus.PUBLISHED
        else (False, "")
    )
    context = {
        "need": need,
        "attachments": list(need.attachments.all()),
        "clarifications": list(need.clarifications.all()),
        "history": list(need.status_changes.select_related("changed_by")),
        "filter": filterset,
        "recipients": recipients,
        "counts": need.counts,
        "is_author": is_author,
        "can_remind": is_author and can_remind,
        "remind_reason": remind_reason,
        "answer_form": ClarificationAnswerForm(),
        "withdraw_form": WithdrawForm(),
        "min_invitees": MIN_INVITEES,
        **_workspace_context(request.user, need),
    }
    return render(request, "needs/need_detail.html", context)


def _workspace_context(user, need) -> dict:
    """Keeping recipients in a list and documenting them in a record: for the organisation's active buyers, once
    the need is published (staff have no lists)."""
    buyer = _buyer(user)
    if need.published_at is None or buyer is None or not buyer.is_active:
        return {"can_keep": False}
    if buyer.organisation_id != need.organisation_id:  # staff who are also a buyer elsewhere
        return {"can_keep": False}
    return {
        "can_keep": True,
        "shortlist_form": ShortlistAddForm(buyer=buyer),
    }


@workspace_required
def invitees(request, reference):
    need = need_or_404(request.user, reference)
    if not _is_author(request.user, need):
        raise PermissionDenied
    if not (need.is_invitation and need.is_editable_before_publication):
        raise Http404
    suggestions = list(
        need.matching_suppliers()
        .select_related("head_office_region")
        .order_by(*_rotation(need))[:INVITEE_SUGGESTIONS]
    )
    chosen = [str(pk) for pk in need.recipients.active().values_list("supplier_id", flat=True)]
    form = InviteesForm(request.POST or None, suppliers=suggestions, initial={"invitees": chosen})
    if request.method == "POST" and form.is_valid():
        count = services.invitees_set(
            need=need, user=request.user, supplier_ids=form.cleaned_data["invitees"]
        )
        messages.success(request, _("%(count)s entreprises invitées.") % {"count": count})
        if count < MIN_INVITEES:
            messages.warning(request, _invitees_warning())
        return redirect(need)
    return render(
        request,
        "needs/invitees.html",
        {
            "need": need,
            "form": form,
            "suggestions": suggestions,
            "limit": INVITEE_SUGGESTIONS,
            "min_invitees": MIN_INVITEES,
        },
    )


def _invitees_warning():
    return _(
        "Les règles municipales demandent d'inviter au moins deux fournisseurs entre 25 000 $ et le seuil d'appel "
        "d'offres public. Vous pouvez tout de même continuer."
    )


def _rotation(need):
    from django.db.models import CharField, Value
    from django.db.models.functions import MD5, Cast, Concat

    return [MD5(Concat(Value(f"{need.seed}-"), Cast("pk", CharField()))), "pk"]


@workspace_required
@require_POST
def need_submit(request, reference):
    need = need_or_404(request.user, reference)
    try:
        services.need_submit(need=need, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Le besoin est soumis : le personnel du ministère le validera avant de le publier.")
        )
        if need.is_invitation and need.recipients.active().count() < MIN_INVITEES:
            messages.warning(request, _invitees_warning())
    return redirect(need)


@workspace_required
@require_POST
def need_withdraw(request, reference):
    need = need_or_404(request.user, reference)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.need_withdraw(need=need, user=request.user, message=form.cleaned_data["message"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Le besoin est retiré."))
    return redirect(need)


@workspace_required
@require_POST
def need_remind(request, reference):
    need = need_or_404(request.user, reference)
    try:
        services.buyer_reminder_send(need=need, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La relance part aux entreprises qui n'ont pas encore répondu."))
    return redirect(need)


@workspace_required
@require_POST
def clarification_answer(request, reference, pk):
    need = need_or_404(request.user, reference)
    clarification = get_object_or_404(Clarification, need=need, pk=pk)
    form = ClarificationAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Écrivez une réponse de 2 000 caractères au plus."))
        return redirect(need)
    try:
        services.clarification_answer(
            clarification=clarification, user=request.user, answer=form.cleaned_data["answer"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La réponse part à toutes les entreprises avisées."))
    return redirect(need)


@workspace_required
def outcome(request, reference):
    need = need_or_404(request.user, reference)
    if not _is_author(request.user, need):
        raise PermissionDenied
    if need.status != NeedStatus.CLOSED:
        messages.warning(
            request, _("Le résultat se consigne une fois le besoin fermé, après sa date limite.")
        )
        return redirect(need)
    recipients = need.recipients.active().select_related("supplier").order_by("answer", "supplier__name")
    form = OutcomeForm(request.POST or None, recipients=recipients)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.outcome_record(
            need=need,
            user=request.user,
            awarded=data["awarded"],
            mode=data["mode"],
            retained=data["retained"],
            other_supplier=data["other_supplier"],
            amount=data["amount"],
            seao_number=data["seao_number"],
        )
        messages.success(
            request, _("Le résultat est consigné ; les entreprises intéressées en sont avisées.")
        )
        return redirect(need)
    return render(request, "needs/outcome.html", {"need": need, "form": form})


EXPORT_HEADER_KEYS = [
    ("name", "Fournisseur"),
    ("neq", "NEQ"),
    ("email", "Courriel"),
    ("phone", "Téléphone"),
    ("city", "Municipalité"),
    ("viewed", "Consulté le"),
    ("answer", "Réponse"),
    ("answered", "Répondu le"),
    ("reason", "Raison"),
    ("comment", "Commentaire"),
    ("price", "Prix proposé"),
    ("retained", "Retenu"),
]


@workspace_required
def export(request, reference, extension):
    need = need_or_404(request.user, reference)
    recipients = need.recipients.active().select_related("supplier").in_rotation_order(need.seed)
    header = [_(label) for _key, label in EXPORT_HEADER_KEYS] + list(need.questions)

    def rows():
        for recipient in recipients.iterator(chunk_size=500):
            supplier = recipient.supplier
            yield [
                supplier.name,
                supplier.neq,
                supplier.email,
                supplier.phone,
                supplier.city,
                recipient.viewed_at and recipient.viewed_at.strftime("%Y-%m-%d %H:%M"),
                recipient.get_answer_display(),
                recipient.answered_at and recipient.answered_at.strftime("%Y-%m-%d %H:%M"),
                recipient.get_decline_reason_display(),
                recipient.comment,
                recipient.price,
                {True: _("Oui"), False: _("Non")}.get(recipient.retained, ""),
                *(list(recipient.answers) + [""] * len(need.questions))[: len(need.questions)],
            ]

    filename = dated_filename(f"besoin-{need.reference}", extension)
    if extension == "csv":
        return csv_response(filename=filename, header=header, rows=rows())
    return xlsx_response(filename=filename, header=header, rows=rows(), title=need.reference)


@workspace_required
def attachment(request, reference, pk):
    need = need_or_404(request.user, reference)
    document = get_object_or_404(need.attachments, pk=pk)
    return serve_private_file(document.file, document.name, document.content_type)


@workspace_required
def answer_file(request, reference, pk):
    need = need_or_404(request.user, reference)
    recipient = get_object_or_404(Recipient.objects.active(), need=need, pk=pk)
    if not recipient.answer_file:
        raise Http404
    return serve_private_file(recipient.answer_file, recipient.answer_file_name, recipient.answer_file_type)

"""From a need to the buyers' workspace: keep its recipients in a shortlist, document it in a market-research record.

Both are an active buyer's own (``buyer_required``) and only for the needs of their organisation: another
organisation's need is a 404, staff and enterprise members get the workspace's 403 page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from buyers import services as workspace
from buyers.access import buyer_required
from buyers.forms import RecordForm
from buyers.models import Nature, RecordSource
from buyers.views.records import criteria_summary, indicative_context

from .. import services
from ..forms import ShortlistAddForm
from ..models import Need


def _organisation_need_or_404(buyer, reference) -> Need:
    return get_object_or_404(Need.objects.of_organisation(buyer.organisation_id), reference=reference)


@require_POST
@buyer_required
def shortlist_add(request, reference, buyer):
    need = _organisation_need_or_404(buyer, reference)
    recipient_ids = need.recipients.active().values_list("pk", flat=True)
    form = ShortlistAddForm(request.POST, buyer=buyer, recipient_ids=recipient_ids)
    back = need.get_absolute_url()
    if not form.is_valid():
        messages.error(
            request, _("Cochez au moins une entreprise de la liste, puis choisissez la liste restreinte.")
        )
        return redirect(back)
    try:
        shortlist, added = services.need_recipients_shortlist(
            need=need,
            buyer=buyer,
            recipient_ids=form.cleaned_data["recipients"],
            shortlist=form.cleaned_data["shortlist"],
            new_name=form.cleaned_data["new_name"].strip(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    message = ngettext(
        "%(count)s entreprise ajoutée à la liste « %(name)s ».",
        "%(count)s entreprises ajoutées à la liste « %(name)s ».",
        added,
    )
    messages.success(request, message % {"count": added, "name": shortlist.name})
    return redirect(back)


# The contract's nature a need's kind suggests: needs are mostly services (snow removal, cleaning, catering).
DEFAULT_NATURE = Nature.SERVICES


@buyer_required
def record_create(request, reference, buyer):
    """The workspace's record form, its suppliers being the need's recipients (with their answers)."""
    need = _organisation_need_or_404(buyer, reference)
    if need.published_at is None:
        messages.error(
            request, _("Un dossier se crée une fois le besoin publié, quand ses destinataires sont connus.")
        )
        return redirect(need)
    recipients = services.recordable_recipients(need)
    suppliers = [recipient.supplier for recipient in recipients]
    by_neq = {supplier.neq: supplier for supplier in suppliers}
    # Every recipient was told of the need (for an invitation, each was invited).
    preselected = sorted(by_neq)
    initial = {
        "need": f"{need.reference} — {need.title_fr}",
        "estimated_amount": int(need.estimated_amount) if need.estimated_amount is not None else None,
        "nature": DEFAULT_NATURE,
        "selected": preselected,
    }
    form = RecordForm(request.POST or None, neqs=list(by_neq), initial=initial)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            record = services.need_record_create(
                need=need,
                buyer=buyer,
                selected_ids=[by_neq[neq].pk for neq in cleaned["selected"]],
                text=cleaned["need"],
                estimated_amount=cleaned["estimated_amount"],
                nature=cleaned["nature"],
                mode_considered=cleaned["mode_considered"],
                justification=cleaned["justification"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Le dossier %(reference)s est créé.") % {"reference": record.reference}
            )
            return redirect(record)
    results_count = need.recipients.active().count()
    criteria = services.need_criteria(need)
    return render(
        request,
        "buyers/record_form.html",
        {
            "form": form,
            "data": {"results_count": results_count},
            "criteria_lines": criteria_summary(RecordSource.NEED, criteria),
            "suppliers": suppliers,
            "selected": set(form["selected"].value() or []),
            "truncated": results_count > len(suppliers),
            "max_results": workspace.RECORD_MAX_RESULTS,
            **indicative_context(form, buyer.organisation),
            "need": need,
        },
        status=400 if form.is_bound else 200,
    )

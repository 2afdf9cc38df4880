"""The supplier's pages: a need it was told about, opened from its email link (a personal token, no account
needed) or from "Mes occasions" in its space (members of the supplier), and its answer.

A recipient is found only by its own token or among the user's own suppliers' recipients, and only once the
need is published: anyone else gets a 404 that reveals nothing. Opening the page records "viewed".
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Membership

from .. import services
from ..filters import OpportunityFilter
from ..forms import ClarificationForm, InterestedForm, NotInterestedForm
from ..models import Recipient
from .files import serve_private_file

OPPORTUNITIES_PER_PAGE = 25


def _recipients():
    return Recipient.objects.visible_to_supplier().select_related(
        "need__author__user", "need__organisation", "supplier"
    )


class InvalidLink(Http404):
    pass


def recipient_or_404(request, *, pk=None, token=None) -> Recipient:
    if token is not None:
        recipient = _recipients().filter(token=token).first()
        if recipient is None:
            raise InvalidLink
        return recipient
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(_recipients().for_member(request.user), pk=pk)


def _url(recipient: Recipient, action: str = "", *, token=None, **extra) -> str:
    """The address of a page of the recipient's need, by token or by membership, as the visitor came."""
    if token is not None:
        name, kwargs = "needs:opportunity_by_token", {"token": token}
    else:
        name, kwargs = "needs:opportunity", {"pk": recipient.pk}
    return reverse(f"{name}_{action}" if action else name, kwargs={**kwargs, **extra})


def _urls(recipient: Recipient, *, token=None) -> dict:
    actions = ["interested", "decline", "question", "hide", "my_file"]
    return {"detail": _url(recipient, token=token), **{a: _url(recipient, a, token=token) for a in actions}}


def _private(response):
    # The page carries a personal link: never cached by a shared cache, never indexed.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def _render_detail(request, recipient, *, token=None, forms=None, status=200):
    need = recipient.need
    recipient.need = need
    forms = forms or {}
    context = {
        "recipient": recipient,
        "need": need,
        "categories": list(need.categories.all()),
        "regions": list(need.regions.all()),
        "attachments": [
            (document, _url(recipient, "attachment", token=token, attachment=document.pk))
            for document in need.attachments.all()
        ],
        "clarifications": list(need.clarifications.exclude(answer="")),
        "interested_form": forms.get("interested") or InterestedForm(questions=need.questions),
        "decline_form": forms.get("decline") or NotInterestedForm(),
        "question_form": forms.get("question") or ClarificationForm(),
        "urls": _urls(recipient, token=token),
        "by_token": token is not None,
        "is_member": token is None,
    }
    return _private(render(request, "needs/opportunity.html", context, status=status))


def _member_required(view):
    """Pages reached by ``pk`` need a logged-in member; pages reached by token do not."""

    def wrapped(request, pk=None, token=None, **kwargs):
        if token is None and not request.user.is_authenticated:
            return login_required(view)(request, pk=pk, token=token, **kwargs)
        return view(request, pk=pk, token=token, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_member_required
def opportunity_detail(request, pk=None, token=None):
    try:
        recipient = recipient_or_404(request, pk=pk, token=token)
    except InvalidLink:
        return _private(render(request, "needs/link_invalid.html", status=404))
    services.recipient_mark_viewed(recipient)
    return _render_detail(request, recipient, token=token)


def _act(request, recipient, token, action):
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_urls(recipient, token=token)["detail"])


@require_POST
@_member_required
def answer_interested(request, pk=None, token=None):
    recipient = recipient_or_404(request, pk=pk, token=token)
    form = InterestedForm(request.POST, request.FILES, questions=recipient.need.questions)
    if not form.is_valid():
        return _render_detail(request, recipient, token=token, forms={"interested": form}, status=400)
    try:
        services.answer_interested(
            recipient=recipient,
            user=request.user,
            answers=form.answers(),
            price=form.cleaned_data["price"],
            upload=form.cleaned_data["document"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Votre intérêt est transmis à l'acheteur. Ses coordonnées sont affichées ci-dessous.")
        )
    return redirect(_urls(recipient, token=token)["detail"])


@require_POST
@_member_required
def answer_decline(request, pk=None, token=None):
    recipient = recipient_or_404(request, pk=pk, token=token)
    form = NotInterestedForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, recipient, token=token, forms={"decline": form}, status=400)
    try:
        services.answer_not_interested(
            recipient=recipient,
            user=request.user,
            reason=form.cleaned_data["reason"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Merci : votre réponse est transmise à l'acheteur."))
    return redirect(_urls(recipient, token=token)["detail"])


@require_POST
@_member_required
def ask_question(request, pk=None, token=None):
    recipient = recipient_or_404(request, pk=pk, token=token)
    form = ClarificationForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, recipient, token=token, forms={"question": form}, status=400)
    try:
        services.clarification_ask(recipient=recipient, question=form.cleaned_data["question"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Votre question est transmise à l'acheteur ; sa réponse sera envoyée à toutes les entreprises avisées."
            ),
        )
    return redirect(_urls(recipient, token=token)["detail"])


@require_POST
@_member_required
def hide(request, pk=None, token=None):
    recipient = recipient_or_404(request, pk=pk, token=token)
    hidden = request.POST.get("hidden") != "0"
    services.recipient_hide(recipient=recipient, hidden=hidden)
    messages.success(
        request,
        _("L'occasion est masquée de votre liste.") if hidden else _("L'occasion est de nouveau affichée."),
    )
    if token is None:
        return redirect("needs:opportunities")
    return redirect(_urls(recipient, token=token)["detail"])


@_member_required
def attachment(request, pk=None, token=None, attachment=None):
    recipient = recipient_or_404(request, pk=pk, token=token)
    document = get_object_or_404(recipient.need.attachments, pk=attachment)
    return serve_private_file(document.file, document.name, document.content_type)


@_member_required
def my_file(request, pk=None, token=None):
    recipient = recipient_or_404(request, pk=pk, token=token)
    if not recipient.answer_file:
        raise Http404
    return serve_private_file(recipient.answer_file, recipient.answer_file_name, recipient.answer_file_type)


@login_required
def opportunity_list(request):
    """ "Mes occasions": the needs sent to the user's suppliers, to answer, decline or hide."""
    queryset = _recipients().for_member(request.user).order_by("-need__published_at", "-pk")
    filterset = OpportunityFilter(request.GET or None, queryset=queryset)
    page = Paginator(filterset.qs, OPPORTUNITIES_PER_PAGE).get_page(request.GET.get("page"))
    is_member = Membership.objects.for_user(request.user).exists()
    return render(
        request, "needs/opportunity_list.html", {"filter": filterset, "page": page, "is_member": is_member}
    )

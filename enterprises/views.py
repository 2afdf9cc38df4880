"""Enterprise-side pages. Every page needs a logged-in user; listing pages are found only among the user's own
listings, so anyone else (a member of another listing, a buyer, staff) gets a 404 that reveals nothing."""

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suppliers.models import Status, Supplier

from . import services
from .forms import (
    OFFERINGS_PREFIX,
    ClaimForm,
    ClaimLookupForm,
    InvitationForm,
    ListingForm,
    OfferingFormSet,
    category_choices,
    listing_data,
    listing_initial,
)
from .models import ClaimRequest, DecisionStatus, Invitation, Membership, Revision


def member_listing_or_404(user, pk) -> Supplier:
    return get_object_or_404(Supplier.objects.filter(memberships__user=user), pk=pk)


def _add_errors(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


@login_required
def dashboard(request):
    memberships = (
        Membership.objects.for_user(request.user)
        .select_related("supplier", "supplier__last_verified_by")
        .prefetch_related(
            Prefetch("supplier__memberships", queryset=Membership.objects.select_related("user")),
            Prefetch(
                "supplier__revisions",
                queryset=Revision.objects.filter(status=DecisionStatus.PENDING),
                to_attr="pending_revisions",
            ),
            Prefetch(
                "supplier__revisions",
                queryset=Revision.objects.exclude(status=DecisionStatus.PENDING).order_by("-decided_at")[:1],
                to_attr="last_decisions",
            ),
        )
        .order_by("supplier__name")
    )
    claims = ClaimRequest.objects.filter(user=request.user).select_related("supplier")[:20]
    invitations = (
        Invitation.objects.usable().filter(email__iexact=request.user.email).select_related("supplier")
    )
    context = {
        "memberships": memberships,
        "claims": claims,
        "invitations": invitations,
        "email_verified": services.email_is_verified(request.user),
        "Status": Status,
    }
    return render(request, "enterprises/dashboard.html", context)


def _listing_forms(request, *, instance, initial=None, offerings=(), neq_editable=True):
    choices = category_choices()
    if request.method == "POST":
        form = ListingForm(request.POST, request.FILES, instance=instance, neq_editable=neq_editable)
        formset = OfferingFormSet(
            request.POST, prefix=OFFERINGS_PREFIX, form_kwargs={"category_choices": choices}
        )
    else:
        form = ListingForm(instance=instance, initial=initial, neq_editable=neq_editable)
        formset = OfferingFormSet(
            initial=list(offerings), prefix=OFFERINGS_PREFIX, form_kwargs={"category_choices": choices}
        )
    return form, formset


@verified_email_required
def listing_create(request):
    form, formset = _listing_forms(request, instance=Supplier(status=Status.DRAFT))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        supplier = services.listing_create(
            user=request.user, data=listing_data(form, formset), logo=form.cleaned_data["logo"]
        )
        messages.success(
            request,
            _("Le brouillon est enregistré. Vérifiez-le, puis soumettez-le au personnel du ministère."),
        )
        return redirect("enterprises:listing_edit", pk=supplier.pk)
    return render(
        request, "enterprises/listing_form.html", {"form": form, "formset": formset, "creating": True}
    )


@verified_email_required
def listing_edit(request, pk):
    supplier = member_listing_or_404(request.user, pk)
    if supplier.status in {Status.PENDING, Status.ARCHIVED}:
        return render(request, "enterprises/listing_locked.html", {"supplier": supplier})
    is_draft = supplier.status == Status.DRAFT
    pending = None if is_draft else supplier.revisions.pending().first()
    snapshot = pending.data if pending else services.listing_snapshot(supplier)
    initial, offerings = listing_initial(snapshot)
    form, formset = _listing_forms(
        request, instance=supplier, initial=initial, offerings=offerings, neq_editable=is_draft
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = listing_data(form, formset)
        logo = form.cleaned_data["logo"]
        try:
            if is_draft:
                services.listing_update_draft(supplier=supplier, user=request.user, data=data, logo=logo)
                if request.POST.get("action") == "submit":
                    services.listing_submit(supplier=supplier, user=request.user)
                    messages.success(
                        request, _("Votre fiche est soumise : le personnel du ministère la vérifiera.")
                    )
                    return redirect("enterprises:dashboard")
                messages.success(request, _("Le brouillon est enregistré."))
                return redirect("enterprises:listing_edit", pk=supplier.pk)
            services.revision_submit(supplier=supplier, user=request.user, data=data, logo=logo)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Votre modification est transmise au personnel du ministère. La fiche publique reste "
                    "inchangée jusqu'à son approbation."
                ),
            )
            return redirect("enterprises:dashboard")
    context = {
        "form": form,
        "formset": formset,
        "supplier": supplier,
        "pending": pending,
        "is_draft": is_draft,
    }
    return render(request, "enterprises/listing_form.html", context)


@require_POST
@verified_email_required
def listing_submit(request, pk):
    supplier = member_listing_or_404(request.user, pk)
    try:
        services.listing_submit(supplier=supplier, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Votre fiche est soumise : le personnel du ministère la vérifiera."))
    return redirect("enterprises:dashboard")


@verified_email_required
def claim_lookup(request):
    """Find whether the enterprise is listed already: then claim it, else create a listing."""
    form = ClaimLookupForm(request.GET or None)
    not_found = None
    if form.is_bound and form.is_valid():
        neq = form.cleaned_data["neq"]
        if Supplier.objects.filter(neq=neq).exclude(status=Status.ARCHIVED).exists():
            return redirect("enterprises:claim", neq=neq)
        not_found = neq
    return render(request, "enterprises/claim_lookup.html", {"form": form, "not_found": not_found})


@verified_email_required
def claim(request, neq):
    supplier = get_object_or_404(Supplier.objects.exclude(status=Status.ARCHIVED), neq=neq)
    if Membership.objects.filter(user=request.user, supplier=supplier).exists():
        messages.info(request, _("Vous êtes déjà membre de cette fiche."))
        return redirect("enterprises:dashboard")
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_request(user=request.user, supplier=supplier, message=form.cleaned_data["message"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Votre demande est transmise : le personnel du ministère vous répondra par courriel."),
            )
            return redirect("enterprises:dashboard")
    return render(request, "enterprises/claim.html", {"form": form, "supplier": supplier})


@verified_email_required
def invite(request, pk):
    supplier = member_listing_or_404(request.user, pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(supplier=supplier, by=request.user, email=form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("L'invitation est envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("enterprises:dashboard")
    return render(request, "enterprises/invite.html", {"form": form, "supplier": supplier})


@verified_email_required
def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("supplier"), token=token)
    context = {"invitation": invitation}
    if not services.invitation_is_for(invitation, request.user):
        # Someone else's invitation: say so without showing which listing it is for.
        context["refused"] = True
        return render(request, "enterprises/invitation_accept.html", context, status=403)
    if not invitation.is_usable:
        return render(request, "enterprises/invitation_accept.html", context, status=410)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Vous pouvez maintenant gérer la fiche « %(name)s ».") % {"name": invitation.supplier.name},
            )
        return redirect("enterprises:dashboard")
    return render(request, "enterprises/invitation_accept.html", context)

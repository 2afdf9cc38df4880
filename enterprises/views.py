"""Enterprise-side pages. Every page needs a logged-in user (an invitation link first welcomes a visitor who is
not); listing pages are found only among the user's own listings, so anyone else (a member of another listing, a
buyer, staff) gets a 404 that reveals nothing. Owners manage colleagues; others get a 403."""

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.ratelimits import rate_limited, rate_limited_message
from suppliers.models import Status, Supplier
from suppliers.validators import normalize_neq, validate_neq

from . import services
from .forms import (
    OFFERINGS_PREFIX,
    ClaimForm,
    ClaimLookupForm,
    InvitationForm,
    ListingForm,
    OfferingFormSet,
    RoleForm,
    category_choices,
    listing_data,
    listing_initial,
)
from .listing_data import FIELD_GROUPS, OFFERING_FIELDS, EditConflict, FieldDisplay, listing_snapshot
from .models import ClaimRequest, EditMode, Invitation, Membership, Revision

TOO_MANY = 429


def membership_or_404(user, pk) -> Membership:
    return get_object_or_404(Membership.objects.select_related("supplier"), user=user, supplier_id=pk)


def _add_errors(form, error: ValidationError):
    form.add_error(None, error if hasattr(error, "error_dict") else error.messages)


@login_required
def dashboard(request):
    memberships = list(
        Membership.objects.for_user(request.user)
        .select_related("supplier", "supplier__last_verified_by")
        .prefetch_related(
            Prefetch("supplier__memberships", queryset=Membership.objects.select_related("user")),
            Prefetch("supplier__revisions", queryset=Revision.objects.pending(), to_attr="pending_revisions"),
            Prefetch(
                "supplier__revisions",
                queryset=Revision.objects.decided().order_by("-decided_at")[:1],
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
        "EditMode": EditMode,
    }
    return render(request, "enterprises/dashboard.html", context)


# --- The listing form ---


def _listing_forms(request, *, instance, initial=None, offerings=(), neq_editable=True, extra_rows=None):
    """The listing form and its offerings: bound to the POST, or unbound from ``initial`` and ``offerings``."""
    choices = category_choices()
    options = {"instance": instance, "neq_editable": neq_editable, "user": request.user}
    if request.method == "POST" and initial is None:
        form = ListingForm(request.POST, request.FILES, **options)
        formset = OfferingFormSet(
            request.POST, prefix=OFFERINGS_PREFIX, form_kwargs={"category_choices": choices}
        )
        return form, formset
    form = ListingForm(initial=initial, **options)
    formset = OfferingFormSet(
        initial=list(offerings), prefix=OFFERINGS_PREFIX, form_kwargs={"category_choices": choices}
    )
    if extra_rows is not None:
        formset.extra = extra_rows
    return form, formset


def _refilled(request, form, formset, *, instance, neq_editable, data=None, version=None, more_rows=0):
    """Unbound forms showing what was typed (or ``data``), without error messages, the chosen logo kept."""
    form.is_valid()  # cleans the logo, to keep it
    form.keep_logo()
    extra_rows = None
    if data is None:
        initial = {field.name: field.value() for field in form if field.name != "logo"}
        rows = [
            {name: row[name].value() for name in OFFERING_FIELDS}
            for row in formset.forms
            if not row["DELETE"].value()
        ]
        offerings = [row for row in rows if row["title"] or row["description"] or row["category"]]
        # As many rows as before (blank ones included), plus those asked for.
        extra_rows = max(len(formset.forms) + more_rows - max(len(offerings), formset.min_num), 0)
    else:
        initial, offerings = listing_initial(data)
        initial["version"] = version
    initial["logo_kept"] = form.data.get(form.add_prefix("logo_kept"), "")
    new_form, new_formset = _listing_forms(
        request,
        instance=instance,
        initial=initial,
        offerings=offerings,
        neq_editable=neq_editable,
        extra_rows=extra_rows,
    )
    new_form.kept_logo = form.kept_logo
    return new_form, new_formset


def _added_offering(request, form, formset, *, instance, neq_editable):
    """« Ajouter une offre » without JavaScript: the same form, one more blank offering, its title focused."""
    form, formset = _refilled(
        request, form, formset, instance=instance, neq_editable=neq_editable, more_rows=1
    )
    formset.forms[-1].fields["title"].widget.attrs["autofocus"] = True
    return form, formset


@verified_email_required
def listing_create(request):
    instance = Supplier(status=Status.DRAFT)
    form, formset = _listing_forms(request, instance=instance)
    context = {"creating": True}
    status = 200
    if request.method == "POST" and request.POST.get("action") == "add_offering":
        form, formset = _added_offering(request, form, formset, instance=instance, neq_editable=True)
    elif request.method == "POST" and form.is_valid() and formset.is_valid():
        if rate_limited(request, "listing_create"):
            form.add_error(None, rate_limited_message())
            status = TOO_MANY
        else:
            try:
                supplier = services.listing_create(
                    user=request.user, data=listing_data(form, formset), logo=form.cleaned_data["logo"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Le brouillon est enregistré. Vérifiez-le, puis soumettez-le au personnel du ministère."
                    ),
                )
                return redirect("enterprises:listing_edit", pk=supplier.pk)
    if request.method == "POST" and form.is_bound:
        form.keep_logo()
    return render(
        request, "enterprises/listing_form.html", {**context, "form": form, "formset": formset}, status=status
    )


def _submitted_version(request, membership):
    """A listing that cannot be edited now: what was sent for review (or why it is locked)."""
    supplier = membership.supplier
    pending = supplier.revisions.pending().first()
    rows = FieldDisplay().rows(FIELD_GROUPS, listing_snapshot(supplier)) if pending else []
    return render(
        request,
        "enterprises/listing_submitted.html",
        {"supplier": supplier, "pending": pending, "rows": rows},
    )


@verified_email_required
def listing_edit(request, pk):
    membership = membership_or_404(request.user, pk)
    supplier = membership.supplier
    mode = membership.edit_mode
    if mode == EditMode.NONE:
        return _submitted_version(request, membership)
    is_draft = mode == EditMode.DIRECT
    start, token = services.listing_edit_start(supplier)
    initial, offerings = listing_initial(start)
    initial["version"] = token
    form, formset = _listing_forms(
        request, instance=supplier, initial=initial if request.method != "POST" else None,
        offerings=offerings, neq_editable=is_draft,
    )  # fmt: skip
    conflict = None
    if request.method == "POST" and request.POST.get("action") == "add_offering":
        form, formset = _added_offering(request, form, formset, instance=supplier, neq_editable=is_draft)
    elif request.method == "POST" and form.is_valid() and formset.is_valid():
        data, logo, version = (
            listing_data(form, formset),
            form.cleaned_data["logo"],
            form.cleaned_data["version"],
        )
        try:
            if is_draft:
                services.listing_update_draft(
                    supplier=supplier, user=request.user, data=data, logo=logo, token=version
                )
                if request.POST.get("action") == "submit":
                    services.listing_submit(supplier=supplier, user=request.user)
                    messages.success(
                        request, _("Votre fiche est soumise : le personnel du ministère la vérifiera.")
                    )
                    return redirect("enterprises:dashboard")
                messages.success(request, _("Le brouillon est enregistré."))
                return redirect("enterprises:listing_edit", pk=supplier.pk)
            services.revision_submit(
                supplier=supplier, user=request.user, data=data, logo=logo, token=version
            )
        except EditConflict as error:
            conflict = error
            form, formset = _refilled(
                request,
                form,
                formset,
                instance=supplier,
                neq_editable=is_draft,
                data=error.merged,
                version=error.token,
            )
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
    if form.is_bound:
        form.keep_logo()
    context = {
        "form": form,
        "formset": formset,
        "supplier": supplier,
        "pending": None if is_draft else supplier.revisions.pending().first(),
        "is_draft": is_draft,
        "conflict": conflict,
    }
    return render(request, "enterprises/listing_form.html", context, status=409 if conflict else 200)


@require_POST
@verified_email_required
def listing_submit(request, pk):
    supplier = membership_or_404(request.user, pk).supplier
    try:
        services.listing_submit(supplier=supplier, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Votre fiche est soumise : le personnel du ministère la vérifiera."))
    return redirect("enterprises:dashboard")


@require_POST
@verified_email_required
def revision_withdraw(request, pk):
    """Take back what was sent for review: a new listing goes back to draft, a pending change is dropped."""
    supplier = membership_or_404(request.user, pk).supplier
    revision = supplier.revisions.pending().first()
    if revision is None:
        raise Http404
    services.revision_withdraw(revision=revision, user=request.user)
    if revision.is_new_listing:
        messages.success(
            request, _("Votre fiche n'est plus soumise : c'est de nouveau un brouillon à modifier.")
        )
        return redirect("enterprises:listing_edit", pk=supplier.pk)
    messages.success(
        request, _("Votre modification en attente est retirée : la fiche publique est inchangée.")
    )
    return redirect("enterprises:dashboard")


# --- Claims ---


@verified_email_required
def claim_lookup(request):
    """Enter an NEQ, then ask to manage its listing (or create one): the answer is the same page for every NEQ
    that has no public listing, so it tells nothing of unpublished ones."""
    form = ClaimLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("enterprises:claim", neq=form.cleaned_data["neq"])
    return render(request, "enterprises/claim_lookup.html", {"form": form})


def _valid_neq_or_404(value: str) -> str:
    neq = normalize_neq(value)
    try:
        validate_neq(neq)
    except ValidationError as error:
        raise Http404 from error
    return neq


@verified_email_required
def claim(request, neq):
    neq = _valid_neq_or_404(neq)
    listing = services.claimable_listing(neq)
    if listing is not None and Membership.objects.filter(user=request.user, supplier=listing).exists():
        messages.info(request, _("Vous êtes déjà membre de cette fiche."))
        return redirect("enterprises:dashboard")
    public = listing if listing is not None and listing.is_public else None
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "claim"):
            form.add_error(None, rate_limited_message())
            status = TOO_MANY
        else:
            try:
                services.claim_request(user=request.user, neq=neq, message=form.cleaned_data["message"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Votre demande est transmise : le personnel du ministère vous répondra par courriel."),
                )
                return redirect("enterprises:dashboard")
    return render(
        request, "enterprises/claim.html", {"form": form, "neq": neq, "public": public}, status=status
    )


# --- Colleagues ---


def _owner_membership_or_403(user, pk) -> Membership:
    membership = membership_or_404(user, pk)
    if not membership.can_manage_colleagues:
        raise PermissionDenied
    return membership


@verified_email_required
def invite(request, pk):
    supplier = _owner_membership_or_403(request.user, pk).supplier
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "invitation"):
            form.add_error(None, rate_limited_message())
            status = TOO_MANY
        else:
            try:
                services.invitation_create(
                    supplier=supplier, by=request.user, email=form.cleaned_data["email"]
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request,
                    _("L'invitation est envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("enterprises:dashboard")
    return render(request, "enterprises/invite.html", {"form": form, "supplier": supplier}, status=status)


@require_POST
@verified_email_required
def membership_leave(request, pk):
    membership = membership_or_404(request.user, pk)
    services.membership_leave(membership=membership)
    messages.success(
        request, _("Vous ne gérez plus la fiche « %(name)s ».") % {"name": membership.supplier.name}
    )
    return redirect("enterprises:dashboard")


def _colleague_or_404(request, pk, member_pk) -> Membership:
    _owner_membership_or_403(request.user, pk)
    return get_object_or_404(
        Membership.objects.select_related("supplier", "user"), pk=member_pk, supplier_id=pk
    )


@require_POST
@verified_email_required
def membership_remove(request, pk, member_pk):
    colleague = _colleague_or_404(request, pk, member_pk)
    try:
        services.membership_remove(membership=colleague, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(email)s ne gère plus cette fiche.") % {"email": colleague.user.email})
    return redirect("enterprises:dashboard")


@require_POST
@verified_email_required
def membership_role(request, pk, member_pk):
    colleague = _colleague_or_404(request, pk, member_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.membership_set_role(membership=colleague, role=form.cleaned_data["role"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Le rôle de %(email)s est changé.") % {"email": colleague.user.email})
    return redirect("enterprises:dashboard")


# --- Invitations ---


def invitation_accept(request, token):
    """The link of an invitation email. Someone not logged in is told what it is and carried through sign-up
    (the address filled in) or log-in back here; then only the invited, confirmed address can accept."""
    invitation = get_object_or_404(Invitation.objects.select_related("supplier"), token=token)
    if not request.user.is_authenticated:
        here = reverse("enterprises:invitation_accept", args=[token])
        context = {
            "invitation": invitation,
            "signup_url": reverse("account_signup")
            + "?"
            + urlencode({"next": here, "email": invitation.email}),
            "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
        }
        return render(
            request,
            "enterprises/invitation_welcome.html",
            context,
            status=200 if invitation.is_usable else 410,
        )
    return _invitation_for_user(request, invitation)


@verified_email_required
def _invitation_for_user(request, invitation):
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

"""Staff review in the admin: queues of pending revisions and claims, each decided on its own review page."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from suppliers.models import Accreditation, Supplier

from . import services
from .forms import ClaimDecisionForm, RevisionDecisionForm
from .models import AccreditationClaim, ClaimRequest, DecisionStatus, Invitation, Membership, Revision


class PendingFirstFilter(admin.SimpleListFilter):
    """Status filter that opens on the pending items: the review queue."""

    title = _("statut")
    parameter_name = "statut"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*DecisionStatus.choices, (self.ALL, _("Tous les statuts"))]

    def value(self):
        return super().value() or DecisionStatus.PENDING

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ReviewAdmin(admin.ModelAdmin):
    """A decision page instead of an edit form: the content comes from the enterprise, staff only decide."""

    review_template = None
    decision_form_class = None
    list_filter = [PendingFirstFilter]
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_review_context(self, request, obj):
        return {}

    def get_form_kwargs(self, obj):
        return {}

    def decide(self, request, obj, decision, form):
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        can_decide = obj.status == DecisionStatus.PENDING and self.has_change_permission(request, obj)
        decision = (
            "approve" if "_approve" in request.POST else "refuse" if "_refuse" in request.POST else None
        )
        if request.method == "POST":
            if not can_decide or decision is None:
                raise PermissionDenied
            form = self.decision_form_class(request.POST, decision=decision, **self.get_form_kwargs(obj))
            if form.is_valid():
                try:
                    self.decide(request, obj, decision, form)
                except ValidationError as error:
                    form.add_error(None, error if hasattr(error, "error_dict") else error.messages)
                else:
                    return HttpResponseRedirect(
                        reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                    )
        else:
            form = self.decision_form_class(**self.get_form_kwargs(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": str(obj),
            "form": form,
            "can_decide": can_decide,
            "has_view_permission": True,
            "has_change_permission": self.has_change_permission(request, obj),
            **self.get_review_context(request, obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.review_template, context)


@admin.register(Revision)
class RevisionAdmin(ReviewAdmin):
    review_template = "admin/enterprises/revision/review.html"
    decision_form_class = RevisionDecisionForm
    list_display = [
        "supplier",
        "is_new_listing",
        "status",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = [PendingFirstFilter, "is_new_listing"]
    list_select_related = ["supplier", "submitted_by", "decided_by"]
    search_fields = ["supplier__name", "supplier__neq"]
    ordering = ["submitted_at"]

    def get_form_kwargs(self, obj):
        return {"initial": {"verified_accreditations": obj.supplier.accreditations}}

    def get_review_context(self, request, obj):
        rows = services.review_rows(obj)
        return {
            "rows": rows,
            "changed_count": sum(row["changed"] for row in rows),
            "conflict_count": sum(row["conflict"] for row in rows),
            "claimed_accreditations": [
                Accreditation(code).label for code in obj.data.get("claimed_accreditations", [])
            ],
            "members": Membership.objects.filter(supplier=obj.supplier).select_related("user"),
        }

    def decide(self, request, obj, decision, form):
        reason = form.cleaned_data["reason"].strip()
        if decision == "approve":
            services.revision_approve(
                revision=obj,
                by=request.user,
                verified_accreditations=form.cleaned_data["verified_accreditations"],
                reason=reason,
            )
            messages.success(request, gettext("Modification approuvée : la fiche publique est à jour."))
        else:
            services.revision_refuse(revision=obj, by=request.user, reason=reason)
            messages.success(request, gettext("Modification refusée : l'entreprise en est avisée."))


@admin.register(ClaimRequest)
class ClaimRequestAdmin(ReviewAdmin):
    review_template = "admin/enterprises/claimrequest/review.html"
    decision_form_class = ClaimDecisionForm
    list_display = ["neq", "supplier", "user", "status", "created_at", "decided_by", "decided_at"]
    list_select_related = ["supplier", "user", "decided_by"]
    search_fields = ["neq", "supplier__name", "user__email"]
    ordering = ["created_at"]

    def get_review_context(self, request, obj):
        # Staff see everything about the NEQ, archived or unpublished listing included.
        listing = obj.supplier or Supplier.objects.filter(neq=obj.neq).first()
        return {
            "listing": listing,
            "members": Membership.objects.filter(supplier=listing).select_related("user") if listing else [],
            "email_verified": services.email_is_verified(obj.user),
            "other_claims": ClaimRequest.objects.filter(neq=obj.neq)
            .exclude(pk=obj.pk)
            .select_related("user"),
        }

    def decide(self, request, obj, decision, form):
        reason = form.cleaned_data["reason"].strip()
        if decision == "approve":
            services.claim_approve(
                claim=obj,
                by=request.user,
                reason=reason,
                remove_other_members=form.cleaned_data["remove_other_members"],
            )
            messages.success(request, gettext("Demande approuvée : la personne peut gérer la fiche."))
        else:
            services.claim_refuse(claim=obj, by=request.user, reason=reason)
            messages.success(request, gettext("Demande refusée : la personne en est avisée."))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["supplier", "user", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["supplier", "user"]
    search_fields = ["supplier__name", "supplier__neq", "user__email"]
    raw_id_fields = ["user", "supplier"]

    def has_add_permission(self, request):
        # Members come from approved claims, invitations and listing creation.
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["supplier", "email", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["supplier", "invited_by"]
    search_fields = ["supplier__name", "email"]
    readonly_fields = [
        "supplier",
        "email",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    ]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False


@admin.register(AccreditationClaim)
class AccreditationClaimAdmin(admin.ModelAdmin):
    list_display = ["supplier", "accreditations", "updated_at"]
    list_select_related = ["supplier"]
    search_fields = ["supplier__name", "supplier__neq"]
    readonly_fields = ["supplier", "accreditations", "updated_at"]

    def has_add_permission(self, request):
        return False

"""Staff manage organisations (with their email domains), buyers (approve or refuse, with an email either way) and
the threshold rules. Shortlists, records and saved searches have no admin: staff see their counts on the staff
organisations page, never their content."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Buyer, BuyerOrganisation, BuyerStatus, OrganisationDomain, ThresholdRule


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    extra = 1


@admin.register(BuyerOrganisation)
class BuyerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "domain_list", "active_buyers", "pending_buyers"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "domains__domain"]
    inlines = [OrganisationDomainInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("region")
            .prefetch_related("domains")
            .annotate(
                active_count=Count("buyers", filter=Q(buyers__status=BuyerStatus.ACTIVE), distinct=True),
                pending_count=Count("buyers", filter=Q(buyers__status=BuyerStatus.PENDING), distinct=True),
            )
        )

    @admin.display(description=_("domaines"))
    def domain_list(self, obj):
        return ", ".join(domain.domain for domain in obj.domains.all())

    @admin.display(description=_("acheteurs actifs"), ordering="active_count")
    def active_buyers(self, obj):
        return obj.active_count

    @admin.display(description=_("en attente"), ordering="pending_count")
    def pending_buyers(self, obj):
        return obj.pending_count


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Il est transmis par courriel à chaque personne refusée."),
    )


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ["user", "full_name", "organisation", "job_title", "status", "created_at", "decided_at"]
    list_filter = ["status", "organisation__kind", "organisation__region"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["status", "status_reason", "decided_at", "decided_by", "created_at"]
    actions = ["approve", "refuse"]
    ordering = ["status", "-created_at"]

    @admin.display(description=_("nom"), ordering="user__last_name")
    def full_name(self, obj):
        return obj.user.get_full_name()

    @admin.action(description=_("Approuver les acheteurs sélectionnés (un courriel les avise)"))
    def approve(self, request, queryset):
        approved = 0
        for buyer in queryset.exclude(status=BuyerStatus.ACTIVE):
            services.buyer_approve(buyer=buyer, by=request.user)
            approved += 1
        self.message_user(
            request,
            ngettext("%(count)d acheteur approuvé.", "%(count)d acheteurs approuvés.", approved)
            % {"count": approved},
            messages.SUCCESS,
        )

    @admin.action(description=_("Refuser les acheteurs sélectionnés (avec un motif envoyé par courriel)"))
    def refuse(self, request, queryset):
        form = RefusalForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            refused = 0
            for buyer in queryset.exclude(status=BuyerStatus.REFUSED):
                try:
                    services.buyer_refuse(buyer=buyer, by=request.user, reason=form.cleaned_data["reason"])
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                    return None
                refused += 1
            self.message_user(
                request,
                ngettext("%(count)d acheteur refusé.", "%(count)d acheteurs refusés.", refused)
                % {"count": refused},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Refuser des acheteurs"),
            "form": form,
            "buyers": queryset.select_related("user", "organisation"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/buyers/buyer/refuse.html", context)


@admin.register(ThresholdRule)
class ThresholdRuleAdmin(admin.ModelAdmin):
    list_display = [
        "regime",
        "nature",
        "mode",
        "amount_from",
        "amount_to",
        "min_invitees",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["regime", "nature", "mode"]
    ordering = ["regime", "nature", "amount_from"]

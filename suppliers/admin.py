import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import connection
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from .admin_import import supplier_import_view
from .logos import clean_logo, delete_logo_file_on_commit
from .models import (
    MAX_OFFERINGS,
    Accreditation,
    Category,
    Offering,
    Region,
    SearchSynonym,
    Sector,
    Status,
    Supplier,
    validate_service_area,
)
from .resources import SupplierResource


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows, so a changelist over a million suppliers never counts the whole table."""

    COUNT_CAP = 10_000

    @cached_property
    def count(self):
        sql, params = self.object_list.values("pk").order_by()[: self.COUNT_CAP].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS capped", params)
            return cursor.fetchone()[0]


class RegionServedFilter(admin.SimpleListFilter):
    title = _("région desservie")
    parameter_name = "region_served"

    def lookups(self, request, model_admin):
        return [(region.code, str(region)) for region in Region.objects.all()]

    def queryset(self, request, queryset):
        return queryset.serving(self.value()) if self.value() else queryset


class SectorFilter(admin.SimpleListFilter):
    title = _("secteur")
    parameter_name = "sector"

    def lookups(self, request, model_admin):
        return [(sector.code, sector.name_fr) for sector in Sector.objects.all()]

    def queryset(self, request, queryset):
        return queryset.in_sectors(self.value()) if self.value() else queryset


class AccreditationFilter(admin.SimpleListFilter):
    title = _("accréditation")
    parameter_name = "accreditation"

    def lookups(self, request, model_admin):
        return [*Accreditation.choices, ("none", _("Aucune"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(accreditations=[])
        return queryset.with_accreditations(self.value()) if self.value() else queryset


class OfferingInline(admin.StackedInline):
    model = Offering
    extra = 0
    max_num = MAX_OFFERINGS

    def get_formset(self, request, obj=None, **kwargs):
        # A posted form count beyond the maximum is refused, not built (Django would build up to 1,000 more).
        return super().get_formset(request, obj, absolute_max=MAX_OFFERINGS, **kwargs)

    fields = [("title", "kind", "category"), "description", "position"]
    autocomplete_fields = ["category"]


class SupplierAdminForm(forms.ModelForm):
    accreditations = forms.MultipleChoiceField(
        label=_("Accréditations vérifiées"),
        choices=Accreditation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez seulement les accréditations vérifiées par le ministère : elles sont publiques."),
    )

    class Meta:
        model = Supplier
        fields = [
            "name", "neq", "legal_form", "coop_type", "accreditations", "employees_band", "logo",
            "description_fr", "description_en", "website", "email", "phone", "address", "city", "postal_code",
            "head_office_region", "serves_all_quebec", "regions_served", "categories",
        ]  # fmt: skip

    def clean_logo(self):
        # The same checks and re-encoding as the enterprise form: one stored file, in a sensible format and size.
        uploaded = self.cleaned_data.get("logo")
        if isinstance(uploaded, UploadedFile):
            return clean_logo(uploaded).as_file()
        return uploaded

    def clean(self):
        cleaned = super().clean()
        try:
            validate_service_area(
                serves_all_quebec=cleaned.get("serves_all_quebec"), regions=cleaned.get("regions_served")
            )
        except ValidationError as error:
            self.add_error("regions_served", error)
        return cleaned


class StatusReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Le motif est conservé dans l'historique de chaque fournisseur."),
    )


@admin.register(Supplier)
class SupplierAdmin(ExportMixin, SimpleHistoryAdmin):
    form = SupplierAdminForm
    # Export through django-import-export (cells neutralised by the resource); import through the import service
    # (``suppliers.admin_import``), the command's writer.
    resource_classes = [SupplierResource]
    formats = [CSV, XLSX]
    change_list_template = "admin/suppliers/supplier/change_list.html"
    list_display = [
        "name",
        "neq",
        "status",
        "legal_form",
        "head_office_region",
        "city",
        "last_verified_at",
        "updated_at",
    ]
    list_filter = ["status", RegionServedFilter, SectorFilter, "legal_form", AccreditationFilter]
    list_select_related = ["head_office_region"]
    search_fields = ["name", "=neq"]
    search_help_text = _(
        "Nom (ou partie du nom) ou NEQ (ou ses premiers chiffres). Les résultats d'une recherche sont présentés "
        "des fiches les plus récentes aux plus anciennes ; cliquez sur un titre de colonne pour les trier."
    )
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    ordering = ["name", "neq"]
    inlines = [OfferingInline]
    filter_horizontal = ["regions_served", "categories"]
    readonly_fields = [
        "status",
        "status_reason",
        "status_changed_at",
        "last_verified_at",
        "last_verified_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            _("Identité"),
            {
                "fields": [
                    "name",
                    "neq",
                    "legal_form",
                    "coop_type",
                    "accreditations",
                    "employees_band",
                    "logo",
                ]
            },
        ),
        (_("Description"), {"fields": ["description_fr", "description_en"]}),
        (
            _("Coordonnées publiques"),
            {"fields": ["website", "email", "phone", "address", "city", "postal_code"]},
        ),
        (
            _("Territoire et offre"),
            {"fields": ["head_office_region", "serves_all_quebec", "regions_served", "categories"]},
        ),
        (
            _("Curation"),
            {
                "fields": [
                    "status",
                    "status_reason",
                    "status_changed_at",
                    "last_verified_at",
                    "last_verified_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    actions = ["publish", "suspend", "archive", "mark_verified"]

    def get_urls(self):
        view = csrf_exempt(lambda request: supplier_import_view(self, request))  # checked in the view
        view = self.admin_site.admin_view(view)
        return [
            path("import/", view, name=f"{self.opts.app_label}_{self.opts.model_name}_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_add_permission(request) and self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def get_ordering(self, request):
        """Search results come newest first unless a column is chosen: names containing a word cluster in name
        order (« traiteur » sorts under T), so finding 50 of them by walking the name index read 93 % of a
        million rows (4.3 s); ids are not correlated with names, so the newest 50 matches are found at once."""
        if request.GET.get(SEARCH_VAR, "").strip() and not request.GET.get(ORDER_VAR):
            return ["-pk"]
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        # A NEQ (digits, possibly spaced) uses the unique index; anything else a trigram index on UPPER(name).
        term = search_term.strip()
        if not term:
            return queryset, False
        digits = re.sub(r"[\s-]", "", term)
        if digits.isdigit():
            return queryset.filter(neq__startswith=digits), False
        return queryset.filter(name__icontains=term), False

    def save_model(self, request, obj, form, change):
        replaced = form.initial.get("logo")
        super().save_model(request, obj, form, change)
        # One file per listing: a replaced or cleared logo is deleted once the change is saved.
        if "logo" in form.changed_data and replaced and str(replaced) != (obj.logo.name or ""):
            delete_logo_file_on_commit(str(replaced))

    def _change_status(self, request, queryset, new_status, *, reason=""):
        changed, refused = 0, []
        for supplier in queryset:
            try:
                supplier.change_status(new_status, by=request.user, reason=reason)
                changed += 1
            except ValidationError:
                refused.append(supplier)
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d fournisseur : statut « %(status)s ».",
                    "%(count)d fournisseurs : statut « %(status)s ».",
                    changed,
                )
                % {"count": changed, "status": Status(new_status).label},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _("Statut inchangé (transition non permise) pour : %(names)s.")
                % {"names": ", ".join(f"{s.name} ({s.get_status_display()})" for s in refused)},
                messages.WARNING,
            )

    def _with_reason(self, request, queryset, new_status, title):
        if "apply" in request.POST:
            form = StatusReasonForm(request.POST)
            if form.is_valid():
                self._change_status(request, queryset, new_status, reason=form.cleaned_data["reason"])
                return None
        else:
            form = StatusReasonForm()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/suppliers/supplier/status_reason.html", context)

    @admin.action(description=_("Publier les fournisseurs sélectionnés"), permissions=["change"])
    def publish(self, request, queryset):
        self._change_status(request, queryset, Status.PUBLISHED)

    @admin.action(
        description=_("Suspendre les fournisseurs sélectionnés (avec motif)"), permissions=["change"]
    )
    def suspend(self, request, queryset):
        return self._with_reason(request, queryset, Status.SUSPENDED, _("Suspendre des fournisseurs"))

    @admin.action(
        description=_("Archiver les fournisseurs sélectionnés (avec motif)"), permissions=["change"]
    )
    def archive(self, request, queryset):
        return self._with_reason(request, queryset, Status.ARCHIVED, _("Archiver des fournisseurs"))

    @admin.action(description=_("Marquer comme vérifiés (date et personne)"), permissions=["change"])
    def mark_verified(self, request, queryset):
        count = 0
        for supplier in queryset:
            supplier.mark_verified(by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d fournisseur marqué comme vérifié.",
                "%(count)d fournisseurs marqués comme vérifiés.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ["code", "name_fr", "name_en", "unspsc_segment", "position"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "position"]
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "sector", "unspsc_segment"]
    list_filter = ["sector"]
    search_fields = ["code", "name_fr", "name_en"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """The synonyms the search applies in both languages; a change is in the next search (migration 0013)."""

    list_display = ["__str__", "note"]
    search_fields = ["terms", "note"]


@admin.register(Offering)
class OfferingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "supplier", "category", "kind"]
    list_select_related = ["supplier", "category"]
    search_fields = ["title"]
    autocomplete_fields = ["supplier", "category"]
    show_full_result_count = False
    paginator = CappedCountPaginator

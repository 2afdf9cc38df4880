"""Import and export of suppliers in the admin through django-import-export.

Rows are validated by the same RowValidator as ``manage.py import_suppliers``; a file with any invalid row
cannot be confirmed in the admin, so nothing of it is imported.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources

from .importing import COLUMNS, RowValidator, supplier_to_row
from .models import Supplier
from .validators import normalize_neq


def iter_export_rows(queryset, chunk_size=2000):
    """Export rows, streaming, two extra queries per chunk whatever its size."""
    queryset = queryset.order_by("pk").prefetch_related("regions_served", "categories")
    for supplier in queryset.iterator(chunk_size=chunk_size):
        yield supplier_to_row(supplier)


class SupplierResource(resources.ModelResource):
    # Every column is declared explicitly so that export and import use exactly the documented format.
    neq = fields.Field(attribute="neq", column_name="neq")
    name = fields.Field(attribute="name", column_name="name")
    legal_form = fields.Field(attribute="legal_form", column_name="legal_form")
    coop_type = fields.Field(attribute="coop_type", column_name="coop_type")
    accreditations = fields.Field(column_name="accreditations")
    description_fr = fields.Field(attribute="description_fr", column_name="description_fr")
    description_en = fields.Field(attribute="description_en", column_name="description_en")
    website = fields.Field(attribute="website", column_name="website")
    email = fields.Field(attribute="email", column_name="email")
    phone = fields.Field(attribute="phone", column_name="phone")
    address = fields.Field(attribute="address", column_name="address")
    city = fields.Field(attribute="city", column_name="city")
    postal_code = fields.Field(attribute="postal_code", column_name="postal_code")
    head_office_region = fields.Field(column_name="head_office_region")
    regions_served = fields.Field(column_name="regions_served")
    categories = fields.Field(column_name="categories")
    status = fields.Field(attribute="status", column_name="status")

    class Meta:
        model = Supplier
        import_id_fields = ["neq"]
        fields = COLUMNS
        export_order = COLUMNS
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = False

    # --- export ---
    def _row(self, supplier):
        cache = getattr(self, "_export_cache", None)
        if cache is None or cache[0] != supplier.pk:
            self._export_cache = (supplier.pk, supplier_to_row(supplier))
        return self._export_cache[1]

    def dehydrate_accreditations(self, supplier):
        return self._row(supplier)["accreditations"]

    def dehydrate_head_office_region(self, supplier):
        return supplier.head_office_region_id or ""

    def dehydrate_regions_served(self, supplier):
        return self._row(supplier)["regions_served"] if supplier.pk else ""

    def dehydrate_categories(self, supplier):
        return self._row(supplier)["categories"] if supplier.pk else ""

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("regions_served", "categories")

    # --- import ---
    def before_import(self, dataset, **kwargs):
        self._validator = RowValidator()
        self._parsed = {}

    def before_import_row(self, row, **kwargs):
        line = kwargs.get("row_number", 0) + 1  # the header is line 1, as in import_suppliers
        row["neq"] = normalize_neq(str(row.get("neq") or ""))
        parsed, errors = self._validator.validate(line, {key: str(value or "") for key, value in row.items()})
        if errors:
            by_column = {}
            for error in errors:
                by_column.setdefault(error.column if error.column in COLUMNS else "__all__", []).append(
                    error.message
                )
            raise ValidationError(by_column)
        self._parsed[row["neq"]] = parsed

    def import_instance(self, instance, row, **kwargs):
        for name, value in self._parsed[row["neq"]].values.items():
            setattr(instance, name, value)

    def _links(self, instance):
        if instance.pk is None:
            return set(), set()
        return (
            {region.pk for region in instance.regions_served.all()},
            {category.pk for category in instance.categories.all()},
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        parsed = self._parsed[row["neq"]]
        unchanged_values = all(getattr(original, name) == value for name, value in parsed.values.items())
        return unchanged_values and self._links(original) == (set(parsed.regions), set(parsed.categories))

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._change_reason = _("Import de fichier (administration)")
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        parsed = self._parsed[row["neq"]]
        instance.regions_served.set(parsed.regions)
        instance.categories.set(parsed.categories)

"""Export of suppliers: the admin's (django-import-export) and ``manage.py export_suppliers`` write the import's
columns (``suppliers.importing.supplier_to_row``), every cell through ``directory.spreadsheets.neutralise``. The
admin's import is not django-import-export's: it is ``suppliers.services.supplier_import`` (see
``suppliers.admin_import``), the writer the command uses.
"""

from import_export import fields, resources

from directory.spreadsheets import neutralise

from .importing import COLUMNS, supplier_to_row
from .models import Supplier


def iter_export_rows(queryset, chunk_size=2000):
    """Export rows, streaming, two extra queries per chunk whatever its size."""
    queryset = queryset.order_by("pk").prefetch_related("regions_served", "categories")
    for supplier in queryset.iterator(chunk_size=chunk_size):
        yield supplier_to_row(supplier)


class SupplierResource(resources.ModelResource):
    # Every column is declared, each read from the export row of the supplier: exactly the documented format.
    neq = fields.Field(column_name="neq", readonly=True)
    name = fields.Field(column_name="name", readonly=True)
    legal_form = fields.Field(column_name="legal_form", readonly=True)
    coop_type = fields.Field(column_name="coop_type", readonly=True)
    accreditations = fields.Field(column_name="accreditations", readonly=True)
    description_fr = fields.Field(column_name="description_fr", readonly=True)
    description_en = fields.Field(column_name="description_en", readonly=True)
    website = fields.Field(column_name="website", readonly=True)
    email = fields.Field(column_name="email", readonly=True)
    phone = fields.Field(column_name="phone", readonly=True)
    address = fields.Field(column_name="address", readonly=True)
    city = fields.Field(column_name="city", readonly=True)
    postal_code = fields.Field(column_name="postal_code", readonly=True)
    head_office_region = fields.Field(column_name="head_office_region", readonly=True)
    regions_served = fields.Field(column_name="regions_served", readonly=True)
    categories = fields.Field(column_name="categories", readonly=True)
    status = fields.Field(column_name="status", readonly=True)
    status_reason = fields.Field(column_name="status_reason", readonly=True)
    version = fields.Field(column_name="version", readonly=True)

    class Meta:
        model = Supplier
        fields = COLUMNS
        export_order = COLUMNS

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("regions_served", "categories")

    def _row(self, supplier):
        cache = getattr(self, "_export_cache", None)
        if cache is None or cache[0] != supplier.pk:
            self._export_cache = (supplier.pk, supplier_to_row(supplier))
        return self._export_cache[1]

    def export_field(self, field, instance, **kwargs):
        # Formula injection: a text a spreadsheet would run is written as text, in CSV and XLSX alike.
        return neutralise(self._row(instance)[field.column_name])

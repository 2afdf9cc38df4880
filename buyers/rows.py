"""Suppliers as exports and records read them: plain rows from three queries per batch (the supplier columns,
the regions served, the categories) rather than model instances, which cost most of an export's time."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models.expressions import RawSQL
from django.urls import reverse

from suppliers.models import Supplier

COLUMNS = [
    "id",
    "neq",
    "name",
    "legal_form",
    "coop_type",
    "accreditations",
    "head_office_region_id",
    "serves_all_quebec",
    "employees_band",
    "email",
    "phone",
    "website",
    "status",
    "last_verified_at",
]
NEQ_PLACEHOLDER = "0000000000"


@dataclass
class SupplierRow:
    """The supplier fields exports and records use, with the attribute names of ``Supplier``."""

    id: int
    neq: str
    name: str
    legal_form: str
    coop_type: str
    accreditations: list
    head_office_region_id: str
    serves_all_quebec: bool
    employees_band: str
    email: str
    phone: str
    website: str
    status: str
    last_verified_at: datetime | None
    region_codes: list = field(default_factory=list)
    category_codes: list = field(default_factory=list)
    path: str = ""

    @property
    def pk(self) -> int:
        return self.id

    def get_absolute_url(self) -> str:
        return self.path


def _codes(ids):
    """Region and category codes of these suppliers, by supplier id (two queries, one array parameter)."""
    # One array parameter rather than one parameter per id (compiling a thousand of them is slow).
    id_set = RawSQL("SELECT unnest(%s::int[])", [list(ids)])
    regions = defaultdict(list)
    for supplier_id, code in (
        Supplier.regions_served.through.objects.filter(supplier_id__in=id_set)
        .order_by("region_id")
        .values_list("supplier_id", "region_id")
    ):
        regions[supplier_id].append(code)
    categories = defaultdict(list)
    for supplier_id, code in (
        Supplier.categories.through.objects.filter(supplier_id__in=id_set)
        .order_by("category__position", "category_id")
        .values_list("supplier_id", "category_id")
    ):
        categories[supplier_id].append(code)
    return id_set, regions, categories


def with_codes(suppliers: list) -> list:
    """Attach ``region_codes`` and ``category_codes`` to these suppliers (model instances); returns them."""
    if suppliers:
        _id_set, regions, categories = _codes([supplier.pk for supplier in suppliers])
        for supplier in suppliers:
            supplier.region_codes, supplier.category_codes = regions[supplier.pk], categories[supplier.pk]
    return suppliers


def supplier_rows(ids: list[int]) -> list[SupplierRow]:
    """The suppliers of ``ids``, in that order (ids of deleted suppliers are skipped)."""
    if not ids:
        return []
    detail = reverse("suppliers:detail", kwargs={"neq": NEQ_PLACEHOLDER})
    id_set, regions, categories = _codes(ids)
    rows = {
        values[0]: SupplierRow(*values)
        for values in Supplier.objects.filter(pk__in=id_set).values_list(*COLUMNS)
    }
    ordered = []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        row.region_codes, row.category_codes = regions[pk], categories[pk]
        row.path = detail.replace(NEQ_PLACEHOLDER, row.neq)
        ordered.append(row)
    return ordered

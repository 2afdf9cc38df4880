"""A listing's content as plain data, and what changed in it.

The content moves around as a dict (see ``listing_snapshot``): scalar fields by name, the head-office region and
the regions served by code, categories by code, offerings as a list of dicts, the claimed accreditations, and the
logo's storage name. The form produces it, a Revision stores it (with the ``base`` it was made from), and the
services apply it. Fields that only make sense together (a legal form and its cooperative type, the service area,
the offerings and the categories they give) change as one group.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from suppliers.logos import replace_logo
from suppliers.models import (
    Accreditation,
    Category,
    CoopType,
    EmployeesBand,
    LegalForm,
    Offering,
    OfferingKind,
    Region,
    Supplier,
)

from .models import AccreditationClaim

SCALAR_FIELDS = [
    "name",
    "neq",
    "legal_form",
    "coop_type",
    "description_fr",
    "description_en",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "postal_code",
    "employees_band",
    "serves_all_quebec",
]
OFFERING_FIELDS = ["kind", "title", "description", "category"]
# In the order the review page lists them.
FIELD_GROUPS = [
    ("name",),
    ("neq",),
    ("legal_form", "coop_type"),
    ("description_fr",),
    ("description_en",),
    ("website",),
    ("email",),
    ("phone",),
    ("address",),
    ("city",),
    ("postal_code",),
    ("employees_band",),
    ("head_office_region",),
    ("serves_all_quebec", "regions_served"),
    ("offerings", "categories"),
    ("claimed_accreditations",),
    ("logo",),
]


def _offerings(supplier: Supplier) -> list[dict]:
    return [
        {"kind": o.kind, "title": o.title, "description": o.description, "category": o.category_id}
        for o in supplier.offerings.order_by("position", "id")
    ]


def listing_snapshot(supplier: Supplier) -> dict:
    """The listing's current content in the shape forms produce and revisions store."""
    data = {field: getattr(supplier, field) for field in SCALAR_FIELDS}
    data["head_office_region"] = supplier.head_office_region_id
    data["regions_served"] = sorted(region.code for region in supplier.regions_served.all())
    data["categories"] = sorted(category.code for category in supplier.categories.all())
    data["offerings"] = _offerings(supplier)
    claim = AccreditationClaim.objects.filter(supplier=supplier).first()
    data["claimed_accreditations"] = (
        sorted(claim.accreditations) if claim else sorted(supplier.accreditations)
    )
    data["logo"] = supplier.logo.name or ""
    return data


def apply_listing_data(supplier: Supplier, data: dict, *, logo=None) -> None:
    """Write the listing data to the supplier, its offerings, categories and claimed accreditations.

    ``logo`` (a ``suppliers.logos.Logo``) replaces the listing's logo. The caller sets ``_history_user`` /
    ``_change_reason`` and any other field on ``supplier`` beforehand.
    """
    for field in SCALAR_FIELDS:
        setattr(supplier, field, data[field])
    supplier.head_office_region_id = data["head_office_region"]
    if logo is not None:
        replace_logo(supplier, logo)
    supplier.save()
    supplier.set_regions_served(data["regions_served"])
    supplier.categories.set(data["categories"])
    if _offerings(supplier) != data["offerings"]:
        supplier.offerings.all().delete()
        for position, offering in enumerate(data["offerings"]):
            Offering.objects.create(
                supplier=supplier,
                position=position,
                kind=offering["kind"],
                title=offering["title"],
                description=offering["description"],
                category_id=offering["category"],
            )
    AccreditationClaim.objects.update_or_create(
        supplier=supplier, defaults={"accreditations": sorted(data["claimed_accreditations"])}
    )


# --- What changed ---


def changed_groups(before: dict, after: dict) -> list[tuple[str, ...]]:
    return [group for group in FIELD_GROUPS if any(before.get(f) != after.get(f) for f in group)]


def merge_changes(current: dict, base: dict, proposed: dict) -> dict:
    """``current`` with the groups that ``proposed`` changed from ``base``: a change applies only what its author
    changed, so what others changed in the meantime stays."""
    merged = dict(current)
    for group in changed_groups(base, proposed):
        merged.update({field: proposed[field] for field in group})
    return merged


# --- Edit tokens: what the person saw when the form opened ---

EDIT_TOKEN_SALT = "enterprises.listing-edit"


def edit_token(*, supplier: Supplier, base: dict, start: dict) -> str:
    """Signed, with the listing as it was (``base``) and as the form showed it (``start``): on submit, a listing
    changed since then is a conflict to show, not a change to overwrite."""
    return signing.dumps(
        {"pk": supplier.pk, "base": base, "start": start}, salt=EDIT_TOKEN_SALT, compress=True
    )


def read_edit_token(token: str, *, supplier: Supplier) -> dict | None:
    try:
        value = signing.loads(token or "", salt=EDIT_TOKEN_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) and value.get("pk") == supplier.pk else None


class EditConflict(ValidationError):
    """The listing changed since the form opened: ``changes`` says what (for the person), ``token`` lets them
    submit again over the new state."""

    def __init__(self, *, changes: list[dict], merged: dict, token: str):
        super().__init__(
            _("La fiche a changé depuis que vous avez ouvert le formulaire."), code="edit_conflict"
        )
        self.changes = changes
        self.merged = merged
        self.token = token


# --- Showing values to people ---


class FieldDisplay:
    """Labels and readable values of the listing's fields (regions, categories and choices by name)."""

    def __init__(self):
        self.regions = dict(Region.objects.values_list("code", "name"))
        self.categories = {category.code: category.name for category in Category.objects.all()}

    def label(self, name: str) -> str:
        labels = {
            "claimed_accreditations": _("Accréditations déclarées"),
            "offerings": _("Offres"),
            "logo": _("Logo"),
        }
        return str(labels.get(name) or Supplier._meta.get_field(name).verbose_name)

    def value(self, name: str, value):
        """A string, a list of strings, or (for the logo) the file's URL."""
        choice = {"legal_form": LegalForm, "coop_type": CoopType, "employees_band": EmployeesBand}
        if name in choice:
            return choice[name](value).label if value else ""
        if name == "serves_all_quebec":
            return _("Oui") if value else _("Non")
        if name == "head_office_region":
            return self.regions.get(value, value)
        if name == "regions_served":
            return [self.regions.get(code, code) for code in value]
        if name == "categories":
            return [self.categories.get(code, code) for code in value]
        if name == "claimed_accreditations":
            return [Accreditation(code).label for code in value]
        if name == "offerings":
            return [self.offering(item) for item in value]
        if name == "logo":
            return default_storage.url(value) if value else ""
        return value if value not in (None, "") else ""

    def offering(self, item: dict) -> str:
        text = (
            f"{OfferingKind(item['kind']).label} — {item['title']} "
            f"({self.categories.get(item['category'], item['category'])})"
        )
        return text + (f" : {item['description']}" if item["description"] else "")

    @staticmethod
    def kind(name: str, value) -> str:
        return "image" if name == "logo" else "list" if isinstance(value, list) else "text"

    def rows(self, groups, values: dict) -> list[dict]:
        """Label, kind and readable value of each field of ``groups`` in ``values`` (a conflict notice)."""
        rows = []
        for group in groups:
            for name in group:
                shown = self.value(name, values.get(name))
                rows.append(
                    {"name": name, "label": self.label(name), "kind": self.kind(name, shown), "value": shown}
                )
        return rows

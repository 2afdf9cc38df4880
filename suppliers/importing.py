"""The supplier file format: reading CSV and XLSX files and validating each row.

Shared by ``manage.py import_suppliers`` (bulk path for large files) and the admin import
(django-import-export), so a row is valid or invalid in the same way everywhere.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from .models import Accreditation, CoopType, LegalForm, Status, Supplier
from .validators import normalize_neq, normalize_postal_code, validate_neq, validate_postal_code

COLUMNS = [
    "neq",
    "name",
    "legal_form",
    "coop_type",
    "accreditations",
    "description_fr",
    "description_en",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "postal_code",
    "head_office_region",
    "regions_served",
    "categories",
    "status",
]
REQUIRED_COLUMNS = ["neq", "name", "legal_form", "description_fr", "head_office_region", "regions_served"]
SEPARATOR = ";"
ALL_QUEBEC = "*"
# Plain text fields copied as they are (after trimming), with their maximum length.
TEXT_FIELDS = ["name", "description_fr", "description_en", "phone", "address", "city"]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return _("ligne %(line)s, colonne « %(column)s » : %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class SupplierRow:
    """One valid row, normalised: the values to store."""

    line: int
    values: dict = field(default_factory=dict)  # Supplier field name -> value
    regions: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # for the typo-correction lexicon (suppliers.services)


class FileFormatError(Exception):
    """The file cannot be read as a supplier file at all (wrong header, wrong encoding, unknown format)."""


def split_multi(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(SEPARATOR) if item.strip()]


def check_header(header: list[str]) -> None:
    header = [(name or "").strip() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    problems = []
    if missing:
        problems.append(_("colonnes obligatoires absentes : %(cols)s") % {"cols": ", ".join(missing)})
    if unknown:
        problems.append(
            _("colonnes inconnues : %(cols)s (colonnes permises : %(allowed)s)")
            % {"cols": ", ".join(unknown), "allowed": ", ".join(COLUMNS)}
        )
    if problems:
        raise FileFormatError(_("Ligne 1 (en-tête) : ") + " ; ".join(problems))


def iter_csv(handle) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(handle)
    check_header(reader.fieldnames or [])
    for row in reader:
        line = reader.line_num
        yield line, {key.strip(): (value or "").strip() for key, value in row.items() if key}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def iter_xlsx(handle) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    workbook = load_workbook(handle, read_only=True, data_only=True)
    try:
        rows = workbook.active.iter_rows(values_only=True)
        header = [_cell(value) for value in next(rows, [])]
        check_header(header)
        for line, values in enumerate(rows, start=2):
            if values is None or all(value in (None, "") for value in values):
                continue
            yield line, {name: _cell(value) for name, value in zip(header, values, strict=False) if name}
    finally:
        workbook.close()


def iter_file(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, row) from a CSV (UTF-8) or XLSX file, streaming."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        with open(path, "rb") as handle:
            yield from iter_xlsx(handle)
    elif suffix in {".csv", ".txt"}:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            try:
                yield from iter_csv(handle)
            except UnicodeDecodeError as error:
                raise FileFormatError(_("Le fichier doit être encodé en UTF-8.")) from error
    else:
        raise FileFormatError(_("Format de fichier non reconnu : utilisez .csv (UTF-8) ou .xlsx."))


class RowValidator:
    """Validates rows against the reference data, loaded once per import."""

    url_validator = URLValidator(schemes=["http", "https"])
    email_validator = EmailValidator()

    def __init__(self):
        from .models import Category, Region

        self.region_codes = set(Region.objects.values_list("code", flat=True))
        self.category_codes = set(Category.objects.values_list("code", flat=True))
        self.max_lengths = {name: Supplier._meta.get_field(name).max_length for name in TEXT_FIELDS}

    def validate(self, line: int, row: dict) -> tuple[SupplierRow | None, list[RowError]]:
        errors: list[RowError] = []

        def error(column, message):
            errors.append(RowError(line, column, str(message)))

        get = lambda name: (row.get(name) or "").strip()  # noqa: E731
        values = {}

        neq = normalize_neq(get("neq"))
        try:
            validate_neq(neq)
        except ValidationError as exc:
            error("neq", exc.messages[0])
        values["neq"] = neq

        for name in TEXT_FIELDS:
            value = get(name)
            limit = self.max_lengths[name]
            if limit and len(value) > limit:
                error(
                    name,
                    _("%(count)s caractères, au plus %(limit)s permis.")
                    % {"count": len(value), "limit": limit},
                )
            values[name] = value
        for name in ("name", "description_fr"):
            if not values[name]:
                error(name, _("obligatoire."))

        legal_form = get("legal_form")
        coop_type = get("coop_type")
        if legal_form not in LegalForm.values:
            error(
                "legal_form",
                _("« %(value)s » n'est pas permis ; valeurs : %(allowed)s.")
                % {"value": legal_form, "allowed": ", ".join(LegalForm.values)},
            )
        elif legal_form == LegalForm.COOPERATIVE and coop_type not in CoopType.values:
            error(
                "coop_type",
                _("obligatoire pour une coopérative ; valeurs : %(allowed)s.")
                % {"allowed": ", ".join(CoopType.values)},
            )
        elif legal_form == LegalForm.NON_PROFIT and coop_type:
            error("coop_type", _("doit être vide pour un OBNL (non_profit)."))
        values["legal_form"] = legal_form
        values["coop_type"] = coop_type if legal_form == LegalForm.COOPERATIVE else ""

        accreditations = split_multi(get("accreditations"))
        bad = [value for value in accreditations if value not in Accreditation.values]
        if bad:
            error(
                "accreditations",
                _("valeurs inconnues : %(bad)s ; valeurs : %(allowed)s.")
                % {"bad": ", ".join(bad), "allowed": ", ".join(Accreditation.values)},
            )
        values["accreditations"] = sorted(set(accreditations))

        website = get("website")
        if website:
            try:
                self.url_validator(website)
            except ValidationError:
                error(
                    "website",
                    _("adresse web invalide (« %(value)s ») : commencez par https://.") % {"value": website},
                )
        values["website"] = website
        email = get("email")
        if email:
            try:
                self.email_validator(email)
            except ValidationError:
                error("email", _("adresse courriel invalide (« %(value)s »).") % {"value": email})
        values["email"] = email

        postal_code = normalize_postal_code(get("postal_code"))
        try:
            validate_postal_code(postal_code)
        except ValidationError as exc:
            error("postal_code", exc.messages[0])
        values["postal_code"] = postal_code

        head_office = (
            get("head_office_region").zfill(2)
            if get("head_office_region").isdigit()
            else get("head_office_region")
        )
        if head_office not in self.region_codes:
            error(
                "head_office_region",
                _("code de région inconnu (« %(value)s ») ; codes : 01 à 17.") % {"value": head_office},
            )
        values["head_office_region_id"] = head_office

        served_raw = split_multi(get("regions_served"))
        regions = []
        if served_raw == [ALL_QUEBEC]:
            values["serves_all_quebec"] = True
        else:
            values["serves_all_quebec"] = False
            regions = sorted({code.zfill(2) if code.isdigit() else code for code in served_raw})
            unknown = [code for code in regions if code not in self.region_codes]
            if not served_raw:
                error(
                    "regions_served",
                    _("au moins une région (codes séparés par « ; ») ou « * » pour tout le Québec."),
                )
            elif ALL_QUEBEC in served_raw:
                error("regions_served", _("« * » (tout le Québec) ne se combine pas avec d'autres régions."))
            elif unknown:
                error(
                    "regions_served",
                    _("codes de région inconnus : %(bad)s ; codes : 01 à 17.") % {"bad": ", ".join(unknown)},
                )

        categories = sorted(set(split_multi(get("categories"))))
        unknown = [code for code in categories if code not in self.category_codes]
        if unknown:
            error(
                "categories",
                _("codes de catégorie inconnus : %(bad)s (voir fixtures/categories.csv).")
                % {"bad": ", ".join(unknown)},
            )

        status = get("status") or Status.DRAFT
        if status not in Status.values:
            error(
                "status",
                _("« %(value)s » n'est pas permis ; valeurs : %(allowed)s.")
                % {"value": status, "allowed": ", ".join(Status.values)},
            )
        values["status"] = status

        if errors:
            return None, errors
        return SupplierRow(line=line, values=values, regions=regions, categories=categories), []


def supplier_to_row(supplier, region_codes=None, category_codes=None) -> dict:
    """The export row of a supplier: the same columns the import reads, so an export re-imports unchanged."""
    if region_codes is None:
        region_codes = [region.code for region in supplier.regions_served.all()]
    if category_codes is None:
        category_codes = [category.code for category in supplier.categories.all()]
    return {
        "neq": supplier.neq,
        "name": supplier.name,
        "legal_form": supplier.legal_form,
        "coop_type": supplier.coop_type,
        "accreditations": SEPARATOR.join(sorted(supplier.accreditations)),
        "description_fr": supplier.description_fr,
        "description_en": supplier.description_en,
        "website": supplier.website,
        "email": supplier.email,
        "phone": supplier.phone,
        "address": supplier.address,
        "city": supplier.city,
        "postal_code": supplier.postal_code,
        "head_office_region": supplier.head_office_region_id,
        "regions_served": ALL_QUEBEC if supplier.serves_all_quebec else SEPARATOR.join(sorted(region_codes)),
        "categories": SEPARATOR.join(sorted(category_codes)),
        "status": supplier.status,
    }

"""The supplier file format: reading CSV and XLSX files and validating each row.

Used by ``suppliers.services.supplier_import``, the one writer behind ``manage.py import_suppliers`` and the
admin import, so a row is valid or invalid in the same way everywhere.
"""

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from directory.spreadsheets import FORMULA_PREFIXES

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
    "status_reason",
    "version",
]
REQUIRED_COLUMNS = ["neq", "name", "legal_form", "description_fr", "head_office_region", "regions_served"]
SEPARATOR = ";"
ALL_QUEBEC = "*"
# Text fields copied as they are (after trimming), each bounded by its model field's maximum length.
TEXT_FIELDS = [
    "name", "description_fr", "description_en", "website", "email", "phone", "address", "city", "status_reason",
]  # fmt: skip
# Statuses that need a reason (the ``status_reason`` column), as ``Supplier.suspend`` and ``archive`` do.
STATUSES_WITH_REASON = {Status.SUSPENDED, Status.ARCHIVED}


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
    version: datetime | None = None  # the supplier's ``updated_at`` when the file was exported


class FileFormatError(Exception):
    """The file cannot be read as a supplier file at all (wrong header, wrong encoding, unknown format)."""


class FileTooLarge(FileFormatError):
    """The file is beyond the bounds of where it is imported (the admin's): the command takes it."""


@dataclass(frozen=True)
class FileLimits:
    """Bounds of a file: its size (checked on upload), its size once unzipped (an XLSX is a zip: a small file can
    expand to gigabytes; checked before the workbook is opened) and its number of rows (checked as they stream).
    ``None``: no bound. Cells are bounded by the fields' maximum lengths (a CSV cell past ``CSV_CELL_MAX_CHARACTERS`` is
    refused by the reader)."""

    max_bytes: int | None = None
    max_unzipped_bytes: int | None = None
    max_rows: int | None = None


# What the admin reads within a request; larger files go to ``manage.py import_suppliers``.
ADMIN_LIMITS = FileLimits(max_bytes=10 * 1024 * 1024, max_unzipped_bytes=40 * 1024 * 1024, max_rows=5000)
# Python's csv default: far above every field's maximum length, so a long cell is a line error, not a crash.
CSV_CELL_MAX_CHARACTERS = csv.field_size_limit()


def split_multi(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(SEPARATOR) if item.strip()]


def check_header(header: list[str]) -> None:
    header = [(name or "").strip() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("colonnes obligatoires absentes : %(cols)s") % {"cols": ", ".join(missing)})
    if unknown:
        problems.append(
            _("colonnes inconnues : %(cols)s (colonnes permises : %(allowed)s)")
            % {"cols": ", ".join(unknown), "allowed": ", ".join(COLUMNS)}
        )
    if repeated:
        problems.append(_("colonnes répétées : %(cols)s") % {"cols": ", ".join(repeated)})
    if problems:
        raise FileFormatError(_("Ligne 1 (en-tête) : ") + " ; ".join(problems))


def _too_many_rows(limits: FileLimits, line: int) -> FileTooLarge:
    return FileTooLarge(
        _(
            "Le fichier compte plus de %(max)s lignes (ligne %(line)s) : importez-le avec la commande "
            "« manage.py import_suppliers »."
        )
        % {"max": limits.max_rows, "line": line}
    )


def iter_csv(handle, limits: FileLimits = FileLimits()) -> Iterator[tuple[int, dict]]:
    reader = csv.reader(handle)
    read = 0  # physical lines read up to the end of the last record
    try:
        header = [name.strip() for name in next(reader, [])]
        check_header(header)
        read = reader.line_num
        for values in reader:
            start, read = read + 1, reader.line_num
            if limits.max_rows is not None and start - 1 > limits.max_rows:
                raise _too_many_rows(limits, start)
            if not any(values):
                continue
            yield start, {name: value.strip() for name, value in zip(header, values, strict=False) if name}
    except csv.Error as error:
        # A cell beyond the reader's limit, an unclosed quote…: the reader cannot go on past this line.
        raise FileFormatError(
            _("Ligne %(line)s : fichier CSV illisible à partir de cette ligne (%(error)s).")
            % {"line": read + 1, "error": error}
        ) from error


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _open_workbook(handle, limits: FileLimits):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(handle) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
        handle.seek(0)
        if limits.max_unzipped_bytes is not None and unzipped > limits.max_unzipped_bytes:
            raise FileTooLarge(
                _(
                    "Une fois décompressé, ce classeur occupe %(size)s Mo (au plus %(max)s Mo ici) : importez-le "
                    "avec la commande « manage.py import_suppliers »."
                )
                % {"size": unzipped // 2**20, "max": limits.max_unzipped_bytes // 2**20}
            )
        return load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise FileFormatError(
            _("Ligne 1 : ce fichier .xlsx n'est pas un classeur Excel lisible (%(error)s).")
            % {"error": error}
        ) from error


def iter_xlsx(handle, limits: FileLimits = FileLimits()) -> Iterator[tuple[int, dict]]:
    workbook = _open_workbook(handle, limits)
    try:
        rows = workbook.active.iter_rows(values_only=True)
        header = [_cell(value) for value in next(rows, [])]
        check_header(header)
        for line, values in enumerate(rows, start=2):
            if limits.max_rows is not None and line - 1 > limits.max_rows:
                raise _too_many_rows(limits, line)
            if values is None or all(value in (None, "") for value in values):
                continue
            yield line, {name: _cell(value) for name, value in zip(header, values, strict=False) if name}
    finally:
        workbook.close()


def iter_file(path: str | Path, limits: FileLimits = FileLimits()) -> Iterator[tuple[int, dict]]:
    """Yield (line number, row) from a CSV (UTF-8) or XLSX file, streaming, within ``limits``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        with open(path, "rb") as handle:
            yield from iter_xlsx(handle, limits)
    elif suffix in {".csv", ".txt"}:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            try:
                yield from iter_csv(handle, limits)
            except UnicodeDecodeError as error:
                raise FileFormatError(_("Le fichier doit être encodé en UTF-8.")) from error
    else:
        raise FileFormatError(_("Format de fichier non reconnu : utilisez .csv (UTF-8) ou .xlsx."))


def cell_text(value) -> str:
    """A cell as the import reads it: trimmed, without the apostrophe an export puts before a text a spreadsheet
    would run as a formula (``directory.spreadsheets.neutralise``), so an export re-imports unchanged."""
    value = (value or "").strip()
    if value[:1] == "'" and value[1:2] and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value


class _Row:
    """The row being validated: its cells, the values found so far and the errors."""

    def __init__(self, line: int, cells: dict):
        self.line, self.cells = line, cells
        self.values: dict = {}
        self.regions: list[str] = []
        self.categories: list[str] = []
        self.version = None
        self.errors: list[RowError] = []

    def get(self, name: str) -> str:
        return cell_text(self.cells.get(name))

    def error(self, column: str, message) -> None:
        self.errors.append(RowError(self.line, column, str(message)))


class RowValidator:
    """Validates rows against the reference data, loaded once per import. Needs no database once built (the
    import validates in a thread of its own); rules that need the stored supplier (its status, its version) are
    checked when the row is written (``suppliers.services``)."""

    url_validator = URLValidator(schemes=["http", "https"])
    email_validator = EmailValidator()

    def __init__(self):
        from .models import Category, Region

        self.region_codes = set(Region.objects.values_list("code", flat=True))
        self.category_codes = set(Category.objects.values_list("code", flat=True))
        self.max_lengths = {name: Supplier._meta.get_field(name).max_length for name in TEXT_FIELDS}
        self.checks = [
            self._no_nul_character,
            self._neq,
            self._texts,
            self._legal_form,
            self._accreditations,
            self._website_and_email,
            self._postal_code,
            self._head_office,
            self._regions_served,
            self._categories,
            self._status,
            self._version,
        ]

    def validate(self, line: int, cells: dict) -> tuple[SupplierRow | None, list[RowError]]:
        row = _Row(line, cells)
        for check in self.checks:
            check(row)
        if row.errors:
            return None, row.errors
        return (
            SupplierRow(
                line=line,
                values=row.values,
                regions=row.regions,
                categories=row.categories,
                version=row.version,
            ),
            [],
        )

    @staticmethod
    def _no_nul_character(row: _Row) -> None:
        for column, value in row.cells.items():
            if value and "\x00" in value:
                row.error(column, _("contient un caractère nul (0x00), qu'aucun texte ne peut contenir."))
                row.cells[column] = value.replace("\x00", "")

    @staticmethod
    def _neq(row: _Row) -> None:
        neq = normalize_neq(row.get("neq"))
        try:
            validate_neq(neq)
        except ValidationError as exc:
            row.error("neq", exc.messages[0])
        row.values["neq"] = neq

    def _texts(self, row: _Row) -> None:
        for name in TEXT_FIELDS:
            value = row.get(name)
            limit = self.max_lengths[name]
            if limit and len(value) > limit:
                row.error(
                    name,
                    _("%(count)s caractères, au plus %(limit)s permis.")
                    % {"count": len(value), "limit": limit},
                )
            row.values[name] = value
        for name in ("name", "description_fr"):
            if not row.values[name]:
                row.error(name, _("obligatoire."))

    @staticmethod
    def _legal_form(row: _Row) -> None:
        legal_form, coop_type = row.get("legal_form"), row.get("coop_type")
        if legal_form not in LegalForm.values:
            row.error(
                "legal_form",
                _("« %(value)s » n'est pas permis ; valeurs : %(allowed)s.")
                % {"value": legal_form, "allowed": ", ".join(LegalForm.values)},
            )
        elif legal_form == LegalForm.COOPERATIVE and coop_type not in CoopType.values:
            row.error(
                "coop_type",
                _("obligatoire pour une coopérative ; valeurs : %(allowed)s.")
                % {"allowed": ", ".join(CoopType.values)},
            )
        elif legal_form == LegalForm.NON_PROFIT and coop_type:
            row.error("coop_type", _("doit être vide pour un OBNL (non_profit)."))
        row.values["legal_form"] = legal_form
        row.values["coop_type"] = coop_type if legal_form == LegalForm.COOPERATIVE else ""

    @staticmethod
    def _accreditations(row: _Row) -> None:
        accreditations = split_multi(row.get("accreditations"))
        bad = [value for value in accreditations if value not in Accreditation.values]
        if bad:
            row.error(
                "accreditations",
                _("valeurs inconnues : %(bad)s ; valeurs : %(allowed)s.")
                % {"bad": ", ".join(bad), "allowed": ", ".join(Accreditation.values)},
            )
        row.values["accreditations"] = sorted(set(accreditations))

    def _website_and_email(self, row: _Row) -> None:
        website, email = row.values["website"], row.values["email"]
        if website:
            try:
                self.url_validator(website)
            except ValidationError:
                row.error(
                    "website",
                    _("adresse web invalide (« %(value)s ») : commencez par https://.") % {"value": website},
                )
        if email:
            try:
                self.email_validator(email)
            except ValidationError:
                row.error("email", _("adresse courriel invalide (« %(value)s »).") % {"value": email})

    @staticmethod
    def _postal_code(row: _Row) -> None:
        postal_code = normalize_postal_code(row.get("postal_code"))
        try:
            validate_postal_code(postal_code)
        except ValidationError as exc:
            row.error("postal_code", exc.messages[0])
        row.values["postal_code"] = postal_code

    @staticmethod
    def _region_code(value: str) -> str:
        return value.zfill(2) if value.isdigit() else value

    def _head_office(self, row: _Row) -> None:
        head_office = self._region_code(row.get("head_office_region"))
        if head_office not in self.region_codes:
            row.error(
                "head_office_region",
                _("code de région inconnu (« %(value)s ») ; codes : 01 à 17.") % {"value": head_office},
            )
        row.values["head_office_region_id"] = head_office

    def _regions_served(self, row: _Row) -> None:
        served = split_multi(row.get("regions_served"))
        row.values["serves_all_quebec"] = served == [ALL_QUEBEC]
        if served == [ALL_QUEBEC]:
            return
        row.regions = sorted({self._region_code(code) for code in served})
        unknown = [code for code in row.regions if code not in self.region_codes]
        if not served:
            row.error(
                "regions_served",
                _("au moins une région (codes séparés par « ; ») ou « * » pour tout le Québec."),
            )
        elif ALL_QUEBEC in served:
            row.error("regions_served", _("« * » (tout le Québec) ne se combine pas avec d'autres régions."))
        elif unknown:
            row.error(
                "regions_served",
                _("codes de région inconnus : %(bad)s ; codes : 01 à 17.") % {"bad": ", ".join(unknown)},
            )

    def _categories(self, row: _Row) -> None:
        row.categories = sorted(set(split_multi(row.get("categories"))))
        unknown = [code for code in row.categories if code not in self.category_codes]
        if unknown:
            row.error(
                "categories",
                _("codes de catégorie inconnus : %(bad)s (voir fixtures/categories.csv).")
                % {"bad": ", ".join(unknown)},
            )

    @staticmethod
    def _status(row: _Row) -> None:
        status = row.get("status") or Status.DRAFT
        if status not in Status.values:
            row.error(
                "status",
                _("« %(value)s » n'est pas permis ; valeurs : %(allowed)s.")
                % {"value": status, "allowed": ", ".join(Status.values)},
            )
        row.values["status"] = status

    @staticmethod
    def _version(row: _Row) -> None:
        version = row.get("version")
        if not version:
            return
        try:
            row.version = datetime.fromisoformat(version)
        except ValueError:
            row.version = None
        if row.version is None or row.version.tzinfo is None:
            row.error(
                "version",
                _("« %(value)s » n'est pas une version exportée par le répertoire ; laissez la colonne vide.")
                % {"value": version},
            )


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
        "status_reason": supplier.status_reason,
        "version": supplier.updated_at.isoformat() if supplier.updated_at else "",
    }

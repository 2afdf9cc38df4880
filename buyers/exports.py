"""The columns of supplier exports (search results, shortlists) and of a record's export. Files are written by
``directory.spreadsheets``, the one writer of the project (formula injection neutralised there)."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory.spreadsheets import csv_response, dated_filename, xlsx_response
from suppliers.models import Accreditation, Category, CoopType, EmployeesBand, LegalForm, Region, Status

from .models import Decision, ExportFormat, Nature, ProcurementMode

# At most this many rows per export: past it, the buyer is asked to narrow the search.
EXPORT_MAX_ROWS = 5000
EXPORT_STEM = "fournisseurs"


class Labels:
    """Codes to labels in the active language, read once per export (two small queries)."""

    def __init__(self):
        self.regions = dict(Region.objects.values_list("code", "name"))
        self.categories = {
            category.code: (
                f"{category.name} (UNSPSC {category.unspsc_segment})"
                if category.unspsc_segment
                else category.name
            )
            for category in Category.objects.order_by("position", "code")
        }
        self.legal_forms = {value: str(label) for value, label in LegalForm.choices}
        self.coop_types = {value: str(label) for value, label in CoopType.choices}
        self.accreditations = {value: str(label) for value, label in Accreditation.choices}
        self.employees = {value: str(label) for value, label in EmployeesBand.choices}
        self.statuses = {value: str(label) for value, label in Status.choices}
        self.decisions = {value: str(label) for value, label in Decision.choices}
        self.all_quebec = _("Tout le Québec")

    def regions_served(self, *, all_quebec: bool, codes) -> str:
        if all_quebec:
            return self.all_quebec
        return "; ".join(self.regions.get(code, code) for code in codes)

    def category_list(self, codes) -> str:
        return "; ".join(self.categories.get(code, code) for code in codes)

    def accreditation_list(self, codes) -> str:
        return "; ".join(self.accreditations.get(code, code) for code in codes)


def region_codes_of(supplier) -> list[str]:
    """Works on ``SupplierRow``s and suppliers with ``buyers.rows.with_codes``, else reads them (a query)."""
    codes = getattr(supplier, "region_codes", None)
    return sorted(codes) if codes is not None else [region.code for region in supplier.regions_served.all()]


def category_codes_of(supplier) -> list[str]:
    codes = getattr(supplier, "category_codes", None)
    return list(codes) if codes is not None else [category.code for category in supplier.categories.all()]


def supplier_header() -> list[str]:
    return [
        _("NEQ"),
        _("Nom"),
        _("Forme juridique"),
        _("Type de coopérative"),
        _("Accréditations vérifiées"),
        _("Région du siège social"),
        _("Régions desservies"),
        _("Catégories (segment UNSPSC)"),
        _("Nombre d'employés"),
        _("Courriel public"),
        _("Téléphone"),
        _("Site web"),
        _("Page du répertoire"),
        _("Dernière vérification"),
    ]


def supplier_cells(supplier, *, labels: Labels, site: str) -> list:
    verified = supplier.last_verified_at
    return [
        supplier.neq,
        supplier.name,
        labels.legal_forms.get(supplier.legal_form, supplier.legal_form),
        labels.coop_types.get(supplier.coop_type, ""),
        labels.accreditation_list(supplier.accreditations),
        labels.regions.get(supplier.head_office_region_id, supplier.head_office_region_id),
        labels.regions_served(all_quebec=supplier.serves_all_quebec, codes=region_codes_of(supplier)),
        labels.category_list(category_codes_of(supplier)),
        labels.employees.get(supplier.employees_band, ""),
        supplier.email,
        supplier.phone,
        supplier.website,
        site + supplier.get_absolute_url(),
        timezone.localdate(verified).isoformat() if verified else "",
    ]


def shortlist_header() -> list[str]:
    return [
        *supplier_header(),
        _("Statut dans le répertoire"),
        _("Décision"),
        _("Date de la décision"),
        _("Note privée"),
    ]


def shortlist_cells(entry, *, labels: Labels, site: str) -> list:
    supplier = entry.supplier
    return [
        *supplier_cells(supplier, labels=labels, site=site),
        labels.statuses.get(supplier.status, supplier.status),
        labels.decisions.get(entry.decision, entry.decision),
        entry.decided_on.isoformat(),
        entry.note,
    ]


def spreadsheet_response(*, fmt: str, header: list[str], rows: Iterable, title: str, stem: str = EXPORT_STEM):
    filename = dated_filename(stem, fmt)
    if fmt == ExportFormat.XLSX:
        return xlsx_response(filename=filename, header=header, rows=rows, title=title)
    return csv_response(filename=filename, header=header, rows=rows)


def record_rows(record, *, labels: Labels) -> list[list]:
    """A record as a CSV: its facts as label/value pairs, then its results as a table."""
    indicative = record.indicative or {}
    facts = [
        [_("Référence"), record.reference],
        [_("Organisme"), record.organisation_name],
        [_("Auteur"), record.author_name],
        [_("Créé le (heure du Québec)"), date_format(timezone.localtime(record.created_at), "Y-m-d H:i")],
        [_("Besoin"), record.need],
        [_("Montant estimé ($)"), record.estimated_amount],
        [_("Nature du contrat"), Nature(record.nature).label],
        [_("Mode envisagé"), ProcurementMode(record.mode_considered).label],
        [_("Mode indicatif"), ProcurementMode(indicative["mode"]).label if indicative else _("Aucune règle")],
        [_("Source du mode indicatif"), indicative.get("source_url", "")],
        [_("Nombre de résultats"), record.results_count],
        [_("Justification"), record.justification],
        [_("Empreinte SHA-256"), record.checksum],
    ]
    for addendum in record.addenda.all():
        facts.append(
            [
                _("Addenda du %(date)s")
                % {"date": date_format(timezone.localtime(addendum.created_at), "Y-m-d H:i")},
                "; ".join(
                    part
                    for part in [
                        addendum.retained_name and _("retenu : %(name)s") % {"name": addendum.retained_name},
                        addendum.amount is not None
                        and _("montant : %(amount)s $") % {"amount": addendum.amount},
                        addendum.seao_number and _("SEAO : %(number)s") % {"number": addendum.seao_number},
                        addendum.note,
                    ]
                    if part
                ),
            ]
        )
    table_header = [
        _("Rang"),
        _("NEQ"),
        _("Nom"),
        _("Forme juridique"),
        _("Accréditations vérifiées"),
        _("Régions desservies"),
        _("Catégories (segment UNSPSC)"),
        _("Statut"),
        _("Dernière vérification"),
        _("Invité (24 mois)"),
        _("Retenu (24 mois)"),
        _("Sollicité"),
        *record.extra_columns,
    ]
    table = [
        [
            row["rank"],
            row["neq"],
            row["name"],
            labels.legal_forms.get(row["legal_form"], row["legal_form"]),
            labels.accreditation_list(row["accreditations"]),
            labels.regions_served(all_quebec=row["all_quebec"], codes=row["regions"]),
            labels.category_list(row["categories"]),
            labels.statuses.get(row["status"], row["status"]),
            row["verified_on"] or "",
            row["invited_24_months"],
            row["retained_24_months"],
            _("oui") if row["selected"] else _("non"),
            *[row.get("extra", {}).get(column, "") for column in record.extra_columns],
        ]
        for row in record.snapshot
    ]
    return [*facts, [], table_header, *table]

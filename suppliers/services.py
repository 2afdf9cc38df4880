"""Work on the catalogue that spans several models: importing suppliers in bulk, loading the demo catalogue."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing import RowError, RowValidator, SupplierRow
from .models import Category, Offering, Status, Supplier
from .validators import normalize_neq

RegionLink = Supplier.regions_served.through
CategoryLink = Supplier.categories.through


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return _("%(count)s erreur(s) dans %(rows)s ligne(s) : rien n'a été importé.") % {
                "count": len(self.errors),
                "rows": len({error.line for error in self.errors}),
            }
        text = _(
            "%(total)s ligne(s) : %(created)s créée(s), %(updated)s modifiée(s), %(unchanged)s inchangée(s)."
        ) % {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            text += " " + _("Simulation : rien n'a été enregistré.")
        return text


class _DryRunRollback(Exception):
    pass


def _batches(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def supplier_import(
    *,
    open_rows: Callable[[], Iterator[tuple[int, dict]]],
    user=None,
    dry_run: bool = False,
    reason: str = "",
    batch_size: int = 1000,
) -> ImportReport:
    """Import suppliers all-or-nothing, matching rows to existing suppliers by NEQ.

    ``open_rows`` is called twice (validate everything, then write), so memory does not grow with the file.
    Unchanged rows are not written, which makes re-importing the same file a no-op. A dry run does the whole
    import inside a transaction and rolls it back, so its counts are exact.
    """
    report = ImportReport(dry_run=dry_run)
    validator = RowValidator()
    first_line_of_neq: dict[str, int] = {}
    for line, row in open_rows():
        report.total += 1
        _parsed, errors = validator.validate(line, row)
        report.errors.extend(errors)
        neq = normalize_neq(row.get("neq", ""))
        if neq in first_line_of_neq:
            report.errors.append(
                RowError(
                    line,
                    "neq",
                    _("NEQ %(neq)s déjà présent à la ligne %(first)s du fichier.")
                    % {"neq": neq, "first": first_line_of_neq[neq]},
                )
            )
        elif neq:
            first_line_of_neq[neq] = line
    del first_line_of_neq
    if report.errors:
        return report

    reason = reason or _("Import de fichier")
    try:
        with transaction.atomic():
            for batch in _batches(_valid_rows(open_rows, validator), batch_size):
                _import_batch(batch, report, user=user, reason=reason)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    if not dry_run:
        from .search import refresh_search_lexicon

        refresh_search_lexicon()
    return report


def _valid_rows(open_rows, validator) -> Iterator[SupplierRow]:
    for line, row in open_rows():
        parsed, _errors = validator.validate(line, row)
        yield parsed


def _import_batch(batch: list[SupplierRow], report: ImportReport, *, user, reason: str) -> None:
    field_names = list(batch[0].values)
    existing = {
        supplier.neq: supplier
        for supplier in Supplier.objects.filter(neq__in=[row.values["neq"] for row in batch]).only(
            "pk", "status_changed_at", *field_names
        )
    }
    existing_ids = [supplier.pk for supplier in existing.values()]
    current_regions = defaultdict(set)
    for supplier_id, region_id in RegionLink.objects.filter(supplier_id__in=existing_ids).values_list(
        "supplier_id", "region_id"
    ):
        current_regions[supplier_id].add(region_id)
    current_categories = defaultdict(set)
    for supplier_id, category_id in CategoryLink.objects.filter(supplier_id__in=existing_ids).values_list(
        "supplier_id", "category_id"
    ):
        current_categories[supplier_id].add(category_id)

    now = timezone.now()
    created, updated, relinked = [], [], []
    links = {}  # supplier neq -> (regions, categories)
    for row in batch:
        supplier = existing.get(row.values["neq"])
        links[row.values["neq"]] = (row.regions, row.categories)
        if supplier is None:
            supplier = Supplier(**row.values, status_changed_at=now)
            created.append(supplier)
            continue
        changed = [name for name, value in row.values.items() if getattr(supplier, name) != value]
        links_changed = (
            set(row.regions) != current_regions[supplier.pk]
            or set(row.categories) != current_categories[supplier.pk]
        )
        if not changed and not links_changed:
            report.unchanged += 1
            continue
        if "status" in changed:
            supplier.status_changed_at = now
        for name in changed:
            setattr(supplier, name, row.values[name])
        supplier.updated_at = now
        updated.append(supplier)
        if links_changed:
            relinked.append(supplier)

    Supplier.objects.bulk_create(created)
    if updated:
        Supplier.objects.bulk_update(updated, [*field_names, "status_changed_at", "updated_at"])
    report.created += len(created)
    report.updated += len(updated)

    relinked_ids = [supplier.pk for supplier in relinked]
    RegionLink.objects.filter(supplier_id__in=relinked_ids).delete()
    CategoryLink.objects.filter(supplier_id__in=relinked_ids).delete()
    new_links = [*created, *relinked]
    RegionLink.objects.bulk_create(
        RegionLink(supplier_id=supplier.pk, region_id=code)
        for supplier in new_links
        for code in links[supplier.neq][0]
    )
    CategoryLink.objects.bulk_create(
        CategoryLink(supplier_id=supplier.pk, category_id=code)
        for supplier in new_links
        for code in links[supplier.neq][1]
    )
    touched = [*created, *updated]
    if touched:
        Supplier.objects.filter(pk__in=[supplier.pk for supplier in touched]).refresh_search_text()
        _record_history(created, updated, user=user, reason=reason, date=now)


def _record_history(created, updated, *, user, reason, date) -> None:
    """History records for a batch, with a snapshot of regions and categories as simple_history keeps them."""
    records = list(
        Supplier.history.bulk_history_create(
            created, default_user=user, default_change_reason=reason, default_date=date
        )
        or []
    ) + list(
        Supplier.history.bulk_history_create(
            updated, update=True, default_user=user, default_change_reason=reason, default_date=date
        )
        or []
    )
    history_by_supplier = {record.id: record.history_id for record in records}
    supplier_ids = list(history_by_supplier)
    for link_model, history_model_name, target in (
        (RegionLink, "HistoricalSupplier_regions_served", "region_id"),
        (CategoryLink, "HistoricalSupplier_categories", "category_id"),
    ):
        history_model = apps.get_model("suppliers", history_model_name)
        history_model.objects.bulk_create(
            history_model(
                id=link_id,
                history_id=history_by_supplier[supplier_id],
                supplier_id=supplier_id,
                **{target: value},
            )
            for link_id, supplier_id, value in link_model.objects.filter(
                supplier_id__in=supplier_ids
            ).values_list("id", "supplier_id", target)
        )


@transaction.atomic
def demo_catalogue_load(*, count: int = 320, seed: int = 2026) -> ImportReport:
    """Load the deterministic demo catalogue (published suppliers with offerings); idempotent."""
    from . import demo_data

    rows = list(demo_data.generate_suppliers(count, seed=seed, status=Status.PUBLISHED))

    def open_rows():
        for line, row in enumerate(rows, start=2):
            yield line, {key: value for key, value in row.items() if key != "offerings"}

    report = supplier_import(open_rows=open_rows, reason=_("Catalogue de démonstration"))
    if not report.ok:
        return report
    suppliers = dict(Supplier.objects.filter(neq__in=[row["neq"] for row in rows]).values_list("neq", "pk"))
    with_offerings = set(
        Offering.objects.filter(supplier_id__in=suppliers.values()).values_list("supplier_id", flat=True)
    )
    categories = set(Category.objects.values_list("code", flat=True))
    Offering.objects.bulk_create(
        Offering(
            supplier_id=suppliers[row["neq"]],
            title=offering["title"],
            description=offering["description"],
            category_id=offering["category"],
            position=position,
        )
        for row in rows
        if suppliers[row["neq"]] not in with_offerings
        for position, offering in enumerate(row["offerings"])
        if offering["category"] in categories
    )
    Supplier.objects.filter(pk__in=suppliers.values()).refresh_search_text()
    from .search import refresh_search_lexicon

    refresh_search_lexicon()
    return report

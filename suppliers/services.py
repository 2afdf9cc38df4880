"""Work on the catalogue that spans several models: importing suppliers in bulk, loading the demo catalogue."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing import RowError, RowValidator, SupplierRow
from .models import Category, Offering, Status, Supplier, filter_masks_sql, search_text_sql
from .search import extend_search_lexicon, refresh_search_lexicon
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
            for number, batch in enumerate(_batches(_valid_rows(open_rows, validator), batch_size), start=1):
                _import_batch(batch, report, user=user, reason=reason)
                if number & (number - 1) == 0:
                    _refresh_statistics()
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def _refresh_statistics() -> None:
    """ANALYZE the tables an import grows, after batches 1, 2, 4, 8…: inside the import's transaction the planner
    would otherwise keep the statistics of the catalogue before the import and pick scans for a nearly empty table.
    """
    with connection.cursor() as cursor:
        for model in (Supplier, RegionLink, CategoryLink):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def _valid_rows(open_rows, validator) -> Iterator[SupplierRow]:
    for line, row in open_rows():
        parsed, _errors = validator.validate(line, row)
        yield parsed


# The values of one file row, as COPY writes them into the staging table (see _STAGING_SQL).
_STAGED_FIELDS = [
    "neq", "name", "legal_form", "coop_type", "accreditations", "description_fr", "description_en", "website",
    "email", "phone", "address", "city", "postal_code", "head_office_region_id", "serves_all_quebec", "status",
]  # fmt: skip
_STAGING_SQL = """
CREATE TEMPORARY TABLE import_rows (
    neq varchar(10) PRIMARY KEY, name text, legal_form text, coop_type text, accreditations varchar(20)[],
    description_fr text, description_en text, website text, email text, phone text, address text, city text,
    postal_code text, head_office_region_id varchar(2), serves_all_quebec boolean, status text,
    regions varchar(2)[], categories varchar(80)[],
    supplier_id bigint, is_new boolean NOT NULL DEFAULT false, changed boolean NOT NULL DEFAULT false
) ON COMMIT DROP
"""


def _import_batch(batch: list[SupplierRow], report: ImportReport, *, user, reason: str) -> None:
    """Write one batch with set-based SQL: COPY into a staging table, then insert, update and link in bulk.

    Only new and changed rows are written; each gets a history record (with its regions and categories), as a
    save through the ORM would leave.
    """
    now = timezone.now()
    supplier_table = Supplier._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.import_rows') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("TRUNCATE import_rows")
        else:
            cursor.execute(_STAGING_SQL)
        columns = ", ".join([*_STAGED_FIELDS, "regions", "categories"])
        with cursor.cursor.copy(f"COPY import_rows ({columns}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row([*(row.values[name] for name in _STAGED_FIELDS), row.regions, row.categories])
        # A temporary table has no statistics; without them the planner may scan the catalogue for each batch.
        cursor.execute("ANALYZE import_rows")

        differs = " OR ".join(f"s.{name} IS DISTINCT FROM r.{name}" for name in _STAGED_FIELDS)
        cursor.execute(
            f"""
            UPDATE import_rows r SET supplier_id = s.id, changed = ({differs}
                OR r.regions IS DISTINCT FROM coalesce((SELECT array_agg(l.region_id ORDER BY l.region_id)
                    FROM {RegionLink._meta.db_table} l WHERE l.supplier_id = s.id), '{{}}')
                OR r.categories IS DISTINCT FROM coalesce((SELECT array_agg(l.category_id ORDER BY l.category_id)
                    FROM {CategoryLink._meta.db_table} l WHERE l.supplier_id = s.id), '{{}}'))
            FROM {supplier_table} s WHERE s.neq = r.neq
            """
        )
        # Columns the file does not carry take their model default, as Supplier(...).save() would give them.
        defaults = {
            field.column: field.get_db_prep_save(field.get_default(), connection)
            for field in Supplier._meta.concrete_fields
            if field.column not in _STAGED_FIELDS and not field.primary_key and not field.generated
        }
        defaults.update(status_changed_at=now, created_at=now, updated_at=now)
        defaults.pop("search_text")  # computed in the INSERT itself, so each row's tsvector is built once
        inserted_masks = filter_masks_sql("import_rows.regions", "import_rows.categories")
        for column in inserted_masks:
            defaults.pop(column)
        fields = ", ".join(_STAGED_FIELDS)
        cursor.execute(
            f"""
            WITH created AS (
                INSERT INTO {supplier_table} ({fields}, {", ".join(defaults)}, search_text, {", ".join(inserted_masks)})
                SELECT {fields}, {", ".join(f"%({column})s" for column in defaults)},
                    {search_text_sql("import_rows.categories", "NULL")}, {", ".join(inserted_masks.values())}
                FROM import_rows WHERE supplier_id IS NULL
                RETURNING id, neq)
            UPDATE import_rows r SET supplier_id = created.id, is_new = true FROM created WHERE r.neq = created.neq
            """,
            defaults,
        )
        assignments = ", ".join(f"{name} = r.{name}" for name in _STAGED_FIELDS)
        updated_masks = ", ".join(
            f"{column} = {sql}" for column, sql in filter_masks_sql("r.regions", "r.categories").items()
        )
        cursor.execute(
            f"""
            UPDATE {supplier_table} s SET {assignments}, updated_at = %(now)s,
                search_text = {search_text_sql("r.categories", "s.id")}, {updated_masks},
                status_changed_at = CASE WHEN s.status <> r.status THEN %(now)s ELSE s.status_changed_at END
            FROM import_rows r WHERE r.supplier_id = s.id AND r.changed
            """,
            {"now": now},
        )
        for link, target, values in (
            (RegionLink, "region_id", "regions"),
            (CategoryLink, "category_id", "categories"),
        ):
            table = link._meta.db_table
            cursor.execute(
                f"DELETE FROM {table} l USING import_rows r WHERE l.supplier_id = r.supplier_id AND r.changed"
            )
            cursor.execute(
                f"INSERT INTO {table} (supplier_id, {target}) SELECT r.supplier_id, unnest(r.{values}) "
                "FROM import_rows r WHERE r.is_new OR r.changed"
            )
        cursor.execute(
            "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE changed) FROM import_rows"
        )
        created, updated = cursor.fetchone()
    report.created += created
    report.updated += updated
    report.unchanged += len(batch) - created - updated
    if created or updated:
        touched_sql = "SELECT supplier_id FROM import_rows WHERE is_new OR changed"
        _record_history(user=user, reason=reason, date=now)
        extend_search_lexicon(touched_sql)


def _record_history(*, user, reason, date) -> None:
    """History records for the staged rows that were written, with the snapshot of regions and categories that
    simple_history keeps beside each record."""
    history = Supplier.history.model
    tracked = ", ".join(field.column for field in history.tracked_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS import_history (history_id bigint, supplier_id bigint) "
            "ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE import_history")
        cursor.execute(
            f"""
            WITH recorded AS (
                INSERT INTO {history._meta.db_table} ({tracked}, history_date, history_change_reason, history_type,
                    history_user_id)
                SELECT {", ".join(f"s.{column}" for column in tracked.split(", "))}, %(date)s, %(reason)s,
                    CASE WHEN r.is_new THEN '+' ELSE '~' END, %(user)s
                FROM {Supplier._meta.db_table} s JOIN import_rows r ON r.supplier_id = s.id
                WHERE r.is_new OR r.changed
                RETURNING history_id, id)
            INSERT INTO import_history SELECT history_id, id FROM recorded
            """,
            {"date": date, "reason": reason, "user": getattr(user, "pk", None)},
        )
        for link, history_name, target in (
            (RegionLink, "HistoricalSupplier_regions_served", "region_id"),
            (CategoryLink, "HistoricalSupplier_categories", "category_id"),
        ):
            cursor.execute(
                f"""
                INSERT INTO {apps.get_model("suppliers", history_name)._meta.db_table}
                    (id, history_id, supplier_id, {target})
                SELECT l.id, h.history_id, l.supplier_id, l.{target}
                FROM import_history h JOIN {link._meta.db_table} l ON l.supplier_id = h.supplier_id
                """
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
    refresh_search_lexicon()
    return report

"""Work on the catalogue that spans several models: importing suppliers in bulk, loading the demo catalogue."""

import queue
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .importing import RowError, RowValidator, SupplierRow
from .models import Category, Offering, Status, Supplier
from .search import SEARCH_DOCUMENT_TABLE
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


def supplier_import(
    *,
    open_rows: Callable[[], Iterator[tuple[int, dict]]],
    user=None,
    dry_run: bool = False,
    reason: str = "",
    batch_size: int = 5000,
) -> ImportReport:
    """Import suppliers all-or-nothing, matching rows to existing suppliers by NEQ.

    One pass over the file: a reader thread validates the rows (pure Python) while this thread writes the valid
    ones ``batch_size`` at a time in the import's transaction (COPY into a staging table, then set-based SQL),
    so reading the next rows overlaps PostgreSQL's work on the last ones. From the first invalid row on nothing
    more is written and the transaction is rolled back at the end; the report lists every error of the file.
    Memory holds two batches and a bounded queue; only the duplicate-NEQ check keeps something per row (its NEQ
    and line). Unchanged rows are not written, which makes re-importing the same file a no-op. A dry run does the whole import and rolls it back, so its counts
    are exact.
    """
    report = ImportReport(dry_run=dry_run)
    reader = _RowReader(open_rows, RowValidator(), queue_size=2 * batch_size)
    reason = reason or _("Import de fichier")
    # The triggers leave search documents to the import, which writes each batch's once its rows and links are
    # written (the triggers would compute them at each statement). Outside any transaction (the command), the
    # documents of new rows are computed on a second connection while this one writes the previous batch; nested
    # in a caller's transaction (tests, the demo loader), a second connection would not see its data.
    documents = _DocumentsAhead() if not connection.in_atomic_block else None
    # Three threads share the interpreter: hand it over more often than the default, so a thread whose database
    # answer has arrived does not wait behind the reader (measured in bench/README.md).
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, 0.0005))
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('suppliers.import_documents', true), "
                    "set_config('suppliers.import_documents', 'on', true)"
                )
                import_documents = cursor.fetchone()[0] or ""
                # The NEQs met so far (see _repeated_neqs); emptied in case an earlier import of the same
                # transaction left it.
                cursor.execute(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS import_neqs (neq text PRIMARY KEY, line integer NOT NULL) "
                    "ON COMMIT DROP"
                )
                cursor.execute("TRUNCATE import_neqs")
            written = 0

            def submit(rows):  # its documents are computed while the previous batch is written
                return rows, documents.submit(rows) if documents else None

            def write(submitted):
                nonlocal written
                _import_batch(*submitted, report, user=user, reason=reason, analyze=_analyze_after(written))
                written += 1

            batch, pending = [], None

            def take(chunk):
                nonlocal batch, pending
                duplicates = _repeated_neqs(chunk)
                for line, _neq, parsed, errors in chunk:
                    report.total += 1
                    report.errors.extend(errors)
                    if line in duplicates:
                        report.errors.append(duplicates[line])
                    if report.errors:
                        batch, pending = [], None  # nothing will be written: only validate the rest
                        continue
                    batch.append(parsed)
                    if len(batch) == batch_size:
                        ahead = submit(batch)
                        if pending:
                            write(pending)
                        batch, pending = [], ahead

            chunk = []
            for item in reader:
                chunk.append(item)
                if len(chunk) == batch_size:
                    take(chunk)
                    chunk = []
            take(chunk)
            if not report.errors:
                if pending:
                    write(pending)
                if batch:
                    write(submit(batch))
            if report.errors or dry_run:
                raise _NothingToWrite
            # Transaction-local, but a savepoint's release keeps it: a caller's later writes compute documents.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('suppliers.import_documents', %s, true)", [import_documents]
                )
    except _NothingToWrite:
        pass
    finally:
        sys.setswitchinterval(switch_interval)
        if documents:
            documents.close()
    return report


def _analyze_after(written_batches: int) -> bool:
    """Refresh statistics after batches 1, 2, 4, 8…: inside the import's transaction the planner would otherwise
    keep the statistics of the catalogue before the import and pick scans for a nearly empty table."""
    return written_batches > 0 and written_batches & (written_batches - 1) == 0


class _DocumentsAhead:
    """Computes the search documents of a batch's published rows on a second connection, in a thread, while the
    import's connection writes the previous batch (computing them is a large part of a row's cost, on one core;
    see bench/README.md). The documents come back in COPY's binary format and go, unchanged, into the import's
    ``import_documents`` table. They are the database's own: ``suppliers_search_entry`` (migration 0011) of the
    row's values; a new supplier has no offerings yet."""

    SQL = """
        COPY (
            SELECT r.neq, e.title, e.document, e.words
            FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
                AS r(neq, name, description_fr, description_en, categories, city, postal_code)
            CROSS JOIN LATERAL suppliers_search_entry(
                r.name, r.description_fr, r.description_en,
                suppliers_search_category_text(string_to_array(r.categories, ';')) || ' ' || ' '
                    || suppliers_search_place_text(r.city, r.postal_code)) AS e
        ) TO STDOUT (FORMAT binary)
    """

    def __init__(self):
        import psycopg

        # The same server, database and options as Django's connection (TLS, service…), with psycopg's defaults
        # for cursors and adapters.
        params = connection.get_connection_params()
        for django_only in ("cursor_factory", "context", "prepare_threshold"):
            params.pop(django_only, None)
        self.connection = psycopg.connect(**params, autocommit=True)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-documents")

    def submit(self, batch: list[SupplierRow]):
        rows = [row for row in batch if Supplier(status=row.values["status"]).is_public]
        columns = [
            [row.values["neq"] for row in rows],
            [row.values["name"] for row in rows],
            [row.values["description_fr"] for row in rows],
            [row.values["description_en"] for row in rows],
            [";".join(row.categories) for row in rows],
            [row.values["city"] for row in rows],
            [row.values["postal_code"] for row in rows],
        ]
        return self.executor.submit(self._compute, columns)

    def _compute(self, columns) -> bytes:
        with self.connection.cursor() as cursor, cursor.copy(self.SQL, columns) as copy:
            return b"".join(bytes(chunk) for chunk in copy)

    def close(self):
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.connection.close()


class _RowReader:
    """Reads and validates the file's rows in a thread of its own, handing ``(line, neq, row, errors)`` over
    through a bounded queue (``row`` is None when invalid). Validation needs no database: the validator loads
    its reference data before the thread starts."""

    _END = object()

    def __init__(self, open_rows, validator, *, queue_size):
        self.open_rows, self.validator = open_rows, validator
        self.language = translation.get_language()
        self.queue = queue.Queue(maxsize=queue_size)
        self.stop = threading.Event()

    def __iter__(self):
        thread = threading.Thread(target=self._read, name="import-reader", daemon=True)
        thread.start()
        try:
            while (item := self.queue.get()) is not self._END:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.stop.set()
            while thread.is_alive():  # let a reader blocked on a full queue see the stop
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    thread.join(0.05)

    def _read(self):
        translation.activate(self.language)  # messages in the caller's language (it is per thread)
        try:
            for line, row in self.open_rows():
                if self.stop.is_set():
                    return
                parsed, errors = self.validator.validate(line, row)
                self.queue.put((line, normalize_neq(row.get("neq", "")), None if errors else parsed, errors))
            self.queue.put(self._END)
        except BaseException as error:  # a file that cannot be read: raised in the writing thread
            self.queue.put(error)


def _repeated_neqs(chunk) -> dict[int, RowError]:
    """The rows of this chunk whose NEQ an earlier row of the file already has, by line, with the error to report.

    The NEQs met so far are kept in a temporary table, not in memory, so that memory does not grow with the file.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH chunk AS (
                SELECT c.line, c.neq, min(c.line) OVER (PARTITION BY c.neq) AS first
                FROM unnest(%s::integer[], %s::text[]) AS c(line, neq) WHERE c.neq <> ''
            ), repeated AS (
                SELECT chunk.line, chunk.neq, coalesce(seen.line, chunk.first) AS first
                FROM chunk LEFT JOIN import_neqs seen ON seen.neq = chunk.neq
                WHERE seen.neq IS NOT NULL OR chunk.line <> chunk.first
            ), recorded AS (
                INSERT INTO import_neqs (neq, line) SELECT neq, first FROM chunk WHERE line = first
                ON CONFLICT (neq) DO NOTHING
            )
            SELECT line, neq, first FROM repeated
            """,
            [[line for line, *_rest in chunk], [neq for _line, neq, *_rest in chunk]],
        )
        return {
            line: RowError(
                line,
                "neq",
                _("NEQ %(neq)s déjà présent à la ligne %(first)s du fichier.") % {"neq": neq, "first": first},
            )
            for line, neq, first in cursor.fetchall()
        }


class _NothingToWrite(Exception):
    """Rolls the import back: a dry run, or a file with errors."""


def _refresh_statistics() -> None:
    """ANALYZE the tables an import grows (see ``_analyze_after``): only the columns its statements join or
    filter on (statistics of every text column of a large catalogue are slow to gather: bench/README.md)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Supplier._meta.db_table} (id, neq, status)")
        for link in (RegionLink, CategoryLink):
            cursor.execute(f"ANALYZE {link._meta.db_table} (supplier_id)")


# The values of one file row, as COPY writes them into the staging table (see _STAGING_SQL).
_STAGED_FIELDS = [
    "neq", "name", "legal_form", "coop_type", "accreditations", "description_fr", "description_en", "website",
    "email", "phone", "address", "city", "postal_code", "head_office_region_id", "serves_all_quebec", "status",
]  # fmt: skip
_ACCREDITATIONS_AT = _STAGED_FIELDS.index("accreditations")


def _array_literal(values: list[str]) -> str:
    """A PostgreSQL array literal of codes or words (letters, digits, ``.``, ``_``, ``-``: nothing to escape),
    each quoted so that a word like "null" stays a word. psycopg's generic list dumping was a third of the
    import's Python time."""
    return '{"' + '","'.join(values) + '"}' if values else "{}"


_STAGING_SQL = """
CREATE TEMPORARY TABLE import_rows (
    neq varchar(10) PRIMARY KEY, name text, legal_form text, coop_type text, accreditations varchar(20)[],
    description_fr text, description_en text, website text, email text, phone text, address text, city text,
    postal_code text, head_office_region_id varchar(2), serves_all_quebec boolean, status text,
    regions varchar(2)[], categories varchar(80)[],
    supplier_id bigint, is_new boolean NOT NULL DEFAULT false, changed boolean NOT NULL DEFAULT false
) ON COMMIT DROP
"""


def _import_batch(
    batch: list[SupplierRow], documents, report: ImportReport, *, user, reason: str, analyze: bool
) -> None:
    """Write one batch with set-based SQL: COPY into a staging table, then insert, update and link in bulk.

    Only new and changed rows are written; each gets a history record (with its regions and categories), as a
    save through the ORM would leave. ``documents`` is None (the insert trigger computes the search documents) or
    the future of ``_DocumentsAhead.submit(batch)``. ``analyze`` refreshes the planner's statistics of the
    growing tables first.
    """
    if analyze:
        _refresh_statistics()
    now = timezone.now()
    supplier_table = Supplier._meta.db_table
    batch_size = len(batch)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.import_rows') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("TRUNCATE import_rows")
        else:
            cursor.execute(_STAGING_SQL)
        columns = ", ".join([*_STAGED_FIELDS, "regions", "categories"])
        with cursor.cursor.copy(f"COPY import_rows ({columns}) FROM STDIN") as copy:
            for row in batch:
                values = [row.values[name] for name in _STAGED_FIELDS]
                values[_ACCREDITATIONS_AT] = _array_literal(values[_ACCREDITATIONS_AT])
                copy.write_row(
                    [
                        *values,
                        _array_literal(row.regions),
                        _array_literal(row.categories),
                    ]
                )
        # A temporary table has no statistics; without them the planner may scan the catalogue for each batch.
        cursor.execute("ANALYZE import_rows (neq)")

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
        fields = ", ".join(_STAGED_FIELDS)
        cursor.execute(
            f"""
            WITH created AS (
                INSERT INTO {supplier_table} ({fields}, {", ".join(defaults)})
                SELECT {fields}, {", ".join(f"%({column})s" for column in defaults)}
                FROM import_rows WHERE supplier_id IS NULL
                RETURNING id, neq)
            UPDATE import_rows r SET supplier_id = created.id, is_new = true FROM created WHERE r.neq = created.neq
            """,
            defaults,
        )
        assignments = ", ".join(f"{name} = r.{name}" for name in _STAGED_FIELDS)
        cursor.execute(
            f"""
            UPDATE {supplier_table} s SET {assignments}, updated_at = %(now)s,
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
        _write_documents(cursor, documents.result() if documents is not None else None)
        cursor.execute(
            "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE changed) FROM import_rows"
        )
        created, updated = cursor.fetchone()
    report.created += created
    report.updated += updated
    report.unchanged += batch_size - created - updated
    if created or updated:
        _record_history(user=user, reason=reason, date=now)


def _write_documents(cursor, supplied: bytes | None) -> None:
    """The search documents of the batch's written rows: those ``_DocumentsAhead`` computed for new published
    rows, and the database's ``suppliers_search_refresh`` for the others (changed rows, rows it did not return),
    which also removes the documents of rows no longer published."""
    if supplied is not None:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS import_documents "
            "(neq varchar(10), title tsvector, document tsvector, words text[]) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE import_documents")
        with cursor.cursor.copy("COPY import_documents FROM STDIN (FORMAT binary)") as copy:
            copy.write(supplied)
        cursor.execute(
            f"""
            INSERT INTO {SEARCH_DOCUMENT_TABLE} (supplier_id, title, document, words)
            SELECT r.supplier_id, d.title, d.document, d.words
            FROM import_rows r JOIN import_documents d ON d.neq = r.neq
            WHERE r.is_new AND suppliers_is_published(r.status)
            """
        )
    cursor.execute(
        f"""
        SELECT suppliers_search_refresh(ARRAY(
            SELECT r.supplier_id FROM import_rows r
            WHERE (r.is_new OR r.changed) AND NOT EXISTS (
                SELECT 1 FROM {SEARCH_DOCUMENT_TABLE} d WHERE d.supplier_id = r.supplier_id AND r.is_new)))
        """
    )


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
    _demo_verification_dates_stamp(
        {neq: pk for neq, pk in suppliers.items() if pk not in with_offerings}, seed=seed
    )
    return report


def _demo_verification_dates_stamp(new_suppliers: dict[str, int], *, seed: int) -> None:
    """Give the demo listings just loaded realistic dates of last verification (``demo_data``'s bands)."""
    from . import demo_data

    now = timezone.now()
    stamped = []
    for neq, pk in new_suppliers.items():
        days = demo_data.verification_age_days(neq, seed=seed)
        if days is not None:
            stamped.append(Supplier(pk=pk, last_verified_at=now - timedelta(days=days)))
    Supplier.objects.bulk_update(stamped, ["last_verified_at"], batch_size=500)

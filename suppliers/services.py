"""Work on the catalogue that spans several models: importing suppliers in bulk, loading the demo catalogue."""

import contextlib
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import import_batches
from .importing import RowError, RowValidator, SupplierRow
from .models import SERVICE_AREA_CHECKED_SETTING, Category, Offering, Status, Supplier
from .validators import normalize_neq

# The report lists the first problems of a file; past them it only counts (a file of 50,000 bad rows gives a
# report a person reads, in the memory of a few rows).
MAX_REPORTED_ERRORS = 100
# Rows the admin's preview lists (created or changed, in file order).
PREVIEW_ROWS = 200


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)  # the first MAX_REPORTED_ERRORS
    errors_not_listed: int = 0
    preview: list[tuple] = field(default_factory=list)  # (line, neq, name, created) of the first written rows

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed

    def add_errors(self, errors) -> None:
        for error in errors:
            if len(self.errors) < MAX_REPORTED_ERRORS:
                self.errors.append(error)
            else:
                self.errors_not_listed += 1

    def summary(self) -> str:
        if self.errors:
            text = ngettext(
                "%(count)s problème : rien n'a été importé.",
                "%(count)s problèmes : rien n'a été importé.",
                self.error_count,
            ) % {"count": self.error_count}
            if self.errors_not_listed:
                text += " " + ngettext(
                    "Les %(listed)s premiers sont listés ; %(more)s autre n'est pas listé.",
                    "Les %(listed)s premiers sont listés ; %(more)s autres ne sont pas listés.",
                    self.errors_not_listed,
                ) % {"listed": len(self.errors), "more": self.errors_not_listed}
            return text
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


def supplier_import(
    *,
    open_rows: Callable[[], Iterator[tuple[int, dict]]],
    user=None,
    dry_run: bool = False,
    reason: str = "",
    batch_size: int = 5000,
) -> ImportReport:
    """Import suppliers all-or-nothing, matching rows to existing suppliers by NEQ: the one writer of imports
    (``manage.py import_suppliers``, the admin's preview and confirmation, the demo catalogue).

    One pass over the file: a reader thread validates the rows (pure Python) while this thread writes the valid
    ones ``batch_size`` at a time in the import's transaction (``suppliers.import_batches``), so reading the next
    rows overlaps PostgreSQL's work on the last ones. From the first problem on nothing more is written, the rest
    of the file is still checked, and the transaction is rolled back at the end. Memory holds two batches and a
    bounded queue; only the duplicate-NEQ check keeps something per row (in a temporary table). Unchanged rows
    are not written, which makes re-importing the same file a no-op. A dry run does the whole import and rolls it
    back, so its counts are exact.
    """
    report = ImportReport(dry_run=dry_run)
    reader = _RowReader(open_rows, RowValidator(), queue_size=2 * batch_size)
    # The triggers leave search documents to the import, which writes each batch's once its rows and links are
    # written. Outside any transaction (the command), the documents of new rows are computed on a second
    # connection while this one writes the previous batch; nested in a caller's transaction (tests, the demo
    # loader), a second connection would not see its data.
    documents = _DocumentsAhead() if not connection.in_atomic_block else None
    writer = _ImportWriter(
        report, user=user, reason=reason or _("Import de fichier"), batch_size=batch_size, documents=documents
    )
    try:
        with _frequent_thread_switches(), transaction.atomic(), _import_session():
            for chunk in _chunks(reader, batch_size):
                writer.take(chunk)
            writer.finish()
            if report.errors or dry_run:
                raise _NothingToWrite
    except _NothingToWrite:
        pass
    finally:
        if documents:
            documents.close()
    return report


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    yield chunk


@contextlib.contextmanager
def _frequent_thread_switches():
    """Three threads share the interpreter: hand it over more often than the default, so a thread whose database
    answer has arrived does not wait behind the reader (measured in bench/README.md)."""
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, 0.0005))
    try:
        yield
    finally:
        sys.setswitchinterval(switch_interval)


@contextlib.contextmanager
def _import_session():
    """The import's transaction-local state: the triggers leave search documents to it, and the check that each
    supplier serves a region (its rows are checked before they are written: ``RowValidator``); the NEQs met so far
    (see ``_repeated_neqs``) are emptied in case an earlier import of the same transaction left them. On success
    the documents setting is given back (a savepoint's release keeps it: a caller's later writes compute
    documents)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('suppliers.import_documents', true), "
            "current_setting(%(checked)s, true), "
            "set_config('suppliers.import_documents', 'on', true), set_config(%(checked)s, 'on', true)",
            {"checked": SERVICE_AREA_CHECKED_SETTING},
        )
        previous, previous_checked = (value or "" for value in cursor.fetchone()[:2])
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS import_neqs (neq text PRIMARY KEY, line integer NOT NULL) "
            "ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE import_neqs")
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('suppliers.import_documents', %s, true), set_config(%s, %s, true)",
            [previous, SERVICE_AREA_CHECKED_SETTING, previous_checked],
        )


class _ImportWriter:
    """Takes the validated rows chunk by chunk and writes them in batches, one batch behind so that the next
    batch's search documents are computed meanwhile (``_DocumentsAhead``). Once the file has a problem, batches
    are only checked (staged and compared with the stored suppliers), never written."""

    def __init__(self, report: ImportReport, *, user, reason: str, batch_size: int, documents):
        self.report, self.user, self.reason = report, user, reason
        self.batch_size, self.documents = batch_size, documents
        self.batch: list[SupplierRow] = []
        self.pending = None  # the previous full batch and its documents, written when the next one is full
        self.written = 0

    def take(self, chunk) -> None:
        duplicates = _repeated_neqs(chunk)
        for line, _neq, parsed, errors in chunk:
            self.report.total += 1
            self.report.add_errors(errors)
            if line in duplicates:
                self.report.add_errors([duplicates[line]])
            if parsed is None or line in duplicates:
                continue
            self.batch.append(parsed)
            if len(self.batch) == self.batch_size:
                self._batch_full()

    def finish(self) -> None:
        if self.pending:
            self._write(*self.pending)
        if self.batch:
            self._write(*self._submit(self.batch))
        self.batch, self.pending = [], None

    def _batch_full(self) -> None:
        if self.report.errors:
            self._write(self.batch, None)
        else:
            ahead = self._submit(self.batch)
            if self.pending:
                self._write(*self.pending)
            self.pending = ahead
        self.batch = []

    def _submit(self, rows):
        if self.report.errors or self.documents is None:
            return rows, None
        return rows, self.documents.submit(rows)

    def _write(self, batch: list[SupplierRow], documents) -> None:
        """Write one batch, or only check it once the file has a problem."""
        if not self.report.errors and _analyze_after(self.written):
            import_batches.refresh_statistics()
        now = timezone.now()
        with connection.cursor() as cursor:
            import_batches.stage(cursor, batch)
            import_batches.match(cursor)
            refused = import_batches.refused(cursor)
            self.report.add_errors(refused)
            if self.report.errors:
                if documents is not None:
                    documents.cancel()
                return
            import_batches.insert_new(cursor, now)
            self.report.add_errors(import_batches.update_changed(cursor, now))
            import_batches.relink(cursor)
            import_batches.write_documents(cursor, documents.result() if documents is not None else None)
            created, updated, preview = import_batches.written(
                cursor, preview=PREVIEW_ROWS - len(self.report.preview)
            )
        self.written += 1
        self.report.created += created
        self.report.updated += updated
        self.report.unchanged += len(batch) - created - updated
        self.report.preview.extend(preview)
        if created or updated:
            import_batches.record_history(user=self.user, reason=self.reason, date=now)


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
    """Rolls the import back: a dry run, or a file with problems."""


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

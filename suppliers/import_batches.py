"""Writing one batch of valid import rows with set-based SQL (see ``suppliers.services.supplier_import``).

A batch is copied into a staging table (``import_rows``), matched to the stored suppliers by NEQ, checked against
what only the stored supplier can say (its status workflow, its version), then written: new rows inserted,
changed rows updated, their regions and categories replaced, search documents and history records written.
Unchanged rows are not written.
"""

from django.apps import apps
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing import STATUSES_WITH_REASON, RowError, SupplierRow
from .models import Status, Supplier
from .search import SEARCH_DOCUMENT_TABLE

RegionLink = Supplier.regions_served.through
CategoryLink = Supplier.categories.through

# The values of one file row that are written as they are (see _STAGING_SQL); ``status_reason`` is written only
# with a change of status.
_STAGED_FIELDS = [
    "neq", "name", "legal_form", "coop_type", "accreditations", "description_fr", "description_en", "website",
    "email", "phone", "address", "city", "postal_code", "head_office_region_id", "serves_all_quebec", "status",
]  # fmt: skip
_ACCREDITATIONS_AT = _STAGED_FIELDS.index("accreditations")
_COPIED = [*_STAGED_FIELDS, "status_reason", "regions", "categories", "line", "version"]

_STAGING_SQL = """
CREATE TEMPORARY TABLE import_rows (
    neq varchar(10) PRIMARY KEY, name text, legal_form text, coop_type text, accreditations varchar(20)[],
    description_fr text, description_en text, website text, email text, phone text, address text, city text,
    postal_code text, head_office_region_id varchar(2), serves_all_quebec boolean, status text, status_reason text,
    regions varchar(2)[], categories varchar(80)[], line integer NOT NULL, version timestamptz,
    supplier_id bigint, current_status text, is_new boolean NOT NULL DEFAULT false,
    changed boolean NOT NULL DEFAULT false
) ON COMMIT DROP
"""


def _array_literal(values: list[str]) -> str:
    """A PostgreSQL array literal of codes or words (letters, digits, ``.``, ``_``, ``-``: nothing to escape),
    each quoted so that a word like "null" stays a word. psycopg's generic list dumping was a third of the
    import's Python time."""
    return '{"' + '","'.join(values) + '"}' if values else "{}"


def refresh_statistics() -> None:
    """ANALYZE the tables an import grows: only the columns its statements join or filter on (statistics of every
    text column of a large catalogue are slow to gather: bench/README.md)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Supplier._meta.db_table} (id, neq, status)")
        for link in (RegionLink, CategoryLink):
            cursor.execute(f"ANALYZE {link._meta.db_table} (supplier_id)")


def stage(cursor, batch: list[SupplierRow]) -> None:
    """COPY the batch into ``import_rows``, emptied first."""
    cursor.execute("SELECT to_regclass('pg_temp.import_rows') IS NOT NULL")
    if cursor.fetchone()[0]:
        cursor.execute("TRUNCATE import_rows")
    else:
        cursor.execute(_STAGING_SQL)
    with cursor.cursor.copy(f"COPY import_rows ({', '.join(_COPIED)}) FROM STDIN") as copy:
        for row in batch:
            values = [row.values[name] for name in _STAGED_FIELDS]
            values[_ACCREDITATIONS_AT] = _array_literal(values[_ACCREDITATIONS_AT])
            copy.write_row(
                [
                    *values,
                    row.values["status_reason"],
                    _array_literal(row.regions),
                    _array_literal(row.categories),
                    row.line,
                    row.version,
                ]
            )
    # A temporary table has no statistics; without them the planner may scan the catalogue for each batch.
    cursor.execute("ANALYZE import_rows (neq)")


def match(cursor) -> None:
    """Each staged row's stored supplier (by NEQ), its status, and whether the row changes it."""
    differs = " OR ".join(f"s.{name} IS DISTINCT FROM r.{name}" for name in _STAGED_FIELDS)
    cursor.execute(
        f"""
        UPDATE import_rows r SET supplier_id = s.id, current_status = s.status, changed = ({differs}
            OR r.regions IS DISTINCT FROM coalesce((SELECT array_agg(l.region_id ORDER BY l.region_id)
                FROM {RegionLink._meta.db_table} l WHERE l.supplier_id = s.id), '{{}}')
            OR r.categories IS DISTINCT FROM coalesce((SELECT array_agg(l.category_id ORDER BY l.category_id)
                FROM {CategoryLink._meta.db_table} l WHERE l.supplier_id = s.id), '{{}}'))
        FROM {Supplier._meta.db_table} s WHERE s.neq = r.neq
        """
    )


def refused(cursor) -> list[RowError]:
    """The staged rows the stored suppliers refuse: a status change the workflow does not allow
    (``Supplier.ALLOWED_TRANSITIONS``), a suspension or archiving without a reason, a change to a supplier
    changed since the file was exported (its ``version``: an enterprise's edit is not overwritten unseen)."""
    allowed = [(old, new) for old, targets in Supplier.ALLOWED_TRANSITIONS.items() for new in targets]
    cursor.execute(
        f"""
        SELECT * FROM (
            SELECT r.line, r.current_status, r.status,
                r.current_status IS NOT NULL AND r.current_status <> r.status
                    AND (r.current_status, r.status) NOT IN (SELECT * FROM unnest(%(old)s::text[], %(new)s::text[]))
                    AS forbidden,
                r.status = ANY(%(with_reason)s) AND r.current_status IS DISTINCT FROM r.status
                    AND r.status_reason = '' AS no_reason,
                r.changed AND r.version IS NOT NULL AND s.updated_at IS DISTINCT FROM r.version AS stale,
                s.updated_at
            FROM import_rows r LEFT JOIN {Supplier._meta.db_table} s ON s.id = r.supplier_id
        ) checked
        WHERE forbidden OR no_reason OR stale
        ORDER BY line
        """,
        {
            "old": [old for old, _new in allowed],
            "new": [new for _old, new in allowed],
            "with_reason": sorted(STATUSES_WITH_REASON),
        },
    )
    errors = []
    for line, current, status, forbidden, no_reason, stale, updated_at in cursor.fetchall():
        if forbidden:
            errors.append(RowError(line, "status", _transition_refused(current, status)))
        if no_reason:
            errors.append(
                RowError(
                    line,
                    "status_reason",
                    _("obligatoire pour le statut « %(status)s » : indiquez le motif.")
                    % {"status": Status(status).label},
                )
            )
        if stale:
            errors.append(RowError(line, "version", _changed_since_export(updated_at)))
    return errors


def _transition_refused(current: str, status: str) -> str:
    allowed = Supplier.ALLOWED_TRANSITIONS[Status(current)]
    return _("passer de « %(old)s » à « %(new)s » n'est pas permis ; depuis « %(old)s » : %(allowed)s.") % {
        "old": current,
        "new": status,
        "allowed": ", ".join(sorted(allowed)),
    }


def _changed_since_export(updated_at) -> str:
    return _(
        "la fiche a été modifiée le %(date)s, après l'export de ce fichier (par l'entreprise ou le personnel) : "
        "exportez-la de nouveau et reportez-y vos changements."
    ) % {"date": timezone.localtime(updated_at).strftime("%Y-%m-%d %H:%M:%S")}


def _column_defaults(now) -> dict:
    """Columns the file does not carry take their model default, as Supplier(...).save() would give them."""
    defaults = {
        field.column: field.get_db_prep_save(field.get_default(), connection)
        for field in Supplier._meta.concrete_fields
        if field.column not in (*_STAGED_FIELDS, "status_reason")
        and not field.primary_key
        and not field.generated
    }
    defaults.update(status_changed_at=now, created_at=now, updated_at=now)
    return defaults


def insert_new(cursor, now) -> None:
    defaults = _column_defaults(now)
    fields = ", ".join([*_STAGED_FIELDS, "status_reason"])
    cursor.execute(
        f"""
        WITH created AS (
            INSERT INTO {Supplier._meta.db_table} ({fields}, {", ".join(defaults)})
            SELECT {fields}, {", ".join(f"%({column})s" for column in defaults)}
            FROM import_rows WHERE supplier_id IS NULL
            RETURNING id, neq)
        UPDATE import_rows r SET supplier_id = created.id, is_new = true FROM created WHERE r.neq = created.neq
        """,
        defaults,
    )


def update_changed(cursor, now) -> list[RowError]:
    """Update the changed rows; a row carrying a version is written only over that version (an edit committed
    since ``match`` is a conflict, reported like a stale version)."""
    assignments = ", ".join(f"{name} = r.{name}" for name in _STAGED_FIELDS)
    cursor.execute(
        f"""
        UPDATE {Supplier._meta.db_table} s SET {assignments}, updated_at = %(now)s,
            status_reason = CASE WHEN s.status <> r.status THEN r.status_reason ELSE s.status_reason END,
            status_changed_at = CASE WHEN s.status <> r.status THEN %(now)s ELSE s.status_changed_at END
        FROM import_rows r
        WHERE r.supplier_id = s.id AND r.changed AND (r.version IS NULL OR s.updated_at = r.version)
        """,
        {"now": now},
    )
    cursor.execute(
        f"""
        SELECT r.line, s.updated_at FROM import_rows r JOIN {Supplier._meta.db_table} s ON s.id = r.supplier_id
        WHERE r.changed AND s.updated_at <> %(now)s ORDER BY r.line
        """,
        {"now": now},
    )
    return [
        RowError(line, "version", _changed_since_export(updated_at)) for line, updated_at in cursor.fetchall()
    ]


def relink(cursor) -> None:
    """Replace the regions and categories of the new and changed rows."""
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


def write_documents(cursor, supplied: bytes | None) -> None:
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


def written(cursor, *, preview: int) -> tuple[int, int, list[tuple]]:
    """How many staged rows were created and updated, and the first ``preview`` of them (line, NEQ, name,
    created)."""
    cursor.execute("SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE changed) FROM import_rows")
    created, updated = cursor.fetchone()
    rows = []
    if preview > 0 and (created or updated):
        cursor.execute(
            "SELECT line, neq, name, is_new FROM import_rows WHERE is_new OR changed ORDER BY line LIMIT %s",
            [preview],
        )
        rows = cursor.fetchall()
    return created, updated, rows


def record_history(*, user, reason, date) -> None:
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

"""Text search moves to a narrow table of published suppliers, kept by triggers; a catalogue change log.

``suppliers_search_document`` holds, for each published supplier only, its search vector (``document``: name,
categories and offerings, descriptions) and the vector of its name alone (``title``, for relevance tiers),
both stored out of line so that the table's heap stays small: matching a broad word at a million listings reads a
few thousand narrow pages instead of the supplier table's (about 3 GB there). The stored generated
``Supplier.search_vector`` and its index are dropped: the document is computed once, only for published rows.

``suppliers_catalogue_change`` gets one row per transaction that writes suppliers, regions, sectors or categories
(every write path: ORM, admin, import SQL, COPY, raw SQL), its weight counting the transaction's statements. The catalogue version read by search
(``suppliers.catalogue.read_version``) is the sum of the weights and the newest transaction id: it changes when
such a transaction commits (and, for the transaction itself, at each of its writes), and the index reads it in the
same statement as the data, so a process never keeps data under a version that does not describe it. Writers
never wait for each other here: each touches only its own transaction's row.
"""

from django.db import migrations, models

from suppliers.models import ENGLISH_SEARCH_CONFIG as EN
from suppliers.models import FRENCH_SEARCH_CONFIG as FR

FORWARD = f"""
CREATE FUNCTION suppliers_search_title(name text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('{FR}'::regconfig, coalesce(name, '')), 'A')
        || setweight(to_tsvector('{EN}'::regconfig, coalesce(name, '')), 'A')
$$;

CREATE FUNCTION suppliers_search_body(search_text text, description_fr text, description_en text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('{FR}'::regconfig, coalesce(search_text, '')), 'B')
        || setweight(to_tsvector('{EN}'::regconfig, coalesce(search_text, '')), 'B')
        || setweight(to_tsvector('{FR}'::regconfig, coalesce(description_fr, '')), 'C')
        || setweight(to_tsvector('{EN}'::regconfig, coalesce(description_en, '')), 'C')
$$;

-- Both vectors are stored out of line (TOAST), so that the heap a GIN match visits is about 100 bytes a row (10 MB
-- at 100,000 documents instead of 61 MB; a broad word's matches are read 3 to 4 times faster). PostgreSQL moves
-- values out of line only when a new row version is over 2 kB (TOAST_TUPLE_THRESHOLD, fixed at build time), and
-- most rows here are 1.5 to 2 kB: ``toast_pad`` makes every new version 2 kB longer, then, being MAIN, is
-- compressed to about 35 bytes in place once the vectors have been moved out (toast_tuple_target = 128). Writes
-- must set it (its default) on every insert and update of the vectors.
CREATE TABLE suppliers_search_document (
    supplier_id bigint PRIMARY KEY,
    document tsvector NOT NULL,
    title tsvector NOT NULL,
    toast_pad bytea NOT NULL DEFAULT decode(repeat('00', 2048), 'hex')
) WITH (toast_tuple_target = 128);
ALTER TABLE suppliers_search_document
    ALTER COLUMN document SET STORAGE EXTERNAL,
    ALTER COLUMN title SET STORAGE EXTERNAL,
    ALTER COLUMN toast_pad SET STORAGE MAIN;

CREATE TABLE suppliers_catalogue_change (
    xid xid8 PRIMARY KEY,
    weight bigint NOT NULL
);

CREATE FUNCTION suppliers_supplier_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A bulk import computes its documents on a second connection and writes them itself (suppliers.services).
        IF coalesce(current_setting('suppliers.supplied_documents', true), '') <> 'on' THEN
            INSERT INTO suppliers_search_document AS d (supplier_id, title, document)
            SELECT id, t, t || suppliers_search_body(search_text, description_fr, description_en)
            FROM (SELECT n.*, suppliers_search_title(n.name) AS t
                  FROM new_rows n WHERE n.status = 'published') AS s
            ON CONFLICT (supplier_id) DO UPDATE
                SET document = excluded.document, title = excluded.title, toast_pad = excluded.toast_pad;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM suppliers_search_document d USING new_rows n
        WHERE d.supplier_id = n.id AND n.status <> 'published';
        INSERT INTO suppliers_search_document AS d (supplier_id, title, document)
        SELECT id, t, t || suppliers_search_body(search_text, description_fr, description_en)
        FROM (SELECT n.*, suppliers_search_title(n.name) AS t
              FROM new_rows n JOIN old_rows o ON o.id = n.id
              WHERE n.status = 'published' AND (
                  o.status <> 'published' OR o.name <> n.name OR o.search_text <> n.search_text
                  OR o.description_fr <> n.description_fr OR o.description_en <> n.description_en)) AS s
        ON CONFLICT (supplier_id) DO UPDATE
            SET document = excluded.document, title = excluded.title, toast_pad = excluded.toast_pad;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM suppliers_search_document d USING old_rows o WHERE d.supplier_id = o.id;
    ELSE  -- TRUNCATE (DELETE: the same statement may be truncating the documents too)
        DELETE FROM suppliers_search_document;
    END IF;
    INSERT INTO suppliers_catalogue_change AS c (xid, weight) VALUES (pg_current_xact_id(), 1)
    ON CONFLICT (xid) DO UPDATE SET weight = c.weight + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER suppliers_supplier_inserted AFTER INSERT ON suppliers_supplier
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION suppliers_supplier_changed();
CREATE TRIGGER suppliers_supplier_updated AFTER UPDATE ON suppliers_supplier
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_supplier_changed();
CREATE TRIGGER suppliers_supplier_deleted AFTER DELETE ON suppliers_supplier
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION suppliers_supplier_changed();
CREATE TRIGGER suppliers_supplier_truncated AFTER TRUNCATE ON suppliers_supplier
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_supplier_changed();

-- Regions, sectors and categories are cached with the search index (their names label the filters): their
-- writes are catalogue changes too.
CREATE FUNCTION suppliers_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO suppliers_catalogue_change AS c (xid, weight) VALUES (pg_current_xact_id(), 1)
    ON CONFLICT (xid) DO UPDATE SET weight = c.weight + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER suppliers_region_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON suppliers_region
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_reference_changed();
CREATE TRIGGER suppliers_sector_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON suppliers_sector
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_reference_changed();
CREATE TRIGGER suppliers_category_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON suppliers_category
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_reference_changed();

INSERT INTO suppliers_search_document (supplier_id, title, document)
SELECT id, t, t || suppliers_search_body(search_text, description_fr, description_en)
FROM (SELECT s.*, suppliers_search_title(s.name) AS t
      FROM suppliers_supplier s WHERE s.status = 'published') AS p;
INSERT INTO suppliers_catalogue_change (xid, weight) VALUES (pg_current_xact_id(), 1);

CREATE INDEX suppliers_search_document_gin ON suppliers_search_document USING gin (document);
CREATE INDEX suppliers_search_title_gin ON suppliers_search_document USING gin (title);
ANALYZE suppliers_search_document;
"""

BACKWARD = """
DROP TRIGGER suppliers_supplier_inserted ON suppliers_supplier;
DROP TRIGGER suppliers_supplier_updated ON suppliers_supplier;
DROP TRIGGER suppliers_supplier_deleted ON suppliers_supplier;
DROP TRIGGER suppliers_supplier_truncated ON suppliers_supplier;
DROP TRIGGER suppliers_region_changed ON suppliers_region;
DROP TRIGGER suppliers_sector_changed ON suppliers_sector;
DROP TRIGGER suppliers_category_changed ON suppliers_category;
DROP FUNCTION suppliers_reference_changed();
DROP FUNCTION suppliers_supplier_changed();
DROP TABLE suppliers_catalogue_change;
DROP TABLE suppliers_search_document;
DROP FUNCTION suppliers_search_body(text, text, text);
DROP FUNCTION suppliers_search_title(text);
"""


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0008_filter_masks")]

    operations = [
        migrations.RemoveIndex(model_name="supplier", name="supplier_search_vector_gin"),
        migrations.RemoveField(model_name="supplier", name="search_vector"),
        # Facet counts no longer read the supplier table (see suppliers.catalogue).
        migrations.RemoveIndex(model_name="supplier", name="supplier_pub_filter_masks"),
        migrations.RemoveIndex(model_name="supplier", name="supplier_status_updated"),
        migrations.AddIndex(
            model_name="supplier",
            index=models.Index(fields=["status", "-updated_at"], include=("id",), name="supplier_status_updated"),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]

"""Keep ``insights_listingfacts`` (one narrow row per published supplier) from ``suppliers_supplier`` and
``insights_confirmation``, with statement-level triggers as the search documents are kept (suppliers 0009).

A supplier row that becomes public (``suppliers_is_published``, the SQL twin of ``suppliers.models.PUBLIC_STATUS``)
gets its facts row, one that stops being public loses it, and a change of its verification date is copied.
``confirmed_at`` is the latest confirmation by the enterprise. Existing suppliers are copied at the end. What a
listing serves and offers is counted on the search index (``suppliers.catalogue``), not copied here.

``insights_facts_change`` gets one row per transaction that changes the facts (its weight counting the statements
that did), as ``suppliers_catalogue_change`` does for the catalogue: the version of the facts that the dashboard's
per-process index reads in the same statement as the data (``insights.listing_index``). Writers never wait for each
other there: each touches only its own transaction's row.
"""

from django.db import migrations

FORWARD = """
CREATE TABLE insights_facts_change (
    xid xid8 PRIMARY KEY,
    weight bigint NOT NULL
);

CREATE FUNCTION insights_facts_changed(changed bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF changed > 0 THEN
        INSERT INTO insights_facts_change AS c (xid, weight) VALUES (pg_current_xact_id(), 1)
        ON CONFLICT (xid) DO UPDATE SET weight = c.weight + 1;
    END IF;
END
$$;

CREATE FUNCTION insights_listing_facts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    removed bigint := 0;
    written bigint := 0;
BEGIN
    IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM insights_listingfacts f USING new_rows n
            WHERE f.supplier_id = n.id AND NOT suppliers_is_published(n.status);
            GET DIAGNOSTICS removed = ROW_COUNT;
        END IF;
        INSERT INTO insights_listingfacts AS f (supplier_id, verified_at, confirmed_at)
        SELECT n.id, n.last_verified_at,
               (SELECT max(c.confirmed_at) FROM insights_confirmation c WHERE c.supplier_id = n.id)
        FROM new_rows n WHERE suppliers_is_published(n.status)
        ON CONFLICT (supplier_id) DO UPDATE SET verified_at = excluded.verified_at
        WHERE f.verified_at IS DISTINCT FROM excluded.verified_at;
        GET DIAGNOSTICS written = ROW_COUNT;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM insights_listingfacts f USING old_rows o WHERE f.supplier_id = o.id;
        GET DIAGNOSTICS removed = ROW_COUNT;
    ELSE  -- TRUNCATE (DELETE: the same statement may be truncating the facts too)
        DELETE FROM insights_listingfacts;
        removed := 1;
    END IF;
    PERFORM insights_facts_changed(removed + written);
    RETURN NULL;
END
$$;

CREATE TRIGGER insights_facts_supplier_inserted AFTER INSERT ON suppliers_supplier
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_listing_facts_keep();
CREATE TRIGGER insights_facts_supplier_updated AFTER UPDATE ON suppliers_supplier
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_listing_facts_keep();
CREATE TRIGGER insights_facts_supplier_deleted AFTER DELETE ON suppliers_supplier
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_listing_facts_keep();
CREATE TRIGGER insights_facts_supplier_truncated AFTER TRUNCATE ON suppliers_supplier
    FOR EACH STATEMENT EXECUTE FUNCTION insights_listing_facts_keep();

CREATE FUNCTION insights_listing_confirmed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    written bigint := 0;
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE insights_listingfacts f SET confirmed_at = greatest(f.confirmed_at, n.confirmed_at)
        FROM (SELECT supplier_id, max(confirmed_at) AS confirmed_at FROM new_rows GROUP BY supplier_id) n
        WHERE f.supplier_id = n.supplier_id;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE insights_listingfacts f
        SET confirmed_at = (SELECT max(c.confirmed_at) FROM insights_confirmation c WHERE c.supplier_id = f.supplier_id)
        WHERE f.supplier_id IN (SELECT supplier_id FROM old_rows UNION SELECT supplier_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE insights_listingfacts f
        SET confirmed_at = (SELECT max(c.confirmed_at) FROM insights_confirmation c WHERE c.supplier_id = f.supplier_id)
        WHERE f.supplier_id IN (SELECT supplier_id FROM old_rows);
    ELSE  -- TRUNCATE
        UPDATE insights_listingfacts SET confirmed_at = NULL WHERE confirmed_at IS NOT NULL;
    END IF;
    GET DIAGNOSTICS written = ROW_COUNT;
    PERFORM insights_facts_changed(written);
    RETURN NULL;
END
$$;

CREATE TRIGGER insights_facts_confirmation_inserted AFTER INSERT ON insights_confirmation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_listing_confirmed();
CREATE TRIGGER insights_facts_confirmation_updated AFTER UPDATE ON insights_confirmation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_listing_confirmed();
CREATE TRIGGER insights_facts_confirmation_deleted AFTER DELETE ON insights_confirmation
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_listing_confirmed();
CREATE TRIGGER insights_facts_confirmation_truncated AFTER TRUNCATE ON insights_confirmation
    FOR EACH STATEMENT EXECUTE FUNCTION insights_listing_confirmed();

INSERT INTO insights_listingfacts (supplier_id, verified_at, confirmed_at)
SELECT n.id, n.last_verified_at,
       (SELECT max(c.confirmed_at) FROM insights_confirmation c WHERE c.supplier_id = n.id)
FROM suppliers_supplier n WHERE suppliers_is_published(n.status);
"""

REVERSE = """
DROP TRIGGER insights_facts_supplier_inserted ON suppliers_supplier;
DROP TRIGGER insights_facts_supplier_updated ON suppliers_supplier;
DROP TRIGGER insights_facts_supplier_deleted ON suppliers_supplier;
DROP TRIGGER insights_facts_supplier_truncated ON suppliers_supplier;
DROP TRIGGER insights_facts_confirmation_inserted ON insights_confirmation;
DROP TRIGGER insights_facts_confirmation_updated ON insights_confirmation;
DROP TRIGGER insights_facts_confirmation_deleted ON insights_confirmation;
DROP TRIGGER insights_facts_confirmation_truncated ON insights_confirmation;
DROP FUNCTION insights_listing_facts_keep();
DROP FUNCTION insights_listing_confirmed();
DROP FUNCTION insights_facts_changed(bigint);
DROP TABLE insights_facts_change;
DELETE FROM insights_listingfacts;
"""


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]

"""Derived search state kept by the database: the SQL functions the triggers of migration 0012 call.

- ``suppliers_is_published(status)``: the one SQL definition of a public listing (``suppliers.models.PUBLIC_STATUS``).
- ``suppliers_search_entry(...)``: a listing's search document from its values (name vector, whole document,
  typo-correction words); ``suppliers_search_refresh(ids)`` writes the documents of these suppliers from the
  tables (published ones get theirs, the others lose it). An import may compute entries ahead with the same
  function on a second connection and write them itself (``suppliers.import_documents``, transaction-local).
- ``suppliers_search_log(ids)``: the filter data of these suppliers changed. ``suppliers_search_change`` gets one
  row per writing transaction and supplier, keyed by the transaction id (xid8): a process that loaded its search
  index at snapshot S applies exactly the changes of transactions S does not see (``pg_visible_in_snapshot``),
  whatever their commit order (``suppliers.catalogue``). ``suppliers_search_reference_change`` does the same for
  regions, service areas, sectors and categories. Rows older than a retention period (15 minutes by default,
  ``suppliers.search_log_retention``) are pruned by the writers, at most once a minute, without waiting for each
  other; ``suppliers_search_horizon`` says below which transaction id rows may be gone, so a process idle for
  longer reloads its index instead. Reading the changes reads only rows newer than the process's snapshot: it
  costs the same whatever the age of the catalogue.
- The typo-correction lexicon (``suppliers_searchterm``): a trigger on the documents records, per transaction,
  the words added and removed (``suppliers_search_word_change``); one deferred trigger per transaction applies
  them when it commits, in word order, so concurrent writers hold a word's row only for the commit itself (an
  import's uncommitted words never block a curator's save). A word no published supplier uses is deleted. Until
  its commit, a transaction's own changes are read by ``suppliers.search.correct_query`` beside the lexicon.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION suppliers_is_published(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT status = 'published' $$;

ALTER TABLE suppliers_search_document ADD COLUMN words text[] NOT NULL DEFAULT '{}';
ALTER TABLE suppliers_search_document ALTER COLUMN words SET STORAGE EXTERNAL;

-- Words for typo correction: unaccented, lower case, letters only (whole words and the parts of hyphenated ones),
-- 3 to 100 long. A configuration that keeps only word tokens does in one pass what unaccent() then a filter on
-- every token did (several times faster: bench/README.md).
CREATE TEXT SEARCH CONFIGURATION suppliers_words (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION suppliers_words DROP MAPPING FOR
    email, url, url_path, host, file, version, sfloat, float, int, uint, numword, numhword, hword_numpart,
    asciihword, hword;
ALTER TEXT SEARCH CONFIGURATION suppliers_words
    ALTER MAPPING FOR asciiword, word, hword_part, hword_asciipart WITH unaccent, simple;

CREATE FUNCTION suppliers_search_words(content text) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT word FROM unnest(tsvector_to_array(to_tsvector('suppliers_words', coalesce(content, '')))) AS word
        WHERE length(word) BETWEEN 3 AND 100)
$$;

-- The names of these categories and of their sectors, in both languages (for a listing not yet written).
CREATE FUNCTION suppliers_search_category_text(codes text[]) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(c.name_fr || ' ' || c.name_en || ' ' || s.name_fr || ' ' || s.name_en, ' '
                               ORDER BY c.code), '')
    FROM (SELECT DISTINCT code FROM unnest(codes) AS code) AS wanted
    JOIN suppliers_category c ON c.code = wanted.code JOIN suppliers_sector s ON s.code = c.sector_id
$$;

-- A listing's search entry from its values: the vector of its name (relevance tiers), the whole document (name
-- A, category names and offerings B, descriptions C) and its words. ``extra``: the names of its categories and
-- sectors, then the titles and descriptions of its offerings.
CREATE FUNCTION suppliers_search_entry(
    name text, description_fr text, description_en text, extra text,
    OUT title tsvector, OUT document tsvector, OUT words text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT t, t || suppliers_search_body(extra, description_fr, description_en),
        suppliers_search_words(concat_ws(' ', name, extra, description_fr, description_en))
    FROM (SELECT suppliers_search_title(name) AS t OFFSET 0) AS parts  -- computed once
$$;

-- The documents of these suppliers, from the tables. toast_pad is set on every write of the vectors (see 0009).
CREATE FUNCTION suppliers_search_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM suppliers_search_document d
    WHERE d.supplier_id = ANY(ids) AND NOT EXISTS (
        SELECT 1 FROM suppliers_supplier s WHERE s.id = d.supplier_id AND suppliers_is_published(s.status));
    WITH categories AS (
        SELECT l.supplier_id, string_agg(c.name_fr || ' ' || c.name_en || ' ' || s.name_fr || ' ' || s.name_en, ' '
                                         ORDER BY c.code) AS text
        FROM suppliers_supplier_categories l
        JOIN suppliers_category c ON c.code = l.category_id JOIN suppliers_sector s ON s.code = c.sector_id
        WHERE l.supplier_id = ANY(ids) GROUP BY l.supplier_id
    ), offerings AS (
        SELECT o.supplier_id, string_agg(o.title || ' ' || o.description, ' ' ORDER BY o.position, o.id) AS text
        FROM suppliers_offering o WHERE o.supplier_id = ANY(ids) GROUP BY o.supplier_id
    )
    INSERT INTO suppliers_search_document AS d (supplier_id, title, document, words)
    SELECT s.id, e.title, e.document, e.words
    FROM suppliers_supplier s
    LEFT JOIN categories ON categories.supplier_id = s.id LEFT JOIN offerings ON offerings.supplier_id = s.id
    CROSS JOIN LATERAL suppliers_search_entry(
        s.name, s.description_fr, s.description_en,
        coalesce(categories.text, '') || ' ' || coalesce(offerings.text, '')) AS e
    WHERE s.id = ANY(ids) AND suppliers_is_published(s.status)
    ON CONFLICT (supplier_id) DO UPDATE
        SET title = excluded.title, document = excluded.document, words = excluded.words,
            toast_pad = excluded.toast_pad
        WHERE (d.title, d.document, d.words) IS DISTINCT FROM (excluded.title, excluded.document, excluded.words);
$$;

-- What the triggers call when text a document is made of changed.
CREATE FUNCTION suppliers_search_text_changed(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- A bulk import writes the documents of each batch itself, once its rows and links are written.
    IF coalesce(current_setting('suppliers.import_documents', true), '') = 'on' OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM suppliers_search_refresh(ids);
END
$$;

CREATE TABLE suppliers_search_change (
    xid xid8 NOT NULL,
    supplier_id bigint NOT NULL,
    PRIMARY KEY (xid, supplier_id)
);
CREATE TABLE suppliers_search_reference_change (
    xid xid8 PRIMARY KEY,
    changes integer NOT NULL,  -- statements: a transaction's own searches see its later changes
    truncations integer NOT NULL  -- suppliers changed without their ids (TRUNCATE): reload everything
);
CREATE TABLE suppliers_search_horizon (
    id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    pruned_below xid8 NOT NULL
);
INSERT INTO suppliers_search_horizon (pruned_below) VALUES ('0');
-- The oldest running transaction at times of pruning: rows of transactions older than a mark past the retention
-- are no longer needed by a process that searched since.
CREATE TABLE suppliers_search_mark (
    oldest_running xid8 NOT NULL,
    marked_at timestamptz NOT NULL
);

CREATE FUNCTION suppliers_search_prune() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    horizon xid8;
BEGIN
    IF EXISTS (SELECT 1 FROM suppliers_search_mark WHERE marked_at > now() - interval '1 minute') THEN
        RETURN;
    END IF;
    IF NOT pg_try_advisory_xact_lock(hashtext('suppliers_search_prune')) THEN
        RETURN;  -- another writer is pruning
    END IF;
    INSERT INTO suppliers_search_mark (oldest_running, marked_at) VALUES (pg_snapshot_xmin(pg_current_snapshot()), now());
    SELECT max(m.oldest_running) INTO horizon FROM suppliers_search_mark m
    WHERE m.marked_at < now() - coalesce(
        nullif(current_setting('suppliers.search_log_retention', true), ''), '15 minutes')::interval;
    IF horizon IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM suppliers_search_change WHERE xid < horizon;
    DELETE FROM suppliers_search_reference_change WHERE xid < horizon;
    DELETE FROM suppliers_search_mark WHERE oldest_running < horizon;
    UPDATE suppliers_search_horizon SET pruned_below = horizon WHERE pruned_below < horizon;
END
$$;

CREATE FUNCTION suppliers_search_log(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO suppliers_search_change (xid, supplier_id)
    SELECT DISTINCT pg_current_xact_id(), id FROM unnest(ids) AS id
    ON CONFLICT DO NOTHING;
    PERFORM suppliers_search_prune();
END
$$;

CREATE FUNCTION suppliers_search_reference_changed(catalogue boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO suppliers_search_reference_change AS c (xid, changes, truncations)
    VALUES (pg_current_xact_id(), 1, catalogue::int)
    ON CONFLICT (xid) DO UPDATE SET changes = c.changes + 1, truncations = c.truncations + excluded.truncations;
    PERFORM suppliers_search_prune();
END
$$;

-- The lexicon: words added (+1) and removed (-1) by each transaction, applied when it commits.
CREATE TABLE suppliers_search_word_change (
    xid xid8 NOT NULL,
    word text NOT NULL,
    delta integer NOT NULL
);
CREATE INDEX suppliers_search_word_change_xid ON suppliers_search_word_change (xid);
CREATE TABLE suppliers_search_word_flush (xid xid8 PRIMARY KEY);

CREATE FUNCTION suppliers_search_words_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    recorded bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO suppliers_search_word_change (xid, word, delta)
        SELECT pg_current_xact_id(), word, count(*) FROM new_rows, unnest(new_rows.words) AS word GROUP BY word;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO suppliers_search_word_change (xid, word, delta)
        SELECT pg_current_xact_id(), word, -count(*) FROM old_rows, unnest(old_rows.words) AS word GROUP BY word;
    ELSE
        -- Unchanged words cancel out (no join: transition tables have no index).
        INSERT INTO suppliers_search_word_change (xid, word, delta)
        SELECT pg_current_xact_id(), word, sum(delta) FROM (
            SELECT unnest(words) AS word, 1 AS delta FROM new_rows
            UNION ALL
            SELECT unnest(words), -1 FROM old_rows
        ) AS changed GROUP BY word HAVING sum(delta) <> 0;
    END IF;
    GET DIAGNOSTICS recorded = ROW_COUNT;
    IF recorded > 0 THEN
        INSERT INTO suppliers_search_word_flush (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER suppliers_search_words_inserted AFTER INSERT ON suppliers_search_document
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION suppliers_search_words_changed();
CREATE TRIGGER suppliers_search_words_updated AFTER UPDATE ON suppliers_search_document
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_search_words_changed();
CREATE TRIGGER suppliers_search_words_deleted AFTER DELETE ON suppliers_search_document
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION suppliers_search_words_changed();

CREATE FUNCTION suppliers_search_words_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM suppliers_searchterm;
    DELETE FROM suppliers_search_word_change WHERE xid = pg_current_xact_id();
    RETURN NULL;
END
$$;
CREATE TRIGGER suppliers_search_words_truncated AFTER TRUNCATE ON suppliers_search_document
    FOR EACH STATEMENT EXECUTE FUNCTION suppliers_search_words_truncated();

-- At commit, once per transaction. Rows are locked in word order (known words first, then new ones), so two
-- transactions committing at once never wait for each other in a cycle.
CREATE FUNCTION suppliers_search_words_flush() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed_words text[];
    deltas bigint[];
BEGIN
    SELECT array_agg(word ORDER BY word), array_agg(delta ORDER BY word) INTO changed_words, deltas
    FROM (SELECT word, sum(delta) AS delta FROM suppliers_search_word_change WHERE xid = NEW.xid
          GROUP BY word HAVING sum(delta) <> 0) AS changed;
    IF changed_words IS NOT NULL THEN
        PERFORM 1 FROM suppliers_searchterm WHERE word = ANY(changed_words) ORDER BY word FOR UPDATE;
        UPDATE suppliers_searchterm t SET documents = greatest(t.documents + d.delta, 0)
        FROM unnest(changed_words, deltas) AS d(word, delta) WHERE t.word = d.word;
        INSERT INTO suppliers_searchterm AS t (word, documents)
        SELECT d.word, d.delta FROM unnest(changed_words, deltas) AS d(word, delta)
        WHERE d.delta > 0 AND NOT EXISTS (SELECT 1 FROM suppliers_searchterm k WHERE k.word = d.word)
        ORDER BY d.word
        ON CONFLICT (word) DO UPDATE SET documents = t.documents + excluded.documents;
        DELETE FROM suppliers_searchterm WHERE word = ANY(changed_words) AND documents <= 0;
    END IF;
    DELETE FROM suppliers_search_word_change WHERE xid = NEW.xid;
    DELETE FROM suppliers_search_word_flush WHERE xid = NEW.xid;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER suppliers_search_words_flush AFTER INSERT ON suppliers_search_word_flush
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION suppliers_search_words_flush();

-- The documents and the lexicon of the existing catalogue, with the functions above.
SELECT suppliers_search_refresh(ARRAY(SELECT id FROM suppliers_supplier));
DELETE FROM suppliers_searchterm;
INSERT INTO suppliers_searchterm (word, documents)
SELECT word, count(*) FROM suppliers_search_document, unnest(words) AS word GROUP BY word;
DELETE FROM suppliers_search_word_change;
DELETE FROM suppliers_search_word_flush;
"""

BACKWARD = """
DROP TRIGGER suppliers_search_words_flush ON suppliers_search_word_flush;
DROP TRIGGER suppliers_search_words_truncated ON suppliers_search_document;
DROP TRIGGER suppliers_search_words_deleted ON suppliers_search_document;
DROP TRIGGER suppliers_search_words_updated ON suppliers_search_document;
DROP TRIGGER suppliers_search_words_inserted ON suppliers_search_document;
DROP FUNCTION suppliers_search_words_flush();
DROP FUNCTION suppliers_search_words_truncated();
DROP FUNCTION suppliers_search_words_changed();
DROP TABLE suppliers_search_word_flush, suppliers_search_word_change;
DROP FUNCTION suppliers_search_reference_changed(boolean);
DROP FUNCTION suppliers_search_log(bigint[]);
DROP FUNCTION suppliers_search_prune();
DROP TABLE suppliers_search_mark, suppliers_search_horizon, suppliers_search_reference_change,
    suppliers_search_change;
DROP FUNCTION suppliers_search_text_changed(bigint[]);
DROP FUNCTION suppliers_search_refresh(bigint[]);
DROP FUNCTION suppliers_search_entry(text, text, text, text);
DROP FUNCTION suppliers_search_category_text(text[]);
DROP FUNCTION suppliers_search_words(text);
DROP TEXT SEARCH CONFIGURATION suppliers_words;
ALTER TABLE suppliers_search_document DROP COLUMN words;
DROP FUNCTION suppliers_is_published(text);
"""


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0010_service_areas_and_option_numbers")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]

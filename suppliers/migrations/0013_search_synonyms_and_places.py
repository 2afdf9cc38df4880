"""Search finds what buyers type (issue 14, item 4).

- Synonyms: staff keep groups of equivalent terms (``SearchSynonym``); ``suppliers_search_synonyms_refresh()``,
  called by a statement trigger on that table, derives ``suppliers_search_synonym_rule``: for each search
  configuration and each term, the term's tsquery (the target) and the OR of every term of its groups as phrases
  (the substitute). ``suppliers.search`` applies them to a query with ``ts_rewrite``, in both languages. The groups
  are seeded from ``fixtures/search_synonyms.csv``.
- Places: a listing's search document also holds its municipality and postal code (city names and postal-code
  areas such as « G5L » are searched like any word); the update trigger now watches those columns too.
"""

import csv
import importlib
from pathlib import Path

import pgtrigger.compiler
import pgtrigger.migrations
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


SYNONYMS_FORWARD = r"""
CREATE TABLE suppliers_search_synonym_rule (
    config regconfig NOT NULL,
    target tsquery NOT NULL,
    substitute tsquery NOT NULL,
    PRIMARY KEY (config, target)
);

CREATE FUNCTION suppliers_search_synonyms_refresh() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM suppliers_search_synonym_rule;
    WITH terms AS (
        SELECT g.id, btrim(term) AS term
        FROM suppliers_searchsynonym g, regexp_split_to_table(g.terms, E'[\\r\\n]+') AS term
        WHERE btrim(term) <> ''
    ), parsed AS (
        SELECT t.id, c.config, plainto_tsquery(c.config, t.term) AS target, phraseto_tsquery(c.config, t.term) AS phrase
        FROM terms t
        CROSS JOIN (VALUES ('fr_unaccent'::regconfig), ('en_unaccent'::regconfig)) AS c(config)
    )
    INSERT INTO suppliers_search_synonym_rule (config, target, substitute)
    SELECT a.config, a.target, string_agg(DISTINCT '(' || b.phrase::text || ')', ' | ')::tsquery
    FROM parsed a JOIN parsed b ON b.id = a.id AND b.config = a.config
    WHERE numnode(a.target) > 0 AND numnode(b.phrase) > 0
    GROUP BY a.config, a.target
    -- A term whose stem is a term of another group (« repas » and « répit » are both 'rep' in French) is ambiguous:
    -- expanding it would join unrelated groups, so it is searched as typed.
    HAVING count(DISTINCT a.id) = 1;
$$;
"""

SYNONYMS_REVERSE = """
DROP FUNCTION suppliers_search_synonyms_refresh();
DROP TABLE suppliers_search_synonym_rule;
"""

# 0011's suppliers_search_refresh with the municipality and postal code added to the text of the document.
PLACES_FORWARD = r"""
CREATE OR REPLACE FUNCTION suppliers_search_refresh(ids bigint[]) RETURNS void
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
        coalesce(categories.text, '') || ' ' || coalesce(offerings.text, '') || ' '
            || suppliers_search_place_text(s.city, s.postal_code)) AS e
    WHERE s.id = ANY(ids) AND suppliers_is_published(s.status)
    ON CONFLICT (supplier_id) DO UPDATE
        SET title = excluded.title, document = excluded.document, words = excluded.words,
            toast_pad = excluded.toast_pad
        WHERE (d.title, d.document, d.words) IS DISTINCT FROM (excluded.title, excluded.document, excluded.words);
$$;
"""

# Where a listing is, as searched text: its municipality and postal code (the import uses it too).
PLACE_TEXT = r"""
CREATE FUNCTION suppliers_search_place_text(city text, postal_code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT concat_ws(' ', city, postal_code) $$;
"""

REFRESH_PUBLISHED = (
    "SELECT suppliers_search_refresh(ARRAY(SELECT id FROM suppliers_supplier WHERE suppliers_is_published(status)))"
)


def places_reverse(apps, schema_editor):
    initial = importlib.import_module("suppliers.migrations.0011_search_kept_by_the_database")
    body = initial.FORWARD.split("CREATE FUNCTION suppliers_search_refresh", 1)[1].split("$$;", 1)[0]
    schema_editor.execute("CREATE OR REPLACE FUNCTION suppliers_search_refresh" + body + "$$;")
    schema_editor.execute(REFRESH_PUBLISHED)
    schema_editor.execute("DROP FUNCTION suppliers_search_place_text(text, text)")


SEED = Path(__file__).resolve().parents[2] / "fixtures" / "search_synonyms.csv"


def seed_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("suppliers", "SearchSynonym")
    with SEED.open(encoding="utf-8", newline="") as file:
        SearchSynonym.objects.bulk_create(
            SearchSynonym(terms="\n".join(row["terms"].split("|")), note=row["note"]) for row in csv.DictReader(file)
        )


def grant_curators(apps, schema_editor):
    """Curators keep the synonyms (the group of migration 0004)."""
    app_config = apps.get_app_config("suppliers")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Curators")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="suppliers", codename__endswith="_searchsynonym")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('suppliers', '0012_search_triggers'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('terms', models.TextField(help_text='Un terme par ligne (un mot ou une expression), en français ou en anglais.', max_length=2000, verbose_name='termes')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
            ],
            options={
                'verbose_name': 'synonyme de recherche',
                'verbose_name_plural': 'synonymes de recherche',
                'ordering': ['terms'],
            },
        ),
        migrations.RunSQL(SYNONYMS_FORWARD, SYNONYMS_REVERSE),
        migrations.RunSQL(PLACE_TEXT + PLACES_FORWARD + REFRESH_PUBLISHED + ";", migrations.RunSQL.noop),
        migrations.RunPython(migrations.RunPython.noop, places_reverse),
        pgtrigger.migrations.RemoveTrigger(
            model_name='supplier',
            name='search_supplier_updated',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplier',
            trigger=pgtrigger.compiler.Trigger(name='search_supplier_updated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(\n                    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id\n                    WHERE (n.status, n.name, n.updated_at, n.legal_form, n.accreditations, n.serves_all_quebec)\n                        IS DISTINCT FROM (o.status, o.name, o.updated_at, o.legal_form, o.accreditations,\n                                          o.serves_all_quebec)));\n                PERFORM suppliers_search_text_changed(ARRAY(\n                    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id\n                    WHERE (n.status, n.name, n.description_fr, n.description_en, n.city, n.postal_code)\n                        IS DISTINCT FROM (o.status, o.name, o.description_fr, o.description_en, o.city,\n                                          o.postal_code)));\n                RETURN NULL;', hash='1eb29de62a2fe7dff02177949ff5949132868506', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_supplier_updated_3635e', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='suppliers_supplier', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='searchsynonym',
            trigger=pgtrigger.compiler.Trigger(name='search_synonyms_changed', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_synonyms_refresh(); RETURN NULL;', hash='908afa180f8d8f19835b66ac10301fd53ccf6597', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_search_synonyms_changed_68cd4', table='suppliers_searchsynonym', when='AFTER')),
        ),
            migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
        migrations.RunPython(grant_curators, migrations.RunPython.noop),
    ]

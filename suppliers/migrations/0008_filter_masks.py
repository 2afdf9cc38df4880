"""Filter bit masks on suppliers (a derived read model of regions_served and categories) for fast search.

Bits of sectors and categories are assigned once, from the fixture order (``position``); the masks are
backfilled with one set-based UPDATE, as ``SupplierQuerySet.refresh_search_text()`` computes them.
"""

from django.db import migrations, models


# The defaults these fields had (migration 0010 replaces the bits by numbers that are never reused); the bits
# are backfilled before the fields become required, so the value here is never stored.
def next_sector_bit():
    return 0


def next_category_bit():
    return 0

BACKFILL_BITS = """
UPDATE suppliers_sector SET bit = position;
UPDATE suppliers_category SET bit = position;
"""

# Only rows with links can have a non-zero mask; search_vector is not recomputed (search_text is unchanged).
BACKFILL_MASKS = """
UPDATE suppliers_supplier s SET region_mask = m.region_mask, category_mask = m.category_mask,
    sector_mask = m.sector_mask
FROM (
    SELECT s2.id,
        coalesce((SELECT bit_or(1 << (rs.region_id::int - 1)) FROM suppliers_supplier_regions_served rs
            WHERE rs.supplier_id = s2.id), 0) AS region_mask,
        coalesce((SELECT bit_or(1::bigint << c.bit) FROM suppliers_supplier_categories sc
            JOIN suppliers_category c ON c.code = sc.category_id WHERE sc.supplier_id = s2.id), 0) AS category_mask,
        coalesce((SELECT bit_or(1 << sec.bit) FROM suppliers_supplier_categories sc
            JOIN suppliers_category c ON c.code = sc.category_id JOIN suppliers_sector sec ON sec.code = c.sector_id
            WHERE sc.supplier_id = s2.id), 0) AS sector_mask
    FROM suppliers_supplier s2
) AS m
WHERE m.id = s.id AND (m.region_mask, m.category_mask, m.sector_mask) <> (0, 0, 0);
"""


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0007_admin_name_order")]

    operations = [
        migrations.AddField(
            model_name="sector",
            name="bit",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="bit de filtre"),
        ),
        migrations.AddField(
            model_name="category",
            name="bit",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="bit de filtre"),
        ),
        migrations.RunSQL(BACKFILL_BITS, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="sector",
            name="bit",
            field=models.PositiveSmallIntegerField(
                default=next_sector_bit,
                editable=False,
                unique=True,
                verbose_name="bit de filtre",
            ),
        ),
        migrations.AlterField(
            model_name="category",
            name="bit",
            field=models.PositiveSmallIntegerField(
                default=next_category_bit,
                editable=False,
                unique=True,
                verbose_name="bit de filtre",
            ),
        ),
        migrations.AddConstraint(
            model_name="sector",
            constraint=models.CheckConstraint(condition=models.Q(bit__lte=30), name="sector_bit_fits_mask"),
        ),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.CheckConstraint(condition=models.Q(bit__lte=62), name="category_bit_fits_mask"),
        ),
        migrations.AddField(
            model_name="supplier",
            name="region_mask",
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="supplier",
            name="category_mask",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="supplier",
            name="sector_mask",
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(BACKFILL_MASKS, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="supplier", name="supplier_published_name_sort"),
        migrations.RemoveIndex(model_name="supplier", name="supplier_published_facets"),
        migrations.AddIndex(
            model_name="supplier",
            index=models.Index(
                models.Func(models.F("name"), function="suppliers_name_sort_key"),
                models.F("id"),
                condition=models.Q(("status", "published")),
                include=(
                    "serves_all_quebec",
                    "legal_form",
                    "accreditations",
                    "region_mask",
                    "category_mask",
                    "sector_mask",
                    "name",
                ),
                name="supplier_pub_name_filters",
            ),
        ),
        migrations.AddIndex(
            model_name="supplier",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["id"],
                include=(
                    "serves_all_quebec",
                    "legal_form",
                    "accreditations",
                    "region_mask",
                    "category_mask",
                    "sector_mask",
                ),
                name="supplier_pub_filter_masks",
            ),
        ),
    ]

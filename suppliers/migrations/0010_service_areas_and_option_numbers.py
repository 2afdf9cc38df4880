"""Service areas finer than a region; sectors and categories numbered once and for all; the supplier's copies of
derived search state (``search_text`` and the filter masks) go.

The bit of a sector or category in the old masks was the next free one, so a deleted category's bit went to the
next category created (and its former suppliers matched it), and a check constraint capped them at 31 sectors and
63 categories. An option is now identified in the search index by a number drawn from a sequence: never reused,
not capped. The triggers of migration 0009 go too (they read ``search_text``); migrations 0011 and 0012 replace
them.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


DROP_0009_TRIGGERS = """
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
"""

SEQUENCES = """
CREATE SEQUENCE suppliers_sector_number_seq AS bigint;
CREATE SEQUENCE suppliers_category_number_seq AS bigint;
CREATE SEQUENCE suppliers_servicearea_number_seq AS bigint;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('suppliers', '0009_search_documents'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(DROP_0009_TRIGGERS, migrations.RunSQL.noop),
        migrations.RunSQL(SEQUENCES, "DROP SEQUENCE suppliers_sector_number_seq, suppliers_category_number_seq, suppliers_servicearea_number_seq"),
        migrations.CreateModel(
            name='HistoricalSupplier_areas_served',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalSupplier_areas_served',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ServiceArea',
            fields=[
                ('code', models.CharField(max_length=20, primary_key=True, serialize=False, verbose_name='code')),
                ('name', models.CharField(max_length=150, verbose_name='nom')),
                ('kind', models.CharField(choices=[('mrc', 'MRC ou territoire équivalent'), ('municipality', 'Municipalité'), ('other', 'Autre territoire')], max_length=20, verbose_name='type')),
                ('number', models.BigIntegerField(db_default=models.Func(models.Value('suppliers_servicearea_number_seq'), function='nextval', output_field=models.BigIntegerField()), editable=False, unique=True, verbose_name='numéro')),
            ],
            options={
                'verbose_name': 'territoire desservi',
                'verbose_name_plural': 'territoires desservis',
                'ordering': ['region', 'name', 'code'],
            },
        ),
        migrations.CreateModel(
            name='SupplierCategoryLink',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('suppliers.supplier_categories',),
        ),
        migrations.CreateModel(
            name='SupplierRegionLink',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('suppliers.supplier_regions_served',),
        ),
        migrations.RemoveConstraint(
            model_name='category',
            name='category_bit_fits_mask',
        ),
        migrations.RemoveConstraint(
            model_name='sector',
            name='sector_bit_fits_mask',
        ),
        migrations.RemoveIndex(
            model_name='supplier',
            name='supplier_pub_name_filters',
        ),
        migrations.RemoveField(
            model_name='category',
            name='bit',
        ),
        migrations.RemoveField(
            model_name='sector',
            name='bit',
        ),
        migrations.RemoveField(
            model_name='supplier',
            name='category_mask',
        ),
        migrations.RemoveField(
            model_name='supplier',
            name='region_mask',
        ),
        migrations.RemoveField(
            model_name='supplier',
            name='search_text',
        ),
        migrations.RemoveField(
            model_name='supplier',
            name='sector_mask',
        ),
        migrations.AddField(
            model_name='category',
            name='number',
            field=models.BigIntegerField(db_default=models.Func(models.Value('suppliers_category_number_seq'), function='nextval', output_field=models.BigIntegerField()), editable=False, unique=True, verbose_name='numéro'),
        ),
        migrations.AddField(
            model_name='sector',
            name='number',
            field=models.BigIntegerField(db_default=models.Func(models.Value('suppliers_sector_number_seq'), function='nextval', output_field=models.BigIntegerField()), editable=False, unique=True, verbose_name='numéro'),
        ),
        migrations.AddField(
            model_name='historicalsupplier_areas_served',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='suppliers.historicalsupplier'),
        ),
        migrations.AddField(
            model_name='historicalsupplier_areas_served',
            name='supplier',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='suppliers.supplier'),
        ),
        migrations.AddField(
            model_name='servicearea',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='suppliers.servicearea', verbose_name='territoire englobant'),
        ),
        migrations.AddField(
            model_name='servicearea',
            name='region',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='service_areas', to='suppliers.region', verbose_name='région'),
        ),
        migrations.AddField(
            model_name='historicalsupplier_areas_served',
            name='servicearea',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='suppliers.servicearea'),
        ),
        migrations.AddField(
            model_name='supplier',
            name='areas_served',
            field=models.ManyToManyField(blank=True, help_text="MRC ou municipalités, quand le fournisseur ne dessert qu'une partie d'une région.", related_name='suppliers_serving', to='suppliers.servicearea', verbose_name='territoires desservis'),
        ),
        migrations.AddIndex(
            model_name='supplier',
            index=models.Index(models.Func(models.F('name'), function='suppliers_name_sort_key'), models.F('id'), condition=models.Q(('status', 'published')), include=('updated_at', 'serves_all_quebec', 'legal_form', 'accreditations', 'name'), name='supplier_pub_name_index'),
        ),
        migrations.AddConstraint(
            model_name='servicearea',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['mrc', 'municipality', 'other'])), name='service_area_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='servicearea',
            constraint=models.CheckConstraint(condition=models.Q(('parent', models.F('code')), _negated=True), name='service_area_not_its_own_parent'),
        ),
        migrations.CreateModel(
            name='SupplierAreaLink',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('suppliers.supplier_areas_served',),
        ),
    ]

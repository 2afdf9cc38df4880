"""The triggers that keep derived search state, declared in the models' Meta (django-pgtrigger); the SQL
functions they call are in migration 0011."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('suppliers', '0011_search_kept_by_the_database'),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name='category',
            trigger=pgtrigger.compiler.Trigger(name='search_category_updated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(false);\n                PERFORM suppliers_search_text_changed(ARRAY(\n                    SELECT l.supplier_id FROM new_rows n JOIN old_rows o ON o.code = n.code\n                    JOIN suppliers_supplier_categories l ON l.category_id = n.code\n                    WHERE (n.name_fr, n.name_en, n.sector_id) IS DISTINCT FROM (o.name_fr, o.name_en, o.sector_id)));\n                RETURN NULL;', hash='3a025cb7789974089fe86698417b608b89806d08', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_category_updated_95a62', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='suppliers_category', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='category',
            trigger=pgtrigger.compiler.Trigger(name='search_category_changed', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(false); RETURN NULL;', hash='459c62d87c5c2efbd8afe788afed85aed6996aea', level='STATEMENT', operation='INSERT OR DELETE OR TRUNCATE', pgid='pgtrigger_search_category_changed_48b48', table='suppliers_category', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='offering',
            trigger=pgtrigger.compiler.Trigger(name='search_offering_inserted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_text_changed(ARRAY(SELECT supplier_id FROM new_rows)); RETURN NULL;', hash='53d6a6a30448e85574550e89c6921eeb24ead274', level='STATEMENT', operation='INSERT', pgid='pgtrigger_search_offering_inserted_07dd0', referencing='REFERENCING NEW TABLE AS new_rows ', table='suppliers_offering', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='offering',
            trigger=pgtrigger.compiler.Trigger(name='search_offering_updated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_text_changed(ARRAY(\n                    SELECT supplier_id FROM old_rows UNION SELECT supplier_id FROM new_rows));\n                RETURN NULL;', hash='0d31c30e304f8bed85698e3f8f6516d5ef950ec1', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_offering_updated_f5a2f', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='suppliers_offering', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='offering',
            trigger=pgtrigger.compiler.Trigger(name='search_offering_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_text_changed(ARRAY(SELECT supplier_id FROM old_rows)); RETURN NULL;', hash='98f8310e4b208a605d0e6323f29ca58800a3b844', level='STATEMENT', operation='DELETE', pgid='pgtrigger_search_offering_deleted_5970e', referencing='REFERENCING OLD TABLE AS old_rows ', table='suppliers_offering', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='offering',
            trigger=pgtrigger.compiler.Trigger(name='search_offering_truncated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_text_changed(ARRAY(SELECT id FROM suppliers_supplier)); RETURN NULL;', hash='41d5aa80f2c12eebe73e82a6f0ae3f7cb81065e9', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_search_offering_truncated_bd972', table='suppliers_offering', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='region',
            trigger=pgtrigger.compiler.Trigger(name='search_region_changed', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(false); RETURN NULL;', hash='55dc2556b692844157e1d0003e880113dc445377', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_search_region_changed_9b827', table='suppliers_region', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sector',
            trigger=pgtrigger.compiler.Trigger(name='search_sector_updated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(false);\n                PERFORM suppliers_search_text_changed(ARRAY(\n                    SELECT l.supplier_id FROM new_rows n JOIN old_rows o ON o.code = n.code\n                    JOIN suppliers_category c ON c.sector_id = n.code\n                    JOIN suppliers_supplier_categories l ON l.category_id = c.code\n                    WHERE (n.name_fr, n.name_en) IS DISTINCT FROM (o.name_fr, o.name_en)));\n                RETURN NULL;', hash='e1516bb66505611b99e101a5949e7e54ad1bffa4', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_sector_updated_a269a', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='suppliers_sector', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sector',
            trigger=pgtrigger.compiler.Trigger(name='search_sector_changed', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(false); RETURN NULL;', hash='921a846a8e6b3594be21ae86b4e784cdd9c58c97', level='STATEMENT', operation='INSERT OR DELETE OR TRUNCATE', pgid='pgtrigger_search_sector_changed_84cba', table='suppliers_sector', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='servicearea',
            trigger=pgtrigger.compiler.Trigger(name='search_area_changed', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(false); RETURN NULL;', hash='ba64004fce7fe0c09a07ced1ed462fc0aa71dd59', level='STATEMENT', operation='INSERT OR UPDATE OR DELETE OR TRUNCATE', pgid='pgtrigger_search_area_changed_91c73', table='suppliers_servicearea', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplier',
            trigger=pgtrigger.compiler.Trigger(name='search_supplier_inserted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT id FROM new_rows));\n                PERFORM suppliers_search_text_changed(ARRAY(SELECT id FROM new_rows));\n                RETURN NULL;', hash='8cc8d6b4c4fe94f1f7d4a73e56f90789ac5107fe', level='STATEMENT', operation='INSERT', pgid='pgtrigger_search_supplier_inserted_d36a6', referencing='REFERENCING NEW TABLE AS new_rows ', table='suppliers_supplier', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplier',
            trigger=pgtrigger.compiler.Trigger(name='search_supplier_updated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(\n                    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id\n                    WHERE (n.status, n.name, n.updated_at, n.legal_form, n.accreditations, n.serves_all_quebec)\n                        IS DISTINCT FROM (o.status, o.name, o.updated_at, o.legal_form, o.accreditations,\n                                          o.serves_all_quebec)));\n                PERFORM suppliers_search_text_changed(ARRAY(\n                    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id\n                    WHERE (n.status, n.name, n.description_fr, n.description_en)\n                        IS DISTINCT FROM (o.status, o.name, o.description_fr, o.description_en)));\n                RETURN NULL;', hash='39839f17b7119a3a895f252e1c8e99a2df95e201', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_supplier_updated_3635e', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='suppliers_supplier', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplier',
            trigger=pgtrigger.compiler.Trigger(name='search_supplier_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT id FROM old_rows));\n                PERFORM suppliers_search_text_changed(ARRAY(SELECT id FROM old_rows));\n                RETURN NULL;', hash='df1145525d55306673db9acc34810a98c70410c9', level='STATEMENT', operation='DELETE', pgid='pgtrigger_search_supplier_deleted_051b5', referencing='REFERENCING OLD TABLE AS old_rows ', table='suppliers_supplier', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplier',
            trigger=pgtrigger.compiler.Trigger(name='search_supplier_truncated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(true);\n                DELETE FROM suppliers_search_document;\n                RETURN NULL;', hash='155fc9769eadceb6e79ae627245e7ee48718326f', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_search_supplier_truncated_29e44', table='suppliers_supplier', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplierarealink',
            trigger=pgtrigger.compiler.Trigger(name='search_area_link_inserted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT supplier_id FROM new_rows));  RETURN NULL;', hash='6c7a326daf75b4570a26adb3c05f3246e35f1bf6', level='STATEMENT', operation='INSERT', pgid='pgtrigger_search_area_link_inserted_c3840', referencing='REFERENCING NEW TABLE AS new_rows ', table='suppliers_supplier_areas_served', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplierarealink',
            trigger=pgtrigger.compiler.Trigger(name='search_area_link_updated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT supplier_id FROM (SELECT supplier_id FROM old_rows UNION SELECT supplier_id FROM new_rows) AS changed));  RETURN NULL;', hash='4140887818c6d10feb42f3dc75d880b6a8dbb425', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_area_link_updated_ea5d7', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='suppliers_supplier_areas_served', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplierarealink',
            trigger=pgtrigger.compiler.Trigger(name='search_area_link_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT supplier_id FROM old_rows));  RETURN NULL;', hash='489158d6ea05793f0b9ea0f6f8aad933c2b2c35c', level='STATEMENT', operation='DELETE', pgid='pgtrigger_search_area_link_deleted_06030', referencing='REFERENCING OLD TABLE AS old_rows ', table='suppliers_supplier_areas_served', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplierarealink',
            trigger=pgtrigger.compiler.Trigger(name='search_area_link_truncated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(true); RETURN NULL;', hash='db79a49ecd48911d6a45ba541421e9c830584be6', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_search_area_link_truncated_8d9d2', table='suppliers_supplier_areas_served', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='suppliercategorylink',
            trigger=pgtrigger.compiler.Trigger(name='search_category_link_inserted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT supplier_id FROM new_rows)); PERFORM suppliers_search_text_changed(ARRAY(SELECT supplier_id FROM new_rows)); RETURN NULL;', hash='546d3d077e8d8ce5b5fa02c2e4e553d147e8d9b8', level='STATEMENT', operation='INSERT', pgid='pgtrigger_search_category_link_inserted_7d579', referencing='REFERENCING NEW TABLE AS new_rows ', table='suppliers_supplier_categories', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='suppliercategorylink',
            trigger=pgtrigger.compiler.Trigger(name='search_category_link_updated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT supplier_id FROM (SELECT supplier_id FROM old_rows UNION SELECT supplier_id FROM new_rows) AS changed)); PERFORM suppliers_search_text_changed(ARRAY(SELECT supplier_id FROM (SELECT supplier_id FROM old_rows UNION SELECT supplier_id FROM new_rows) AS changed)); RETURN NULL;', hash='6eb080b0a8a1835c0c6707dc4756d2cc57659e68', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_category_link_updated_1b3b7', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='suppliers_supplier_categories', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='suppliercategorylink',
            trigger=pgtrigger.compiler.Trigger(name='search_category_link_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT supplier_id FROM old_rows)); PERFORM suppliers_search_text_changed(ARRAY(SELECT supplier_id FROM old_rows)); RETURN NULL;', hash='d8b939967e7424ea83e183f16e2891d3d10213b6', level='STATEMENT', operation='DELETE', pgid='pgtrigger_search_category_link_deleted_1c1dc', referencing='REFERENCING OLD TABLE AS old_rows ', table='suppliers_supplier_categories', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='suppliercategorylink',
            trigger=pgtrigger.compiler.Trigger(name='search_category_link_truncated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(true); PERFORM suppliers_search_text_changed(ARRAY(SELECT id FROM suppliers_supplier)); RETURN NULL;', hash='bd64e3d95edc122e0f23cfbc580a25652d1f13fb', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_search_category_link_truncated_961ce', table='suppliers_supplier_categories', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplierregionlink',
            trigger=pgtrigger.compiler.Trigger(name='search_region_link_inserted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT supplier_id FROM new_rows));  RETURN NULL;', hash='8a78aec5b05e6d09d14aefda90252fc16d740b76', level='STATEMENT', operation='INSERT', pgid='pgtrigger_search_region_link_inserted_0b399', referencing='REFERENCING NEW TABLE AS new_rows ', table='suppliers_supplier_regions_served', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplierregionlink',
            trigger=pgtrigger.compiler.Trigger(name='search_region_link_updated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT supplier_id FROM (SELECT supplier_id FROM old_rows UNION SELECT supplier_id FROM new_rows) AS changed));  RETURN NULL;', hash='4a08d4d7f6ea78a090de30624834742e11d8b890', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_search_region_link_updated_50962', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='suppliers_supplier_regions_served', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplierregionlink',
            trigger=pgtrigger.compiler.Trigger(name='search_region_link_deleted', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_log(ARRAY(SELECT supplier_id FROM old_rows));  RETURN NULL;', hash='dac314613ee176377ef7b7848b1d3665ba531465', level='STATEMENT', operation='DELETE', pgid='pgtrigger_search_region_link_deleted_7a211', referencing='REFERENCING OLD TABLE AS old_rows ', table='suppliers_supplier_regions_served', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supplierregionlink',
            trigger=pgtrigger.compiler.Trigger(name='search_region_link_truncated', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM suppliers_search_reference_changed(true); RETURN NULL;', hash='25ae7deb4b9cc023264b400594babb882f37f629', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_search_region_link_truncated_675fd', table='suppliers_supplier_regions_served', when='AFTER')),
        ),
    ]

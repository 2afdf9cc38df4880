from django.db import migrations


def seed(apps, schema_editor):
    from buyers.reference import load_threshold_rules

    load_threshold_rules(apps.get_model("buyers", "ThresholdRule"))


class Migration(migrations.Migration):
    dependencies = [("buyers", "0003_workspace")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

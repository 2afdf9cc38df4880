from django.db import migrations


def load(apps, schema_editor):
    from needs.reference import load_holidays

    load_holidays(apps.get_model("needs", "Holiday"))


class Migration(migrations.Migration):
    dependencies = [("needs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

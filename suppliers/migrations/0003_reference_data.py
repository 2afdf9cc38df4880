from django.db import migrations


def load(apps, schema_editor):
    from suppliers.reference import load_reference_data

    load_reference_data(
        apps.get_model("suppliers", "Region"), apps.get_model("suppliers", "Sector"), apps.get_model("suppliers", "Category")
    )


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

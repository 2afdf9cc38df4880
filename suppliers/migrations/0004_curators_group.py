from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = "Curators"
# Curators keep the catalogue: suppliers and offerings in full, reference data read-only, history read-only.
PERMISSIONS = {
    "suppliers": {
        "supplier": ["view", "add", "change", "delete"],
        "offering": ["view", "add", "change", "delete"],
        "region": ["view"],
        "sector": ["view"],
        "category": ["view"],
        "historicalsupplier": ["view"],
        "historicaloffering": ["view"],
    },
}


def create_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CURATORS)
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CURATORS).delete()


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0003_reference_data"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_group, remove_group)]

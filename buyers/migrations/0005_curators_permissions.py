from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = "Curators"
# Curators manage organisations and their domains, decide on buyers (approve, refuse) and edit threshold rules.
# Lists, records and saved searches have no admin: staff see counts only.
PERMISSIONS = {
    "buyerorganisation": ["view", "add", "change", "delete"],
    "organisationdomain": ["view", "add", "change", "delete"],
    "buyer": ["view", "change"],
    "thresholdrule": ["view", "add", "change", "delete"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CURATORS)
    for model, actions in PERMISSIONS.items():
        for action in actions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="buyers", codename=f"{action}_{model}")
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=CURATORS).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="buyers"))


class Migration(migrations.Migration):
    dependencies = [("buyers", "0004_threshold_rules_seed"), ("suppliers", "0004_curators_group")]
    operations = [migrations.RunPython(grant, revoke)]

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = "Curators"
# Curators validate needs (decide = change), keep the holidays, and watch the outbox (send again = change).
PERMISSIONS = {
    "needs": {
        "need": ["view", "change"],
        "historicalneed": ["view"],
        "recipient": ["view"],
        "notification": ["view", "change"],
        "holiday": ["view", "add", "change", "delete"],
    },
}


def grant(apps, schema_editor):
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


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=CURATORS).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="needs"))


class Migration(migrations.Migration):
    dependencies = [("needs", "0002_holidays"), ("suppliers", "0004_curators_group")]
    operations = [migrations.RunPython(grant, revoke)]

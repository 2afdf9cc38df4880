from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = "Curators"
# Curators review what enterprises send: claims and revisions (decide = change), members and invitations.
PERMISSIONS = {
    "enterprises": {
        "revision": ["view", "change"],
        "claimrequest": ["view", "change"],
        "membership": ["view", "change", "delete"],
        "invitation": ["view"],
        "accreditationclaim": ["view"],
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
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="enterprises"))


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial"), ("suppliers", "0004_curators_group")]
    operations = [migrations.RunPython(grant, revoke)]

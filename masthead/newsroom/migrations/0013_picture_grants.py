"""The picture library's grants: a reporter uploads and describes pictures for their stories;
an editor also changes any picture (its text, its focal point). Deleting stays with
administrators (a picture may be on published pages)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Reporter": ("add_image", "change_image", "view_image"),
    "Editor": ("add_image", "change_image", "view_image"),
}


def grant(apps, schema_editor):
    config = apps.get_app_config("newsroom")
    config.models_module = True  # permissions are otherwise made after all migrations
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="newsroom", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="newsroom", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0012_pictures")]

    operations = [migrations.RunPython(grant, revoke)]

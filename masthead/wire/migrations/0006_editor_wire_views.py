"""The Editor group sees the wire's feeds, its ingest log and the near-duplicates it found
(the story page shows a wire story's near-duplicates): what an editor needs to judge wire
copy. Changing feeds stays with administrators; reporters see none of it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WANTED = ("view_feed", "view_ingestlog", "view_nearduplicate")


def grant(apps, schema_editor):
    config = apps.get_app_config("wire")
    config.models_module = True  # permissions are otherwise made after all migrations
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(
        *Permission.objects.filter(content_type__app_label="wire", codename__in=WANTED)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editor in Group.objects.filter(name="Editor"):
        editor.permissions.remove(
            *Permission.objects.filter(content_type__app_label="wire", codename__in=WANTED)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("wire", "0005_feed_poll_claim"),
        ("newsroom", "0008_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

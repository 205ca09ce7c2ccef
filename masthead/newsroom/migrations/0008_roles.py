"""The newsroom's two roles as Django groups: Reporter and Editor.

A reporter writes and edits their own drafts and submits them for review; an editor edits
anything and alone holds `publish_article` (publish, schedule, unpublish, correct, kill). The
actions enforce it (`masthead.newsroom.actions.base.require`); these groups hand it out.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = {
    "article": ("add", "change", "view"),
    "author": ("view",),
    "section": ("view",),
    "source": ("view",),
    "tag": ("add", "view"),
}
EDITOR = {
    "article": ("add", "change", "view", "publish"),
    "articlerevision": ("view",),
    "author": ("add", "change", "view"),
    "correction": ("view",),
    "section": ("add", "change", "view"),
    "source": ("view",),
    "statuschange": ("view",),
    "tag": ("add", "change", "view"),
}


def codename(verb: str, model: str) -> str:
    return f"{verb}_{model}"  # publish_article, view_tag...


def create_roles(apps, schema_editor):
    # Permissions are made after migrations run (post_migrate); this migration needs them now.
    config = apps.get_app_config("newsroom")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in (("Reporter", REPORTER), ("Editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [codename(v, m) for m, verbs in grants.items() for v in verbs]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="newsroom", codename__in=wanted)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("newsroom", "0007_workflow"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

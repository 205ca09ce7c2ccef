"""The newsroom's roles as Django groups, kept whole after every migrate and flush.

Migration 0008 makes the Reporter and Editor groups (and wire 0006 lets editors see the
wire); this puts back what a database flush removed (a test run's transactional tests flush
every table, and Django sends `post_migrate` after it), and adds any grant the migrations
gave, never removing one an administrator added. The grants are written here once; the
migrations keep their own copies, as migrations must.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

# Group -> permissions as "app_label.codename".
ROLES: dict[str, tuple[str, ...]] = {
    "Reporter": (
        "newsroom.add_article",
        "newsroom.change_article",
        "newsroom.view_article",
        "newsroom.add_image",
        "newsroom.change_image",
        "newsroom.view_image",
        "newsroom.view_author",
        "newsroom.view_section",
        "newsroom.view_source",
        "newsroom.add_tag",
        "newsroom.view_tag",
    ),
    "Editor": (
        "newsroom.add_article",
        "newsroom.change_article",
        "newsroom.view_article",
        "newsroom.publish_article",
        "newsroom.add_image",
        "newsroom.change_image",
        "newsroom.view_image",
        "newsroom.view_articlerevision",
        "newsroom.add_author",
        "newsroom.change_author",
        "newsroom.view_author",
        "newsroom.view_correction",
        "newsroom.add_section",
        "newsroom.change_section",
        "newsroom.view_section",
        "newsroom.view_source",
        "newsroom.view_statuschange",
        "newsroom.add_tag",
        "newsroom.change_tag",
        "newsroom.view_tag",
        "wire.view_feed",
        "wire.view_ingestlog",
        "wire.view_nearduplicate",
        "site.view_paperpage",
        "site.change_paperpage",
    ),
}


def ensure_roles() -> None:
    from django.contrib.auth.models import Group, Permission

    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for grant in grants:
            app_label, codename = grant.split(".")
            found = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                group.permissions.add(found)


def after_migrate(sender: Any, **kwargs: Any) -> None:
    """Once per migrate (or flush): after the last app's, when every permission exists."""
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if with_models and sender is with_models[-1]:  # Django signals only apps with models
        ensure_roles()

"""The roles survive a flush (transactional tests flush every table) and a fresh migrate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from masthead.newsroom.roles import ROLES


def grants(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


@pytest.mark.django_db(transaction=True)
def test_it_puts_the_roles_back_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    # At least the newsroom's grants (other apps add their own, e.g. newsletters).
    assert grants("Reporter") >= set(ROLES["Reporter"])
    assert grants("Editor") >= set(ROLES["Editor"])
    assert "newsroom.publish_article" not in grants("Reporter")


@pytest.mark.django_db
def test_it_gives_the_same_grants_as_the_migrations():
    assert grants("Reporter") >= set(ROLES["Reporter"])
    assert grants("Editor") >= set(ROLES["Editor"])
    assert not any("publish" in g for g in grants("Reporter"))

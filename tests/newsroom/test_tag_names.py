"""Tags are named through the text pipeline, whoever names them: the wire, rules or editors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masthead.newsroom.models import Tag
from masthead.newsroom.services import tags_named

pytestmark = pytest.mark.django_db


def test_it_repairs_mojibake_and_strips_markup_before_making_the_slug():
    tags = tags_named(["CafÃ© Society", "<b>Port</b>\n  Alder", "&lt;i&gt;Harbour&lt;/i&gt;"])
    assert [(t.name, t.slug) for t in tags] == [
        ("Café Society", "cafe-society"),
        ("Port Alder", "port-alder"),
        ("Harbour", "harbour"),
    ]


def test_a_damaged_name_finds_the_tag_its_clean_form_names():
    clean = Tag.objects.create(name="Café Society", slug="cafe-society")
    assert tags_named(["CafÃ© Society"]) == [clean]
    assert Tag.objects.count() == 1


def test_it_drops_names_with_nothing_left_after_cleaning():
    assert tags_named(["<script>x()</script>", "<img src=x>", "  "]) == []
    assert not Tag.objects.exists()


def test_a_runs_cache_gives_the_same_tags():
    cache: dict = {}
    first = tags_named(["CafÃ© Society", "<b>Port</b> Alder"], cache=cache)
    again = tags_named(["CafÃ© Society", "<b>Port</b> Alder"], cache=cache)
    assert [t.name for t in again] == [t.name for t in first] == ["Café Society", "Port Alder"]


def test_it_keeps_characters_a_reader_should_see():
    (tag,) = tags_named(["Harbour & Port <2026>"])
    assert tag.name == "Harbour & Port <2026>"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="pw-for-tests-only"
    )


def test_the_admin_cleans_a_typed_tag_name(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:newsroom_tag_add"), {"name": "<b>CafÃ© </b> Society", "slug": "cafe"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Tag.objects.get(slug="cafe").name == "Café Society"


def test_the_admin_refuses_a_name_that_is_only_markup(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:newsroom_tag_add"), {"name": "<script>x()</script>", "slug": "x"}
    )
    assert response.status_code == 200
    assert "A tag needs a name with some text in it." in response.content.decode()
    assert not Tag.objects.exists()

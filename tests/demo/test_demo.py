"""`masthead demo`: fictional content through the real ingest, the same site every time."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from masthead.newsroom.models import Article, Section, Source

pytestmark = pytest.mark.django_db


def site_snapshot() -> set[tuple]:
    return set(
        Article.objects.values_list(
            "slug",
            "headline",
            "body",
            "status",
            "published_at",
            "source__slug",
            "is_local",
            "is_fiction",
            "dateline",
        )
    )


def load_demo() -> str:
    out = io.StringIO()
    call_command("demo", no_migrate=True, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_loads_fictional_wire_and_local_stories_across_all_sections():
    summary = load_demo()
    assert "0 errors" in summary
    wire = Article.objects.published().filter(source__kind=Source.Kind.WIRE)
    local = Article.objects.published().filter(is_local=True)
    assert wire.count() >= 60
    assert wire.values("source").distinct().count() >= 2
    assert local.count() >= 10
    assert not Article.objects.filter(is_fiction=False).exists()
    for section in Section.objects.all():
        assert Article.objects.published().in_section(section).exists(), section.slug


def test_it_gives_the_same_site_when_run_twice():
    load_demo()
    first = site_snapshot()
    summary = load_demo()
    assert "0 new, 0 updated" in summary
    assert site_snapshot() == first


def test_it_serves_every_page_type_with_the_demo_content(client):
    load_demo()
    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    for section in Section.objects.filter(in_nav=True):
        assert f'href="{section.get_absolute_url()}"' in html
        assert client.get(section.get_absolute_url()).status_code == 200
    story = Article.objects.published().filter(source__slug="harbor-light-wire").first()
    page = client.get(story.get_absolute_url()).content.decode()
    assert story.dateline and story.dateline in page
    assert "Harbor Light Wire" in page
    assert "This story is fiction" in page
    tag = story.tags.first()
    assert client.get(tag.get_absolute_url()).status_code == 200


def test_it_makes_a_reporter_and_an_editor_once_with_passwords_shown_once(client):
    import re

    from django.contrib.auth import get_user_model

    summary = load_demo()
    shown = dict(re.findall(r"\((Reporter|Editor)\): \w+ / (\S+)", summary))
    assert set(shown) == {"Reporter", "Editor"}
    users = get_user_model().objects
    reporter, editor = users.get(username="reporter"), users.get(username="editor")
    assert not reporter.has_perm("newsroom.publish_article")
    assert editor.has_perm("newsroom.publish_article")
    assert client.login(username="editor", password=shown["Editor"])
    assert client.get("/admin/newsroom/article/").status_code == 200
    again = load_demo()
    assert "Back-office account" not in again
    assert users.get(username="reporter").check_password(shown["Reporter"])

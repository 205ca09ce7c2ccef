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
    assert wire.count() >= 55  # and a few more held back for the live wire
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


def test_it_dates_the_stories_from_the_moment_it_is_first_loaded():
    import datetime as dt

    from django.utils import timezone

    load_demo()
    newest = Article.objects.published().newest_first().first()
    assert timezone.now() - newest.published_at < dt.timedelta(hours=2)
    oldest = Article.objects.published().order_by("published_at").first()
    assert timezone.now() - oldest.published_at < dt.timedelta(days=8)
    again = load_demo()  # later runs keep the first load's dates: the same site
    assert "0 new, 0 updated" in again


def test_it_keeps_the_wire_delivering_one_story_every_few_minutes(client):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from masthead.demo import live
    from masthead.wire.ingest import poll_feed
    from masthead.wire.models import Feed

    summary = load_demo()
    assert "more fictional stories" in summary
    feed = Feed.objects.get(slug="demo-continental-press")
    assert (
        feed.enabled and Feed.objects.filter(slug__startswith="demo-", enabled=False).count() == 0
    )
    before = Article.objects.published().count()
    waiting = live.waiting()
    assert waiting >= 5
    with time_machine.travel(timezone.now() + 2 * live.RELEASE_EVERY + dt.timedelta(seconds=5)):
        released = live.release_due()
        assert len(released) == 2
        poll_feed(feed)
        assert Article.objects.published().count() == before + 2
        newest = Article.objects.published().newest_first().first()
        assert timezone.now() - newest.published_at < live.RELEASE_EVERY
        assert newest.is_fiction
        news = client.get("/news-sitemap.xml").content.decode()
        assert newest.get_absolute_url() in news
    assert live.waiting() == waiting - 2

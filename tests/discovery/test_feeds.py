"""Feeds: RSS 2.0 and Atom for the site, each section and each tag, read by feedparser."""

from __future__ import annotations

import feedparser
import pytest

from masthead.newsroom.models import Access, Article
from tests.factories import AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(make_story, commit, frozen):
    local = SectionFactory(name="Local", slug="local")
    harbour = TagFactory(name="Harbour & Port", slug="harbour-port")
    free = make_story(
        headline="Harbour <plan> & “quotes” approved",
        summary="Council approves the plan.",
        body="<p>Full <em>free</em> text.\x0b</p>",
        access=Access.FREE,
        sections=[local],
        tags=[harbour],
        authors=[AuthorFactory(name="Ana Ruiz")],
    )
    walled = make_story(
        headline="Budget leak",
        summary="Only the summary.",
        body="<p>SECRET-BODY-TEXT</p>",
        access=Access.SUBSCRIBERS,
        sections=[local],
        tags=[harbour],
    )
    killed = make_story(headline="KILLED-STORY", sections=[local], tags=[harbour])
    make_story(
        headline="EMBARGOED-STORY",
        sections=[local],
        tags=[harbour],
        embargo_until=frozen_time_plus_hours(3),
    )
    with commit():
        killed.status = Article.Status.KILLED
        killed.save()
    return {"free": free, "walled": walled, "section": local, "tag": harbour}


FEEDS = [
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/section/local/rss/",
    "/feeds/section/local/atom/",
    "/feeds/tag/harbour-port/rss/",
    "/feeds/tag/harbour-port/atom/",
]


@pytest.mark.parametrize("url", FEEDS)
def test_it_serves_feeds_that_feedparser_reads_without_bozo(client, newsroom, url):
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version in {"rss20", "atom10"}
    titles = [e.title for e in parsed.entries]
    assert sorted(titles) == ["Budget leak", "Harbour <plan> & “quotes” approved"]


@pytest.mark.parametrize("url", FEEDS)
def test_it_gives_walled_stories_their_summary_only(client, newsroom, url):
    content = client.get(url).content.decode()
    assert "SECRET-BODY-TEXT" not in content
    assert "KILLED-STORY" not in content and "EMBARGOED-STORY" not in content
    parsed = feedparser.parse(content)
    by_title = {e.title: e for e in parsed.entries}
    assert by_title["Budget leak"].summary == "Only the summary."
    free = by_title["Harbour <plan> & “quotes” approved"]
    assert free.summary == "Council approves the plan."
    assert "free" in free.content[0].value  # the full body is the item's HTML content
    assert "content" not in by_title["Budget leak"]


def test_it_describes_items_fully(client, newsroom):
    parsed = feedparser.parse(client.get("/feeds/atom/").content)
    entry = next(e for e in parsed.entries if e.title.startswith("Harbour"))
    assert entry.link == "http://testserver" + newsroom["free"].get_absolute_url()
    assert entry.author == "Ana Ruiz"
    assert [t.term for t in entry.tags] == ["Harbour & Port"]
    assert entry.published_parsed is not None and entry.updated_parsed is not None
    rss = feedparser.parse(client.get("/feeds/rss/").content)
    assert rss.feed.language == "en"


def test_it_answers_404_for_an_unknown_section_or_tag(client, db):
    assert client.get("/feeds/section/nope/rss/").status_code == 404
    assert client.get("/feeds/tag/nope/atom/").status_code == 404


def test_it_advertises_feeds_in_each_page_head(client, newsroom):
    home = client.get("/").content.decode()
    assert 'rel="alternate" type="application/rss+xml"' in home and 'href="/feeds/rss/"' in home
    assert 'type="application/atom+xml"' in home and 'href="/feeds/atom/"' in home
    section = client.get("/section/local/").content.decode()
    assert 'href="/feeds/section/local/rss/"' in section
    tag = client.get("/tag/harbour-port/").content.decode()
    assert 'href="/feeds/tag/harbour-port/atom/"' in tag
    article = client.get(newsroom["free"].get_absolute_url()).content.decode()
    assert 'href="/feeds/section/local/atom/"' in article


def frozen_time_plus_hours(hours: float):
    import datetime as dt

    from django.utils import timezone

    return timezone.now() + dt.timedelta(hours=hours)

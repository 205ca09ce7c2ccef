"""Sitemaps: index, stories with lastmod = last update, sections, Google News (48 hours)."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from masthead.newsroom.models import Article, Source
from tests.factories import SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def xml(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return etree.fromstring(response.content)


def ago(hours: float) -> dt.datetime:
    from django.utils import timezone

    return timezone.now() - dt.timedelta(hours=hours)


def test_it_lists_every_sitemap_in_the_index(client, db):
    root = xml(client, "/sitemap.xml")
    locs = root.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
    assert {loc.rsplit("/", 1)[1] for loc in locs} == {
        "sitemap-articles.xml",
        "sitemap-sections.xml",
        "sitemap-news.xml",
    }


def test_it_sets_lastmod_to_the_last_update_not_the_publish_date(client, make_story, frozen):
    story = make_story(published_at=ago(50), slug="updated-story")
    Article.objects.filter(pk=story.pk).update(updated_at=ago(2))
    root = xml(client, "/sitemap-articles.xml")
    url = root.xpath("//sm:url[sm:loc[contains(., 'updated-story')]]", namespaces=NS)[0]
    lastmod = url.xpath("sm:lastmod/text()", namespaces=NS)[0]
    assert dt.datetime.fromisoformat(lastmod) == ago(2).replace(microsecond=0)


def test_it_leaves_out_hidden_and_syndicated_copies(client, make_story, commit, frozen):
    make_story(slug="visible")
    killed = make_story(slug="killed")
    make_story(slug="embargoed", embargo_until=ago(-3))
    make_story(
        slug="noindexed",
        source=SourceFactory(name="Noindex Wire", index_policy=Source.IndexPolicy.NOINDEX),
    )
    make_story(
        slug="canonicalised",
        canonical_url="https://origin.example/story",
        source=SourceFactory(name="Canon Wire", index_policy=Source.IndexPolicy.CANONICAL),
    )
    with commit():
        killed.status = Article.Status.KILLED
        killed.save()
    locs = xml(client, "/sitemap-articles.xml").xpath("//sm:loc/text()", namespaces=NS)
    assert [loc.rstrip("/").rsplit("/", 1)[1] for loc in locs] == ["visible"]


def test_it_lists_sections(client, db):
    SectionFactory(name="Local", slug="local")
    locs = xml(client, "/sitemap-sections.xml").xpath("//sm:loc/text()", namespaces=NS)
    assert locs == ["http://testserver/section/local/"]


def test_it_serves_a_google_news_sitemap_of_the_last_48_hours(client, make_story, frozen, settings):
    settings.PAPER_NAME = "The Pacific Ledger"
    make_story(slug="fresh", headline="Fresh & new", published_at=ago(3))
    make_story(slug="two-days", published_at=ago(47))
    make_story(slug="stale", published_at=ago(49))
    for url in ("/news-sitemap.xml", "/sitemap-news.xml"):
        root = xml(client, url)
        entries = root.xpath("//sm:url", namespaces=NS)
        slugs = [
            e.xpath("sm:loc/text()", namespaces=NS)[0].rstrip("/").rsplit("/", 1)[1]
            for e in entries
        ]
        assert slugs == ["fresh", "two-days"]
        news = entries[0].xpath("news:news", namespaces=NS)[0]
        assert news.xpath("news:publication/news:name/text()", namespaces=NS) == [
            "The Pacific Ledger"
        ]
        assert news.xpath("news:publication/news:language/text()", namespaces=NS) == ["en"]
        assert news.xpath("news:title/text()", namespaces=NS) == ["Fresh & new"]
        published = news.xpath("news:publication_date/text()", namespaces=NS)[0]
        assert dt.datetime.fromisoformat(published) == ago(3).replace(microsecond=0)

"""Tag names from wire categories go through the text pipeline, as headlines do.

A category is plain text that a tag page and the tag's feed show; mojibake or markup in it
("CafÃ© Society", "<b>Port</b> Alder") would otherwise reach readers as sent.
"""

from __future__ import annotations

import feedparser
import pytest
import time_machine

from masthead.newsroom.models import Access, Article, Tag
from masthead.wire.ingest import ingest_bytes
from tests.wire_documents import rss, rss_item

pytestmark = pytest.mark.django_db

CATEGORIES = ["CafÃ© Society", "<b>Port</b> Alder", "<script>x()</script>", "Café Society"]


@pytest.fixture
def story():
    with time_machine.travel("2026-11-28 12:00Z", tick=False):
        summary = ingest_bytes(
            rss(
                rss_item(
                    title="Harbour café reopens",
                    guid="tags-1",
                    description="The café on the harbour reopened on Friday.",
                    categories=CATEGORIES,
                )
            ),
            file="tags.xml",
            source_name="Tag Wire",
        )
    assert summary.errors == 0, summary.results
    article = Article.objects.get(pk=summary.results[0].article_id)
    # Wire copy is walled by default; the tag feed should list it either way.
    Article.objects.filter(pk=article.pk).update(access=Access.FREE)
    return article


def test_it_repairs_and_strips_category_names_into_tags(story):
    assert sorted(t.name for t in story.tags.all()) == ["Café Society", "Port Alder"]
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["cafe-society", "port-alder"]


def test_it_makes_no_tag_from_a_name_that_is_only_markup(story):
    assert not Tag.objects.filter(name__icontains="script").exists()
    assert not Tag.objects.filter(name="").exists()
    assert Tag.objects.count() == 2


def test_the_tag_page_shows_the_repaired_names(client, story):
    page = client.get("/tag/cafe-society/").content.decode()
    assert "Café Society" in page and "CafÃ©" not in page
    page = client.get("/tag/port-alder/").content.decode()
    assert "Port Alder" in page and "&lt;b&gt;" not in page and "<b>Port" not in page


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_tag_feed_shows_the_repaired_names(client, story, kind):
    content = client.get(f"/feeds/tag/port-alder/{kind}/").content.decode()
    parsed = feedparser.parse(content)
    assert parsed.feed.title.startswith("Port Alder · ")
    (entry,) = parsed.entries
    assert sorted(t.term for t in entry.tags) == ["Café Society", "Port Alder"]
    assert "CafÃ" not in content and "&lt;b&gt;" not in content

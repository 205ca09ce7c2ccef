"""Article head metadata: NewsArticle JSON-LD (read by extruct), Open Graph, index policy."""

from __future__ import annotations

import datetime as dt

import extruct
import pytest
from lxml import html as lxml_html

from masthead.newsroom.models import Access, Article, Source
from tests.factories import AuthorFactory, SectionFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


def page(client, article: Article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def news_article(html: str) -> dict:
    data = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])
    items = [i for i in data["json-ld"] if i.get("@type") == "NewsArticle"]
    assert len(items) == 1
    return items[0]


def meta(html: str) -> dict[str, list[str]]:
    tree = lxml_html.fromstring(html)
    found: dict[str, list[str]] = {}
    for el in tree.xpath("//head/meta[@property or @name]"):
        found.setdefault(el.get("property") or el.get("name"), []).append(el.get("content"))
    return found


@pytest.fixture
def story(make_story, frozen):
    return make_story(
        headline="Harbour plan </script><script>alert(1)</script> approved",
        summary="Council approves the harbour plan.",
        body="<p>FULL-BODY-TEXT</p>",
        access=Access.FREE,
        sections=[SectionFactory(name="Local", slug="local")],
        tags=[TagFactory(name="Harbour"), TagFactory(name="Council")],
        authors=[AuthorFactory(name="Ana Ruiz"), AuthorFactory(name="Bo Chen")],
        image_url="https://images.example/harbour.jpg",
        published_at=dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC),
        updated_at=dt.datetime(2026, 3, 10, 11, 0, tzinfo=dt.UTC),
    )


def test_it_describes_the_story_as_a_news_article(client, story):
    data = news_article(page(client, story))
    assert data["headline"] == "Harbour plan </script><script>alert(1)</script> approved"
    assert data["datePublished"] == "2026-03-10T09:00:00+00:00"
    assert data["dateModified"] == "2026-03-10T11:00:00+00:00"
    assert [a["name"] for a in data["author"]] == ["Ana Ruiz", "Bo Chen"]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["logo"]["url"] == "http://testserver/static/discovery/logo.png"
    assert data["image"] == ["https://images.example/harbour.jpg"]
    assert data["articleSection"] == "Local"
    assert data["keywords"] == ["Council", "Harbour"]
    assert data["isAccessibleForFree"] is True
    assert "hasPart" not in data
    assert data["mainEntityOfPage"]["@id"] == "http://testserver" + story.get_absolute_url()


def test_it_keeps_a_headline_from_closing_the_script_tag(client, story):
    html = page(client, story)
    script = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in script and "\\u003C/script\\u003E" in script


def test_it_marks_gated_stories_and_never_carries_their_text(client, make_story, frozen):
    walled = make_story(
        headline="Budget leak",
        summary="Only the summary.",
        body="<p>SECRET-BODY-TEXT</p>",
        access=Access.SUBSCRIBERS,
    )
    wire = make_story(headline="Wire copy")  # wire copy is walled by the source rule
    for article in (walled, wire):
        data = news_article(page(client, article))
        assert data["isAccessibleForFree"] is False
        assert data["hasPart"] == {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".story__body",
        }
        assert "articleBody" not in data
        assert "SECRET-BODY-TEXT" not in str(data)


def test_it_sets_open_graph_and_twitter_cards(client, story):
    tags = meta(page(client, story))
    assert tags["og:title"] == [story.headline]
    assert tags["og:type"] == ["article"]
    assert tags["og:image"] == ["https://images.example/harbour.jpg"]
    assert tags["og:url"] == ["http://testserver" + story.get_absolute_url()]
    assert tags["article:published_time"] == ["2026-03-10T02:00:00-07:00"]
    assert tags["article:section"] == ["Local"]
    assert sorted(tags["article:tag"]) == ["Council", "Harbour"]
    assert tags["twitter:card"] == ["summary_large_image"]


def test_it_falls_back_to_the_logo_when_a_story_has_no_image(client, make_story, frozen):
    tags = meta(page(client, make_story(image_url="")))
    assert tags["og:image"] == ["http://testserver/static/discovery/logo.png"]


def test_it_follows_each_sources_index_policy(client, make_story, frozen):
    def head(article: Article):
        tree = lxml_html.fromstring(page(client, article))
        return (
            tree.xpath("//head/link[@rel='canonical']/@href"),
            tree.xpath("//head/meta[@name='robots']/@content"),
        )

    normal = make_story(source=SourceFactory(name="Index Wire"))
    assert head(normal) == (["http://testserver" + normal.get_absolute_url()], [])

    canon = SourceFactory(name="Canon Wire", index_policy=Source.IndexPolicy.CANONICAL)
    pointed = make_story(source=canon, canonical_url="https://origin.example/story-1")
    assert head(pointed) == (["https://origin.example/story-1"], [])
    without_url = make_story(source=canon, canonical_url="")
    assert head(without_url)[0] == ["http://testserver" + without_url.get_absolute_url()]

    hidden = make_story(
        source=SourceFactory(name="Noindex Wire", index_policy=Source.IndexPolicy.NOINDEX)
    )
    assert head(hidden) == ([], ["noindex, follow"])

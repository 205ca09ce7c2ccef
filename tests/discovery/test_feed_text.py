"""Feeds send plain-text fields as text: a summary that spells out markup is shown, not run.

A story's summary, headline, bylines and tags are plain text (the text pipeline decoded any
entities), so a summary may hold the characters `<img …>`. Sent as Atom `type="html"` or as
RSS's HTML description, a feed reader would render those characters as a live element.
"""

from __future__ import annotations

import html
import re

import feedparser
import pytest
from lxml import etree

from masthead.newsroom.models import Access
from tests.factories import AuthorFactory, TagFactory

pytestmark = pytest.mark.django_db

SUMMARY = "<img src=x onerror=alert(1)> Harbour closes"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
# A live element: "<img" as markup. The text "&lt;img" a reader shows as "<img" never matches.
LIVE_IMG = re.compile(r"<img\b", re.IGNORECASE)


@pytest.fixture
def stories(make_story, frozen):
    tag = TagFactory(name="<b>Port</b> & Alder", slug="port-alder")
    walled = make_story(
        headline="Walled <img src=x onerror=alert(2)> story",
        summary=SUMMARY,
        body="<p>WALLED-BODY</p>",
        access=Access.SUBSCRIBERS,
        tags=[tag],
        authors=[AuthorFactory(name="<i>Ana</i> Ruiz", slug="ana-ruiz")],
    )
    free = make_story(
        headline="Free story",
        summary=SUMMARY,
        body='<p>Full <em>free</em> text.</p><p><a href="https://example.org/">Link</a></p>',
        access=Access.FREE,
        tags=[tag],
    )
    return {"walled": walled, "free": free, "tag": tag}


ATOM_FEEDS = ["/feeds/atom/", "/feeds/tag/port-alder/atom/"]
RSS_FEEDS = ["/feeds/rss/", "/feeds/tag/port-alder/rss/"]


@pytest.mark.parametrize("url", ATOM_FEEDS)
def test_it_sends_atom_summaries_as_text(client, stories, url):
    parsed = feedparser.parse(client.get(url).content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == 2
    for entry in parsed.entries:
        assert entry.summary_detail.type == "text/plain"
        assert entry.summary == SUMMARY


@pytest.mark.parametrize("url", ATOM_FEEDS)
def test_it_sends_atom_titles_authors_and_categories_as_text(client, stories, url):
    parsed = feedparser.parse(client.get(url).content)
    walled = next(e for e in parsed.entries if e.title.startswith("Walled"))
    assert walled.title_detail.type == "text/plain"
    assert walled.title == "Walled <img src=x onerror=alert(2)> story"
    assert walled.author == "<i>Ana</i> Ruiz"
    assert [t.term for t in walled.tags] == ["<b>Port</b> & Alder"]


@pytest.mark.parametrize("url", ATOM_FEEDS)
def test_no_atom_element_carries_plain_text_as_html(client, stories, url):
    root = etree.fromstring(client.get(url).content)
    for entry in root.iter(f"{ATOM}entry"):
        summary = entry.find(f"{ATOM}summary")
        assert summary is not None and summary.get("type") == "text"
        for element in entry.iter():
            if element.get("type") in {"html", "xhtml"}:
                assert element.tag == f"{ATOM}content"  # only the sanitised body is HTML
                assert not LIVE_IMG.search(element.text or "")


@pytest.mark.parametrize("url", RSS_FEEDS)
def test_it_escapes_rss_descriptions_so_readers_show_the_characters(client, stories, url):
    root = etree.fromstring(client.get(url).content)
    items = root.findall("./channel/item")
    assert len(items) == 2
    for item in items:
        description = item.findtext("description")  # XML-decoded: the HTML a reader renders
        assert description is not None
        assert not LIVE_IMG.search(description)
        assert "&lt;img src=x onerror=alert(1)&gt;" in description
        assert html.unescape(description) == SUMMARY


@pytest.mark.parametrize("url", RSS_FEEDS)
def test_feedparser_reads_the_rss_summary_as_the_plain_text(client, stories, url):
    parsed = feedparser.parse(client.get(url).content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    for entry in parsed.entries:
        assert not LIVE_IMG.search(entry.summary)
        assert html.unescape(entry.summary) == SUMMARY


@pytest.mark.parametrize("url", ATOM_FEEDS + RSS_FEEDS)
def test_only_free_stories_carry_their_sanitised_body_as_html_content(client, stories, url):
    content = client.get(url).content.decode()
    assert "WALLED-BODY" not in content
    parsed = feedparser.parse(content)
    by_title = {e.title: e for e in parsed.entries}
    free = by_title["Free story"]
    assert [c.type for c in free.content] == ["text/html"]
    assert "<em>free</em>" in free.content[0].value
    walled = next(e for t, e in by_title.items() if t != "Free story")
    assert "content" not in walled


def test_the_rss_body_is_the_stored_body_in_content_encoded(client, stories):
    root = etree.fromstring(client.get("/feeds/rss/").content)
    bodies = [item.findtext(CONTENT_ENCODED) for item in root.findall("./channel/item")]
    assert sorted(bodies, key=str) == sorted([stories["free"].body, None], key=str)


def test_a_free_story_without_a_summary_sends_its_body_once_as_the_rss_description(
    client, make_story, frozen
):
    story = make_story(summary="", body="<p>Only <em>body</em>.</p>", access=Access.FREE)
    root = etree.fromstring(client.get("/feeds/rss/").content)
    (item,) = root.findall("./channel/item")
    assert item.findtext("description") == story.body
    assert item.find(CONTENT_ENCODED) is None
    atom = feedparser.parse(client.get("/feeds/atom/").content)
    (entry,) = atom.entries
    assert entry.content[0].value == story.body

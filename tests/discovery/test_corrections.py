"""Corrections follow the story into its JSON-LD and its feed entries (free and walled)."""

from __future__ import annotations

import datetime as dt
import json
import re
from calendar import timegm

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.newsroom.actions import ApplyCorrectionAction
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Access, Article
from tests.discovery.clock import NOW
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db

PUBLISHED = NOW - dt.timedelta(hours=6)
UPDATED = NOW - dt.timedelta(hours=4)
FIRST = NOW - dt.timedelta(hours=3)
LATEST = NOW - dt.timedelta(hours=1)


@pytest.fixture
def stories(make_story, commit, frozen):
    local = SectionFactory(name="Local", slug="local")
    free = make_story(
        headline="Harbour vote passes",
        summary="The council approved the plan.",
        body="<p>FREE-BODY-TEXT</p>",
        access=Access.FREE,
        sections=[local],
        published_at=PUBLISHED,
        updated_at=UPDATED,
    )
    walled = make_story(
        headline="Budget leak",
        summary="Only the summary.",
        body="<p>SECRET-BODY-TEXT</p>",
        access=Access.SUBSCRIBERS,
        sections=[local],
        published_at=PUBLISHED,
    )
    actor = Actor.system("tests")
    for article in (free, walled):
        for at, note in ((FIRST, "The vote was 5-2 <not 6-1>."), (LATEST, "Ana Ruiz is mayor.")):
            with commit():
                ApplyCorrectionAction(article=article, note=note, actor=actor, at=at).execute()
    return {"free": free, "walled": walled}


def jsonld(client, article: Article) -> dict:
    page = client.get(article.get_absolute_url()).content.decode()
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(script)


def test_the_jsonld_lists_each_correction_as_a_correction_comment(client, stories):
    data = jsonld(client, stories["free"])
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The vote was 5-2 <not 6-1>.",
            "datePublished": FIRST.isoformat(),
        },
        {
            "@type": "CorrectionComment",
            "text": "Ana Ruiz is mayor.",
            "datePublished": LATEST.isoformat(),
        },
    ]
    # Later than the update: the latest correction is when the story last changed.
    assert data["dateModified"] == LATEST.isoformat()
    assert data["datePublished"] == PUBLISHED.isoformat()


def test_a_story_never_corrected_has_no_correction_in_its_jsonld(client, make_story, frozen):
    story = make_story(access=Access.FREE, published_at=PUBLISHED)
    assert "correction" not in jsonld(client, story)


def parsed(client, url: str) -> dict[str, feedparser.FeedParserDict]:
    feed = feedparser.parse(client.get(url).content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return {e.title: e for e in feed.entries}


@pytest.mark.parametrize("url", ["/feeds/atom/", "/feeds/section/local/atom/"])
def test_an_atom_entry_is_updated_at_its_latest_correction_and_ends_with_the_notes(
    client, stories, url
):
    entries = parsed(client, url)
    free, walled = entries["Harbour vote passes"], entries["Budget leak"]
    for entry in (free, walled):
        assert timegm(entry.updated_parsed) == LATEST.timestamp()
        assert timegm(entry.published_parsed) == PUBLISHED.timestamp()
        summary = entry.summary.split("\n\n")
        assert summary[1].startswith("Correction (") and summary[1].endswith("5-2 <not 6-1>.")
        assert summary[2].startswith("Correction (") and summary[2].endswith("Ana Ruiz is mayor.")
        assert "March 10, 2026" in summary[2]
    assert free.summary.startswith("The council approved the plan.")
    body = free.content[0].value
    assert body.startswith("<p>FREE-BODY-TEXT</p>")
    assert body.index("5-2 &lt;not 6-1&gt;.") < body.index("Ana Ruiz is mayor.")
    assert walled.summary.startswith("Only the summary.")
    assert "content" not in walled  # the walled story's body never, its notes only


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/section/local/rss/"])
def test_an_rss_item_ends_with_the_notes_and_a_walled_one_carries_no_body(client, stories, url):
    xml = client.get(url).content.decode()
    assert "SECRET-BODY-TEXT" not in xml
    entries = parsed(client, url)
    free, walled = entries["Harbour vote passes"], entries["Budget leak"]
    assert walled.summary.startswith("Only the summary.\n\nCorrection (")
    assert walled.summary.endswith("Ana Ruiz is mayor.") and "content" not in walled
    assert free.summary.endswith("Ana Ruiz is mayor.")
    # RSS's description is HTML: the note's "<" arrives as the escaped character, not a tag.
    assert "5-2 &lt;not 6-1&gt;." in free.summary
    assert free.content[0].value.startswith("<p>FREE-BODY-TEXT</p>")
    assert free.content[0].value.rstrip().endswith("Ana Ruiz is mayor.</p>")


def correction_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum("newsroom_correction" in q["sql"] for q in ctx.captured_queries)


def test_a_feed_reads_its_corrections_in_one_query_and_none_without(client, stories):
    assert correction_queries(client, "/feeds/rss/") == 1
    Article.objects.update(corrected_at=None)  # as if never corrected: nothing to read
    assert correction_queries(client, "/feeds/atom/") == 0

"""Corrections on the story's page, and the paper's corrections page (`/corrections/`)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from lxml import html as lxml_html

from masthead.newsroom.actions import ApplyCorrectionAction, KillArticleAction
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Access, Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 28, 18, 0, tzinfo=dt.UTC)
SYSTEM = Actor.system("tests")


def correct(article: Article, note: str, at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        ApplyCorrectionAction(article=article, note=note, actor=SYSTEM).execute()


def corrections_on(page: str) -> tuple[str, list[tuple[str, str]]]:
    """The corrections box's heading, and each correction's time and text, in page order."""
    tree = lxml_html.fromstring(page)
    (box,) = tree.xpath('//aside[@class="correction"]')
    items = [
        (li.xpath("./time/@datetime")[0], li.text_content().strip()) for li in box.xpath(".//li")
    ]
    return box.xpath("./h2")[0].text_content(), items


@pytest.fixture
def story():
    return ArticleFactory(
        headline="Harbour vote passes", access=Access.FREE, published_at=NOW - dt.timedelta(days=1)
    )


def test_a_story_lists_every_correction_dated_oldest_first(client, story):
    correct(story, "The vote was 5-2, not 6-1.", NOW - dt.timedelta(hours=3))
    correct(story, "The mayor's name is Ana Ruiz.", NOW)
    heading, items = corrections_on(client.get(story.get_absolute_url()).content.decode())
    assert heading == "Corrections"
    assert [dt.datetime.fromisoformat(w) for w, _ in items] == [NOW - dt.timedelta(hours=3), NOW]
    assert items[0][1].endswith("The vote was 5-2, not 6-1.")
    assert items[1][1].endswith("The mayor's name is Ana Ruiz.")
    assert "November 28, 2026" in items[1][1]  # dated for readers, not only in the markup


def test_one_correction_is_headed_in_the_singular_and_none_shows_no_box(client, story):
    assert 'class="correction"' not in client.get(story.get_absolute_url()).content.decode()
    correct(story, "The vote was 5-2.", NOW)
    heading, items = corrections_on(client.get(story.get_absolute_url()).content.decode())
    assert heading == "Correction" and len(items) == 1


def test_the_corrections_page_lists_them_newest_first_with_links(client, story):
    other = ArticleFactory(headline="Ferry timetable changes")
    correct(story, "First note.", NOW - dt.timedelta(hours=5))
    correct(other, "Second note.", NOW - dt.timedelta(hours=2))
    correct(story, "Third note.", NOW)
    response = client.get(reverse("site:corrections"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    tree = lxml_html.fromstring(response.content.decode())
    entries = tree.xpath('//li[@class="corrections-list__item"]')
    assert [e.xpath("./p")[0].text for e in entries] == [
        "Third note.",
        "Second note.",
        "First note.",
    ]
    assert [e.xpath("./h2/a/@href")[0] for e in entries] == [
        story.get_absolute_url(),
        other.get_absolute_url(),
        story.get_absolute_url(),
    ]
    assert entries[1].xpath("./h2/a")[0].text == "Ferry timetable changes"
    assert [dt.datetime.fromisoformat(e.xpath("./time/@datetime")[0]) for e in entries] == [
        NOW,
        NOW - dt.timedelta(hours=2),
        NOW - dt.timedelta(hours=5),
    ]


def test_it_leaves_out_stories_readers_cannot_see(client, story):
    draft = ArticleFactory(headline="DRAFT-HEADLINE", status=Article.Status.DRAFT)
    killed = ArticleFactory(headline="KILLED-HEADLINE")
    for article in (story, draft, killed):
        correct(article, f"A note on {article.headline}.", NOW)
    KillArticleAction(article=killed, reason="Legal", actor=SYSTEM).execute()
    page = client.get(reverse("site:corrections")).content.decode()
    assert "Harbour vote passes" in page
    assert "DRAFT-HEADLINE" not in page and "KILLED-HEADLINE" not in page


def test_it_pages_like_a_section(client, story, settings):
    settings.MASTHEAD_PAGE_SIZE = 2
    for n in range(5):
        correct(story, f"Note {n}.", NOW - dt.timedelta(hours=n))
    first = client.get(reverse("site:corrections")).content.decode()
    assert re.findall(r"Note \d\.", first) == ["Note 0.", "Note 1."]
    assert "Page 1 of 3" in first and 'rel="next" href="?page=2"' in first
    last = client.get(reverse("site:corrections") + "?page=3").content.decode()
    assert re.findall(r"Note \d\.", last) == ["Note 4."]
    assert client.get(reverse("site:corrections") + "?page=4").status_code == 404


def test_every_page_links_the_corrections_page_from_its_footer(client, story):
    for url in ("/", story.get_absolute_url(), reverse("site:corrections")):
        tree = lxml_html.fromstring(client.get(url).content.decode())
        assert "/corrections/" in tree.xpath('//footer[@class="site-footer"]//a/@href'), url
    empty = client.get(reverse("site:corrections")).content.decode()
    assert "No corrections yet." in empty

"""A killed story's page: 410, its headline, why and when it was withdrawn, none of its text."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.newsroom import actions
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

SECRET = "Secret withdrawn text"


def killed(**kwargs) -> Article:
    world = SectionFactory(name="World", slug="world")
    defaults = {
        "headline": "Mayor accused in harbour deal",
        "summary": "A secret summary of the withdrawn story.",
        "body": f"<p>{SECRET}.</p><p>More of it.</p>",
        "status": Article.Status.KILLED,
        "kill_reason": "The story relied on a source who has since retracted.",
        "killed_at": dt.datetime(2026, 4, 2, 17, 30, tzinfo=dt.UTC),
        "sections": [world],
    }
    return ArticleFactory(**(defaults | kwargs))


def test_it_shows_the_headline_the_reason_and_when(client, settings):
    settings.TIME_ZONE = "UTC"
    story = killed()
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert '<h1 id="story-headline" class="story__headline">Mayor accused in harbour deal</h1>' in (
        html
    )
    assert "The story relied on a source who has since retracted." in html
    assert '<time datetime="2026-04-02T17:30:00+00:00">April 2, 2026, 5:30 PM UTC</time>' in html
    assert "Today: " in html and "The Pacific Ledger" in html  # the paper's own frame


def test_it_leaks_none_of_the_story(client):
    html = client.get(killed().get_absolute_url()).content.decode()
    assert SECRET not in html and "More of it." not in html
    assert "A secret summary" not in html  # not in the meta description either
    assert "application/ld+json" not in html and 'property="og:' not in html


def test_it_is_noindex(client):
    response = client.get(killed().get_absolute_url())
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_the_reason_is_text_not_html(client):
    story = killed(kill_reason='Legal <script>alert("x")</script>\nSecond line.')
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<br>Second line." in html


def test_without_a_reason_or_time_it_still_says_withdrawn(client):
    html = client.get(killed(kill_reason="", killed_at=None).get_absolute_url()).content.decode()
    assert "This story has been withdrawn and is no longer available." in html
    assert "Why it was withdrawn" not in html


def test_a_story_killed_through_the_action_shows_its_reason(client):
    story = ArticleFactory(headline="Ferry sinks", body=f"<p>{SECRET}.</p>")
    actions.KillArticleAction(
        actor=Actor.system("tests"), article=story, reason="Wrong ferry named."
    ).execute()
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "Ferry sinks" in html and "Wrong ferry named." in html and SECRET not in html
    assert "This story has been withdrawn <time" in html  # the action stamped killed_at


def test_the_esi_face_of_a_killed_story_is_empty(client):
    response = client.get(f"{killed().get_absolute_url()}face/")
    assert response.status_code == 410 and response.content == b""

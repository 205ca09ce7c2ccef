"""Curated fronts through the origin's page cache: a pin, a move and a kill show at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masthead.newsroom.actions import Actor, KillArticleAction, fronts
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db
EDITOR = Actor.system("tests")


def lead(html: str) -> str:
    start = html.index('class="teaser teaser--lead"')
    return html[start : start + 400]


@pytest.fixture
def world():
    return SectionFactory(name="World", slug="world", on_home=True, in_nav=True)


def test_a_pin_and_a_kill_change_the_cached_home_and_section_fronts_at_once(
    client, world, django_capture_on_commit_callbacks
):
    now = timezone.now()
    old = ArticleFactory(
        headline="Council passes harbour budget",
        sections=[world],
        published_at=now - dt.timedelta(days=1),
    )
    ArticleFactory(headline="Newest wire brief", sections=[world])
    for url in ("/", "/section/world/"):
        assert "Newest wire brief" in lead(client.get(url).content.decode())
        assert "Newest wire brief" in lead(client.get(url).content.decode())  # cached
    with django_capture_on_commit_callbacks(execute=True):
        fronts.pin(article=old, actor=EDITOR, slot=1)
        fronts.pin(article=old, actor=EDITOR, section=world, slot=1)
    for url in ("/", "/section/world/"):
        assert "Council passes harbour budget" in lead(client.get(url).content.decode()), url
    with django_capture_on_commit_callbacks(execute=True):
        KillArticleAction(article=old, reason="Legal", actor=EDITOR).execute()
    for url in ("/", "/section/world/"):
        html = client.get(url).content.decode()
        assert "Council passes harbour budget" not in html, url
        assert "Newest wire brief" in lead(html)

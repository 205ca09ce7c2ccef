"""Shared blocks from the cache: an uncached article page runs few queries, and a block never
shows a story after it was killed or changed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.newsroom import actions
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Access
from tests.factories import ArticleFactory, SectionFactory, StaffSourceFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


@pytest.fixture
def stories():
    world = SectionFactory(name="World", slug="world", on_home=True, in_nav=True)
    staff = StaffSourceFactory()
    made = [
        ArticleFactory(
            headline=f"World report {n}", section=world, sections=[world], access=Access.FREE
        )
        for n in range(8)
    ]
    made += [
        ArticleFactory(
            headline=f"Local report {n}",
            source=staff,
            is_local=True,
            section=world,
            sections=[world],
        )
        for n in range(3)
    ]
    return made


def count(url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_an_uncached_article_page_runs_few_queries_once_blocks_are_warm(stories):
    count(stories[0].get_absolute_url())  # warms the shared blocks
    queries, _ = count(stories[1].get_absolute_url())  # its page and its Related are new
    # The story with its bylines, tags and sections (4) and its own Related (up to 6, the
    # stored list and its filler): Popular, Local, the section block and the navigation
    # come from the cache.
    assert queries <= 10, queries


def test_a_killed_story_leaves_every_cached_block(stories, django_capture_on_commit_callbacks):
    _, page = count(stories[0].get_absolute_url())
    victim = next(s for s in stories[1:] if s.headline in page)
    with django_capture_on_commit_callbacks(execute=True):
        actions.KillArticleAction(actor=SYSTEM, article=victim, reason="Legal").execute()
    for other in stories[2:5]:
        if other.pk == victim.pk:
            continue
        _, page = count(other.get_absolute_url())
        assert victim.headline not in page, other.headline

"""Curated fronts: an editor's pins lead, the rest fills newest first, each story once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from masthead.newsroom import schedule, selectors
from masthead.newsroom.actions import (
    ActionError,
    Actor,
    KillArticleAction,
    UnpublishArticleAction,
    fronts,
)
from masthead.newsroom.models import Article, FrontPin
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="erin", email="erin@example.org", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return Actor.editor(user)


@pytest.fixture
def stories() -> list[Article]:
    """Six stories, the newest first."""
    now = timezone.now()
    return [
        ArticleFactory(headline=f"Story {i}", published_at=now - dt.timedelta(hours=i))
        for i in range(6)
    ]


def headlines(articles: list[Article]) -> list[str]:
    return [a.headline for a in articles]


def test_it_fills_a_front_newest_first_when_nothing_is_pinned(stories):
    assert headlines(selectors.front(limit=3)) == ["Story 0", "Story 1", "Story 2"]


def test_it_leads_with_the_pins_in_order_and_shows_each_story_once(stories, editor):
    fronts.pin(article=stories[4], actor=editor, slot=1)
    fronts.pin(article=stories[2], actor=editor, slot=1)  # the new lead; story 4 moves down
    assert headlines(selectors.front(limit=4)) == ["Story 2", "Story 4", "Story 0", "Story 1"]
    fronts.reorder(section=None, article_ids=[stories[4].pk, stories[2].pk], actor=editor)
    assert headlines(selectors.front(limit=3)) == ["Story 4", "Story 2", "Story 0"]
    assert list(FrontPin.objects.on(None).values_list("slot", flat=True)) == [1, 2]


def test_it_moves_a_story_pinned_again_instead_of_pinning_it_twice(stories, editor):
    fronts.pin(article=stories[3], actor=editor)
    fronts.pin(article=stories[5], actor=editor)
    fronts.pin(article=stories[5], actor=editor, slot=1)
    assert FrontPin.objects.count() == 2
    assert headlines(selectors.front(limit=2)) == ["Story 5", "Story 3"]


def test_it_ends_a_pin_at_its_time(stories, editor):
    until = timezone.now() + dt.timedelta(hours=1)
    fronts.pin(article=stories[5], actor=editor, slot=1, until=until)
    assert selectors.front(limit=1) == [stories[5]]
    with time_machine.travel(until + dt.timedelta(seconds=1)):
        assert selectors.front(limit=1) == [stories[0]]  # past its time, even before the clock
        assert schedule.run_due().pins_ended == 1
    assert not FrontPin.objects.exists()


@pytest.mark.parametrize("takedown", ["kill", "unpublish"])
def test_it_drops_a_pinned_story_that_leaves_the_site(stories, editor, takedown):
    fronts.pin(article=stories[5], actor=editor, slot=1)
    if takedown == "kill":
        KillArticleAction(article=stories[5], reason="Legal", actor=editor).execute()
    else:
        UnpublishArticleAction(article=stories[5], actor=editor).execute()
    assert not FrontPin.objects.exists()
    assert stories[5] not in selectors.front(limit=6)


def test_it_keeps_section_fronts_apart_from_home(stories, editor):
    harbour = SectionFactory(name="Harbour", slug="harbour")
    for story in stories[3:]:
        story.sections.add(harbour)
    fronts.pin(article=stories[5], actor=editor, section=harbour, slot=1)
    assert headlines(selectors.front(harbour, limit=2)) == ["Story 5", "Story 3"]
    assert headlines(selectors.front(limit=1)) == ["Story 0"]


def test_it_leaves_out_stories_already_on_the_page(stories, editor):
    fronts.pin(article=stories[1], actor=editor, slot=1)
    shown = {stories[0].pk, stories[1].pk}
    assert headlines(selectors.front(limit=2, exclude=shown)) == ["Story 2", "Story 3"]


def test_it_lets_only_editors_pin(stories, django_user_model):
    user = django_user_model.objects.create_user(
        username="rita", email="rita@example.org", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Reporter"))
    with pytest.raises(ActionError):
        fronts.pin(article=stories[0], actor=Actor.editor(user))
    assert not FrontPin.objects.exists()


def test_it_refuses_to_pin_a_draft_or_a_past_end(editor):
    with pytest.raises(ActionError, match="draft"):
        fronts.pin(article=ArticleFactory(status=Article.Status.DRAFT), actor=editor)
    with pytest.raises(ActionError, match="passed"):
        fronts.pin(
            article=ArticleFactory(),
            actor=editor,
            until=timezone.now() - dt.timedelta(minutes=1),
        )

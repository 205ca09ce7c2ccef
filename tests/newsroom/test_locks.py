"""Edit locks: who holds a story, lapsing, taking over (the admin's banner reads these)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from masthead.newsroom import locks
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(django_user_model):
    make = django_user_model.objects.create_user
    return (
        make(username="ann", email="ann@example.org", password="x"),
        make(username="bob", email="bob@example.org", password="x"),
    )


def test_it_shows_the_holder_to_a_second_editor_until_taken_over(two):
    ann, bob = two
    story = ArticleFactory()
    assert locks.acquire(story, ann).user == ann
    assert locks.acquire(story, bob).user == ann  # held: bob is told who
    assert locks.held_by_other(story, bob).user == ann
    assert locks.acquire(story, bob, take_over=True).user == bob
    assert locks.renew(story, ann).user == bob  # ann's page learns it was taken
    assert locks.held_by_other(story, ann).user == bob


def test_it_lets_a_lock_lapse_when_its_page_stops_renewing(two, settings):
    ann, bob = two
    story = ArticleFactory()
    locks.acquire(story, ann)
    later = timezone.now() + dt.timedelta(seconds=settings.MASTHEAD_EDIT_LOCK_SECONDS + 1)
    with time_machine.travel(later):
        assert locks.holder(story) is None
        assert locks.acquire(story, bob).user == bob


def test_it_releases_only_the_holders_lock(two):
    ann, bob = two
    story = ArticleFactory()
    locks.acquire(story, ann)
    locks.release(story, bob)
    assert locks.holder(story).user == ann
    locks.release(story, ann)
    assert locks.holder(story) is None

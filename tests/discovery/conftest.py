"""Fixtures for discovery tests: stories created the way the newsroom creates them.

Discovery's index and Related are refreshed after commit, so `make_story` runs the captured
on-commit callbacks, as a real transaction's commit would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from masthead.discovery import popular
from masthead.newsroom.models import Article
from tests.discovery.clock import NOW
from tests.factories import ArticleFactory


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def make_story(db, django_capture_on_commit_callbacks) -> Callable[..., Article]:
    def make(**kwargs: Any) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            return ArticleFactory(**kwargs)

    return make


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` runs the block's on-commit work at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _fresh_view_buffer(settings):
    settings.MASTHEAD_POPULAR_FLUSH_SECONDS = 0  # tests flush explicitly
    popular.reset_buffer()
    buffer = popular.get_buffer()
    buffer.drain()
    yield
    popular.get_buffer().drain()
    popular.reset_buffer()


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)

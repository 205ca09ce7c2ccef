"""Builders for newsletter tests: readers on lists, stories on the front."""

from __future__ import annotations

from importlib import import_module

from masthead.newsletters import services
from masthead.newsletters.models import Newsletter, Subscription
from masthead.newsroom.models import Source
from tests.factories import ArticleFactory, SourceFactory, StaffSourceFactory


def seeded() -> None:
    """The lists migration 0002 seeds, again: a transactional test's flush empties every
    table, and a test run on PostgreSQL meets that flush before these tests."""
    from django.apps import apps

    import_module("masthead.newsletters.migrations.0002_seed_lists").seed(apps, None)


def daily() -> Newsletter:
    seeded()
    return Newsletter.objects.get(slug="daily")


def breaking() -> Newsletter:
    seeded()
    return Newsletter.objects.get(slug="breaking")


def readers(newsletter: Newsletter, count: int, *, prefix: str = "reader") -> list[Subscription]:
    done: list[Subscription] = []
    for i in range(count):
        done += services.subscribe(
            email=f"{prefix}{i}@example.com", newsletters=[newsletter], source="test import"
        )
    return done


def staff_story(**kwargs):
    return ArticleFactory(source=StaffSourceFactory(), is_local=True, **kwargs)


def walled_wire_story(**kwargs):
    """A wire story: registration-walled by rule (`Article.effective_access`)."""
    return ArticleFactory(source=SourceFactory(kind=Source.Kind.WIRE), **kwargs)

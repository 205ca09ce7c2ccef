"""Builders for newsletter tests: readers on lists, stories on the front."""

from __future__ import annotations

from masthead.newsletters import services
from masthead.newsletters.models import Newsletter, Subscription
from masthead.newsroom.models import Source
from tests.factories import ArticleFactory, SourceFactory, StaffSourceFactory


def daily() -> Newsletter:
    return Newsletter.objects.get(slug="daily")


def breaking() -> Newsletter:
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

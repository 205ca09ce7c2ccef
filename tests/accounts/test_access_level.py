"""The effective access level: article, then source, then section, then wire → registration."""

from __future__ import annotations

import pytest

from masthead.accounts.access import effective_level
from masthead.accounts.meter import Level
from masthead.newsroom.models import Access
from tests.factories import ArticleFactory, SectionFactory, SourceFactory, StaffSourceFactory

pytestmark = pytest.mark.django_db


def test_it_defaults_wire_stories_to_registration():
    assert effective_level(ArticleFactory()) is Level.REGISTRATION


def test_it_defaults_staff_stories_to_free():
    assert effective_level(ArticleFactory(source=StaffSourceFactory())) is Level.FREE


def test_the_article_overrides_everything():
    source = SourceFactory(default_access=Access.SUBSCRIBERS)
    assert effective_level(ArticleFactory(source=source, access=Access.FREE)) is Level.FREE


def test_the_source_default_comes_before_the_section():
    source = SourceFactory(name="Free Wire", default_access=Access.FREE)
    section = SectionFactory(default_access=Access.SUBSCRIBERS)
    assert effective_level(ArticleFactory(source=source, sections=[section])) is Level.FREE


def test_the_section_default_applies_to_staff_stories():
    section = SectionFactory(default_access=Access.SUBSCRIBERS)
    story = ArticleFactory(source=StaffSourceFactory(), sections=[section])
    assert effective_level(story) is Level.SUBSCRIBERS

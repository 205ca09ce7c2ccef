"""The compiled inserts the wire writes a story through behave as the ORM's `save()` does."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models.signals import post_save, pre_save

from masthead.lib.inserts import insert_instance
from masthead.newsroom.actions import CreateFromWireAction, WireContent
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, Tag
from tests.factories import SectionFactory, SourceFactory

SYSTEM = Actor.system("tests")

NOW = dt.datetime(2026, 11, 28, 18, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def test_it_inserts_a_new_story_as_save_would_with_its_signals():
    seen: list[tuple[str, int | None, bool | None]] = []

    def before(sender, instance, **kwargs):
        seen.append(("pre", instance.pk, None))

    def after(sender, instance, created, **kwargs):
        seen.append(("post", instance.pk, created))

    pre_save.connect(before, sender=Article, dispatch_uid="test-wire-inserts-pre")
    post_save.connect(after, sender=Article, dispatch_uid="test-wire-inserts-post")
    try:
        with time_machine.travel(NOW, tick=False):
            article = Article(
                source=SourceFactory(),
                slug="harbour-plan",
                headline="Harbour plan",
                body="<p>Ünïcode body</p>",
                wire_version=3,
                wire_version_at=NOW - dt.timedelta(hours=1),
                is_fiction=True,
            )
            insert_instance(article)
    finally:
        pre_save.disconnect(dispatch_uid="test-wire-inserts-pre")
        post_save.disconnect(dispatch_uid="test-wire-inserts-post")

    assert article.pk is not None
    assert not article._state.adding
    assert seen == [("pre", None, None), ("post", article.pk, True)]
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.body, stored.slug) == (
        "Harbour plan",
        "<p>Ünïcode body</p>",
        "harbour-plan",
    )
    assert stored.created == stored.modified == NOW
    assert stored.wire_version_at == NOW - dt.timedelta(hours=1)
    assert (stored.wire_version, stored.is_fiction, stored.is_local) == (3, True, False)
    assert stored.editor_locked_fields == []
    assert stored.embargo_until is None and stored.section_id is None


def test_it_creates_a_wire_story_with_its_relations():
    section = SectionFactory(slug="business")
    content = WireContent(
        fields={"headline": "Rates hold", "body": "<p>Steady.</p>", "byline": ""},
        sections=[section],
        tags=["Markets", "Rates"],
        bylines=["By Ana Ruiz"],
        wire_guid="urn:test:1",
        wire_version=1,
        content_hash="abc",
        published_at=NOW,
        slug="rates-hold",
    )
    article = CreateFromWireAction(actor=SYSTEM, source=SourceFactory(), content=content).execute()

    stored = Article.objects.get(pk=article.pk)
    assert stored.status == Article.Status.PUBLISHED and stored.section_id == section.pk
    assert [s.slug for s in stored.sections.all()] == ["business"]
    assert sorted(stored.tags.values_list("name", flat=True)) == ["Markets", "Rates"]
    assert stored.byline_names == ["Ana Ruiz"]
    assert Tag.objects.count() == 2

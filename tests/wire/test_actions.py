"""The newsroom actions the wire (and the newsroom admin) change stories through."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from masthead.newsroom.actions import (
    ActionError,
    ApplyCorrectionAction,
    EmbargoArticleAction,
    KillArticleAction,
)
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, ArticleRevision
from masthead.newsroom.signals import article_changed
from masthead.wire.models import IngestLog
from tests.factories import ArticleFactory

SYSTEM = Actor.system("tests")

NOW = dt.datetime(2026, 11, 28, 18, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def changes():
    seen: list[tuple[int, str]] = []

    def receiver(sender, article, change, **kwargs):
        seen.append((article.pk, change))

    article_changed.connect(receiver, dispatch_uid="test-wire-actions")
    yield seen
    article_changed.disconnect(dispatch_uid="test-wire-actions")


def test_it_kills_a_story_with_reason_time_revision_and_signal_after_commit(
    changes, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory()
        KillArticleAction(
            actor=SYSTEM, article=article, reason="Legal: withdrawn by the agency"
        ).execute()
        assert changes == []  # nothing is announced before the transaction commits
    article.refresh_from_db()
    assert article.status == Article.Status.KILLED and article.killed_at == NOW
    assert article.kill_reason == "Legal: withdrawn by the agency"
    assert ArticleRevision.objects.get(article=article).snapshot["status"] == "published"
    assert changes == [(article.pk, "killed")]
    assert not Article.objects.published().exists()


def test_it_refuses_to_kill_twice():
    article = ArticleFactory(status=Article.Status.KILLED)
    with pytest.raises(ActionError):
        KillArticleAction(actor=SYSTEM, article=article, reason="again").execute()


def test_it_sends_nothing_when_the_transaction_rolls_back(
    changes, django_capture_on_commit_callbacks
):
    from django.db import transaction

    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            KillArticleAction(actor=SYSTEM, article=article, reason="x").execute()
            raise RuntimeError("rolled back")
    assert callbacks == [] and changes == []
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_it_applies_a_correction_and_an_embargo():
    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory()
        ApplyCorrectionAction(
            actor=SYSTEM, article=article, note="An earlier version misspelt a name."
        ).execute()
        EmbargoArticleAction(
            actor=SYSTEM, article=article, until=NOW + dt.timedelta(hours=2)
        ).execute()
    article.refresh_from_db()
    assert [(c.note, c.published_at) for c in article.corrections.all()] == [
        ("An earlier version misspelt a name.", NOW)
    ]
    assert article.corrected_at == NOW
    assert not Article.objects.published(now=NOW).exists()
    assert Article.objects.published(now=NOW + dt.timedelta(hours=3)).exists()
    with pytest.raises(ActionError):
        ApplyCorrectionAction(actor=SYSTEM, article=article, note="  ").execute()


def test_editors_can_read_the_ingest_log_and_feeds_in_the_admin(admin_client):
    IngestLog.objects.create(action="error", file="bad.xml", guid="g1", reason="malformed XML")
    response = admin_client.get("/admin/wire/ingestlog/")
    assert response.status_code == 200 and b"malformed XML" in response.content
    assert admin_client.get("/admin/wire/feed/add/").status_code == 200
    assert admin_client.get("/admin/wire/ingestlog/add/").status_code == 403

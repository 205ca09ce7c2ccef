"""Refreshing search and Related after a change: once per story per transaction. With the
database queue the story is marked stale in the change's own transaction and one drain task
refreshes the stale stories; with any other backend a refresh task per story is enqueued on
commit."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks.signals import task_enqueued

from masthead.discovery import receivers
from masthead.discovery.models import SearchEntry, StaleArticle
from masthead.discovery.tasks import (
    refresh_article_task,
    refresh_stale_task,
    run_pending_refreshes,
)
from masthead.newsroom import actions
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Access, Article, Authorship
from tests.factories import AuthorFactory, TagFactory
from tests.wire_documents import rss, rss_item

SYSTEM = Actor.system("tests")

pytestmark = pytest.mark.django_db

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_queue(settings, monkeypatch):
    """Tasks stored as rows in the database, as in production (django_tasks resets its
    backends when the setting changes, and the receivers forget the drains they queued)."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = DB_QUEUE
    # The worker closes connections that are not in autocommit between tasks, as the test's
    # own transaction is (PostgreSQL would lose it); Django's test client mutes the same thing.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def enqueued():
    """Article ids of every per-story refresh enqueued while the test runs, in order."""
    seen: list[int] = []

    def receiver(sender, task_result, **kwargs):
        if task_result.task.func is refresh_article_task.func:
            seen.append(task_result.args[0])

    task_enqueued.connect(receiver, dispatch_uid="test-discovery-receivers", weak=False)
    yield seen
    task_enqueued.disconnect(dispatch_uid="test-discovery-receivers")


@pytest.fixture
def marked(monkeypatch):
    """Article ids of every stale mark written while the test runs, in order."""
    seen: list[int] = []
    real = receivers.mark_stale

    def spy(article_id: int, **kwargs) -> None:
        seen.append(article_id)
        real(article_id, **kwargs)

    monkeypatch.setattr(receivers, "mark_stale", spy)
    return seen


def _queued_drains() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=refresh_stale_task.module_path, status="READY"
    ).count()


def _queued_per_story() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=refresh_article_task.module_path).count()


def _stale() -> list[int]:
    return sorted(StaleArticle.objects.values_list("article_id", flat=True))


def _change_many_times(story: Article) -> None:
    story.headline = "Ferry timetable changes again"
    story.save()
    story.tags.set([TagFactory(name="Ferries")])
    Authorship.objects.create(article=story, author=AuthorFactory(), position=0)
    story.summary = "A second save in the same transaction."
    story.save()


def test_it_enqueues_one_refresh_per_story_per_transaction(
    published_story, django_capture_on_commit_callbacks, enqueued
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _change_many_times(published_story)
    assert enqueued == [published_story.pk]
    assert SearchEntry.objects.get(article_id=published_story.pk).headline == (
        "Ferry timetable changes again"
    )
    assert _stale() == []


def test_it_marks_the_story_stale_in_the_changes_own_transaction(
    db_queue, published_story, django_capture_on_commit_callbacks, enqueued, marked
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _change_many_times(published_story)
            # Marked and a drain queued before the commit: a writer killed after committing
            # cannot lose them.
            assert _stale() == [published_story.pk]
            assert _queued_drains() == 1
    assert marked == [published_story.pk]  # once, however many signals the change fired
    assert _stale() == [published_story.pk]
    assert enqueued == []
    assert _queued_per_story() == 0
    # Nothing ran in the writer: the index still has the old headline until the worker runs.
    assert SearchEntry.objects.get(article_id=published_story.pk).headline != (
        "Ferry timetable changes again"
    )


def test_it_drops_the_mark_with_a_rolled_back_change_and_marks_the_next_one(
    db_queue, published_story, django_capture_on_commit_callbacks
):
    drains = _queued_drains()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            _change_many_times(published_story)
            raise RuntimeError("the writer fails half-way")
        assert _stale() == []
        assert _queued_drains() == drains
        with transaction.atomic():
            published_story.refresh_from_db()
            published_story.summary = "Written for real this time."
            published_story.save()
    assert _stale() == [published_story.pk]
    assert _queued_drains() >= 1


def test_it_does_not_mark_again_when_the_action_signals_after_commit(
    db_queue, published_story, django_capture_on_commit_callbacks, marked
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.KillArticleAction(actor=SYSTEM, article=published_story, reason="Legal").execute()
    assert marked == [published_story.pk]


def test_the_worker_brings_the_index_up_to_date(
    db_queue, published_story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.KillArticleAction(actor=SYSTEM, article=published_story, reason="Legal").execute()
    assert SearchEntry.objects.filter(article_id=published_story.pk).exists()
    run_pending_refreshes()
    assert not SearchEntry.objects.filter(article_id=published_story.pk).exists()
    assert _stale() == []


def test_it_never_shows_a_killed_story_whose_refresh_has_not_run(
    db_queue, client, published_story, django_capture_on_commit_callbacks
):
    assert SearchEntry.objects.filter(article_id=published_story.pk).exists()
    assert published_story.headline in client.get("/search/", {"q": "ships"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        actions.KillArticleAction(actor=SYSTEM, article=published_story, reason="Legal").execute()
    assert _stale() == [published_story.pk]
    assert SearchEntry.objects.filter(article_id=published_story.pk).exists()  # not yet run
    page = client.get("/search/", {"q": "ships"}).content.decode()
    assert published_story.headline not in page


def test_wire_ingest_marks_each_new_story_and_queues_one_drain(db_queue, enqueued):
    from masthead.wire.ingest import ingest_bytes

    data = rss(
        *(
            rss_item(
                title=f"Harbour story {i}",
                guid=f"recv-{i}",
                description=f"Text of story {i} about the harbour.",
            )
            for i in range(3)
        )
    )
    summary = ingest_bytes(data, file="feed.xml", source_name="Receivers Wire")
    assert summary.new == 3
    ids = sorted(r.article_id for r in summary.results)
    assert _stale() == ids
    assert _queued_drains() == 1
    assert enqueued == []
    run_pending_refreshes()
    assert set(SearchEntry.objects.values_list("article_id", flat=True)) >= set(ids)
    assert _stale() == []


@pytest.fixture
def published_story(django_capture_on_commit_callbacks) -> Article:
    from tests.factories import ArticleFactory

    with django_capture_on_commit_callbacks(execute=True):
        story = ArticleFactory(
            headline="Harbour pilots strike",
            body="<p>The harbour is closed to ships.</p>",
            access=Access.FREE,  # the whole body is searchable
        )
    run_pending_refreshes()  # with the database queue: the worker has caught up
    assert SearchEntry.objects.filter(article_id=story.pk).exists()
    return story

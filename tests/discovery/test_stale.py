"""The database queue's stale stories: marked by the writer in its transaction, one drain queued
per delay rather than a task per story, and drained by the worker until none is left without
losing a change that lands while it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import transaction

from masthead.discovery import tasks
from masthead.discovery.models import SearchEntry, StaleArticle
from masthead.discovery.tasks import (
    RESUME_AFTER,
    StaleRefreshError,
    mark_stale,
    refresh_stale,
    refresh_stale_task,
    run_pending_refreshes,
)
from masthead.newsroom.models import Article
from masthead.newsroom.signals import article_changed
from tests.discovery.clock import NOW
from tests.factories import ArticleFactory, AuthorFactory
from tests.wire_documents import rss, rss_item

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_queue(settings, monkeypatch):
    """Tasks stored as rows in the database, as in production (setting TASKS also makes the
    receivers forget the drains they queued before)."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = DB_QUEUE
    settings.MASTHEAD_STALE_DRAIN_DELAY = 2
    # The worker closes connections that are not in autocommit between tasks, as the test's
    # own transaction is (PostgreSQL would lose it).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _drains(status: str = "READY") -> list[dt.datetime]:
    from django_tasks_db.models import DBTaskResult

    return sorted(
        DBTaskResult.objects.filter(
            task_path=refresh_stale_task.module_path, status=status
        ).values_list("run_after", flat=True)
    )


def _stale() -> list[int]:
    return sorted(StaleArticle.objects.values_list("article_id", flat=True))


class _Refreshes:
    def __init__(self) -> None:
        self.ids: list[int] = []
        # article id -> what other processes commit while its first refresh runs.
        self.during: dict[int, Callable[[], None]] = {}


@pytest.fixture
def refreshes(monkeypatch) -> _Refreshes:
    """Article ids the drain refreshes, in order, and changes to make while one runs."""
    seen = _Refreshes()
    real = tasks.refresh_article

    def spy(article_id: int) -> None:
        seen.ids.append(article_id)
        real(article_id)
        meanwhile = seen.during.pop(article_id, None)
        if meanwhile is not None:
            meanwhile()

    monkeypatch.setattr(tasks, "refresh_article", spy)
    return seen


class TestQueueing:
    pytestmark = pytest.mark.django_db

    def test_it_queues_one_drain_for_the_transactions_within_half_its_delay(
        self, db_queue, frozen, commit
    ):
        with commit(), transaction.atomic():
            first = [ArticleFactory().pk for _ in range(3)]
        for _ in range(4):
            with commit():
                first.append(ArticleFactory().pk)
        frozen.shift(0.9)
        with commit():
            first.append(ArticleFactory().pk)
        assert _drains() == [NOW + dt.timedelta(seconds=2)]
        # Half the delay on, that drain may start before a long transaction commits (it
        # would still wait for it, but its successor would not be queued): a new one is.
        frozen.shift(0.2)
        with commit():
            last = ArticleFactory().pk
        assert _drains() == [NOW + dt.timedelta(seconds=2), NOW + dt.timedelta(seconds=3.1)]
        assert _stale() == sorted([*first, last])

    def test_a_drain_queued_by_a_rolled_back_transaction_is_not_trusted(
        self, db_queue, frozen, commit
    ):
        with commit():
            with pytest.raises(RuntimeError), transaction.atomic():
                ArticleFactory()
                raise RuntimeError("the writer fails")
        assert _drains() == []
        assert _stale() == []
        with commit():
            story = ArticleFactory()
        assert _drains() == [NOW + dt.timedelta(seconds=2)]
        assert _stale() == [story.pk]

    def test_a_savepoint_rolled_back_with_its_drain_makes_the_transaction_queue_another(
        self, db_queue, frozen, commit
    ):
        with commit(), transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():
                ArticleFactory()
                raise RuntimeError("one item fails")
            assert _drains() == []
            story = ArticleFactory()
        assert _drains() == [NOW + dt.timedelta(seconds=2)]
        assert _stale() == [story.pk]

    def test_a_change_bumps_the_generation_of_a_story_already_stale(self, db_queue, commit):
        with commit():
            story = ArticleFactory()
        before = StaleArticle.objects.get(article_id=story.pk).generation
        with commit():
            story.headline = "Harbour pilots strike again"
            story.save()
        assert StaleArticle.objects.get(article_id=story.pk).generation == before + 1

    def test_deleting_a_story_removes_its_stale_row(self, db_queue, commit):
        with commit():
            story = ArticleFactory(authors=[AuthorFactory(), AuthorFactory()])
            other = ArticleFactory()
        assert _stale() == sorted([story.pk, other.pk])
        with commit():
            story.delete()
        assert _stale() == [other.pk]

    def test_the_immediate_backend_marks_nothing(self, commit):
        with commit():
            story = ArticleFactory(headline="Ferry fares rise")
        assert _stale() == []
        assert SearchEntry.objects.get(article_id=story.pk).headline == "Ferry fares rise"


class TestDraining:
    pytestmark = pytest.mark.django_db

    def test_the_drain_refreshes_every_stale_story_oldest_first_and_leaves_no_row(
        self, db_queue, commit, refreshes
    ):
        with commit():
            stories = [ArticleFactory() for _ in range(5)]
        ids = [s.pk for s in stories]
        assert refresh_stale(batch_size=2) == 5
        assert refreshes.ids == ids
        assert set(SearchEntry.objects.values_list("article_id", flat=True)) == set(ids)
        assert _stale() == []

    def test_a_story_changed_while_its_refresh_runs_stays_stale_and_is_refreshed_again(
        self, db_queue, commit, refreshes
    ):
        with commit():
            story = ArticleFactory(headline="Pilots strike")
            other = ArticleFactory()

        def change_committed_meanwhile() -> None:
            Article.objects.filter(pk=story.pk).update(headline="Pilots strike ends")
            mark_stale(story.pk)

        refreshes.during[story.pk] = change_committed_meanwhile
        assert refresh_stale() == 3
        assert refreshes.ids == [story.pk, other.pk, story.pk]
        assert SearchEntry.objects.get(article_id=story.pk).headline == "Pilots strike ends"
        assert _stale() == []

    def test_a_row_another_worker_deleted_and_a_change_re_created_is_kept(
        self, db_queue, commit, refreshes
    ):
        with commit():
            story = ArticleFactory(headline="Pilots strike")

        def another_worker_then_a_change() -> None:
            # A second worker refreshed the story too and deleted its row; then a change
            # marked it again. This worker's generation must not match the new row.
            StaleArticle.objects.filter(article_id=story.pk).delete()
            Article.objects.filter(pk=story.pk).update(headline="Pilots strike ends")
            mark_stale(story.pk)

        refreshes.during[story.pk] = another_worker_then_a_change
        refresh_stale()
        assert refreshes.ids == [story.pk, story.pk]
        assert SearchEntry.objects.get(article_id=story.pk).headline == "Pilots strike ends"
        assert _stale() == []

    def test_a_failing_refresh_leaves_its_story_stale_and_the_drain_goes_on(
        self, db_queue, commit, refreshes
    ):
        with commit():
            broken, fine = ArticleFactory(), ArticleFactory()

        def fail() -> None:
            raise RuntimeError("the engine is down")

        refreshes.during[broken.pk] = fail
        with pytest.raises(StaleRefreshError):
            refresh_stale()
        assert refreshes.ids == [broken.pk, fine.pk]
        assert SearchEntry.objects.filter(article_id=fine.pk).exists()
        assert _stale() == [broken.pk]

    def test_the_drain_task_queues_its_successor_only_when_it_has_work(
        self, db_queue, frozen, commit
    ):
        assert refresh_stale_task.call() == 0
        assert _drains() == []
        with commit():
            story = ArticleFactory()
        assert refresh_stale_task.call() == 1
        # A worker killed mid-drain leaves its stories to this one.
        assert _drains() == [NOW + dt.timedelta(seconds=2), NOW + RESUME_AFTER]
        assert SearchEntry.objects.filter(article_id=story.pk).exists()

    def test_run_pending_refreshes_drains_stories_whose_drain_is_not_due(
        self, db_queue, frozen, commit
    ):
        with commit():
            story = ArticleFactory()
        run_pending_refreshes()
        assert _drains() == [NOW + dt.timedelta(seconds=2)]  # not due: the worker left it
        assert SearchEntry.objects.filter(article_id=story.pk).exists()
        assert _stale() == []


@pytest.mark.django_db(transaction=True)
def test_a_wire_burst_committing_item_by_item_queues_one_drain_the_worker_runs(db_queue, frozen):
    from masthead.wire.ingest import ingest_bytes

    data = rss(
        *(
            rss_item(
                title=f"Harbour story {i}",
                guid=f"burst-{i}",
                description=f"Text of story {i} about the harbour.",
            )
            for i in range(20)
        )
    )
    summary = ingest_bytes(data, file="feed.xml", source_name="Burst Wire")
    assert summary.new == 20
    ids = sorted(r.article_id for r in summary.results)
    assert _stale() == ids
    assert _drains() == [NOW + dt.timedelta(seconds=2)]
    frozen.shift(2)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert _drains("SUCCESSFUL") == [NOW + dt.timedelta(seconds=2)]
    assert set(SearchEntry.objects.values_list("article_id", flat=True)) == set(ids)
    assert _stale() == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_mark_and_its_drain_commit_at_once(db_queue, frozen):
    story = ArticleFactory()  # autocommit: each statement commits
    assert _stale() == [story.pk]
    assert _drains() == [NOW + dt.timedelta(seconds=2)]
    # A change made without model signals, announced after the fact.
    Article.objects.filter(pk=story.pk).update(headline="Renamed by a queryset")
    before = StaleArticle.objects.get(article_id=story.pk).generation
    article_changed.send(sender=Article, article=story, change="updated")
    assert StaleArticle.objects.get(article_id=story.pk).generation == before + 1
    assert _drains() == [NOW + dt.timedelta(seconds=2)]


@pytest.mark.django_db
def test_it_refreshes_again_a_story_whose_refresh_collided_with_another_drain(monkeypatch):
    from django.db import OperationalError

    story = ArticleFactory()
    mark_stale(story.pk)
    real, calls = tasks.refresh_article, []

    def collides_once(article_id: int) -> None:
        calls.append(article_id)
        if len(calls) == 1:
            raise OperationalError("deadlock detected")  # as PostgreSQL says
        real(article_id)

    monkeypatch.setattr(tasks, "refresh_article", collides_once)
    assert refresh_stale() == 1
    assert calls == [story.pk, story.pk] and not StaleArticle.objects.exists()

"""Keeping search and Related in step with the newsroom, off the writer's hot path.

Every change to an Article, its tags, sections or bylines fires a model signal inside the
transaction that makes it; the receivers here mark the story stale in that transaction (once
per story per transaction) and make sure a drain task will refresh it after the commit, so a
writer killed right after committing cannot leave a story nobody refreshes. The design, its
guarantees and the tests that check them: docs/freshness.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

from masthead.discovery.models import StaleArticle
from masthead.discovery.related import clear_related
from masthead.discovery.tasks import (
    mark_stale,
    queue_drain,
    queue_is_database,
    refresh_article_task,
)
from masthead.newsroom.models import Article, Authorship
from masthead.newsroom.signals import article_changed

logger = logging.getLogger(__name__)


class _Marker:
    """An on-commit callback standing for "article N's refresh is asked for in this transaction".

    It lives in the connection's `run_on_commit` list, so Django drops it with the transaction
    or savepoint it was queued in, and a rolled-back request is never taken for a live one.
    """

    __slots__ = ("article_id", "in_database", "done")

    def __init__(self, article_id: int, *, in_database: bool) -> None:
        self.article_id = article_id
        self.in_database = in_database
        self.done = False

    def __call__(self) -> None:
        self.done = True
        state = _state()
        state.pending.pop(self.article_id, None)
        if not self.in_database:
            _enqueue(self.article_id)
            return
        # Remember what this commit marked, so that its `article_changed` does not mark again.
        connection = transaction.get_connection(DEFAULT_DB_ALIAS)
        if state.committed_list is not connection.run_on_commit:
            state.committed_list, state.committed = connection.run_on_commit, set()
        state.committed.add(self.article_id)


class _DrainCover:
    """An on-commit callback standing for "a drain will run after this transaction commits".

    `trusted_until` is set when the transaction queued that drain itself: the memo takes it on
    commit. Dropped with a rolled-back savepoint like `_Marker`, so the next mark decides again.
    """

    __slots__ = ("trusted_until", "done")

    def __init__(self, trusted_until: dt.datetime | None) -> None:
        self.trusted_until = trusted_until
        self.done = False

    def __call__(self) -> None:
        self.done = True
        state = _state()
        if state.cover is self:
            state.cover = None
        if self.trusted_until is not None:
            _memo.learn(self.trusted_until)


class _DrainMemo:
    """Until when the newest committed drain this process queued is sure not to have started.

    Shared by the process's threads: a lost race between two of them only queues one drain
    more, and the memo only ever holds drains whose queueing has committed.
    """

    def __init__(self) -> None:
        self.trusted_until: dt.datetime | None = None

    def trusts(self, now: dt.datetime) -> bool:
        until = self.trusted_until
        return until is not None and now < until

    def learn(self, until: dt.datetime) -> None:
        if self.trusted_until is None or until > self.trusted_until:
            self.trusted_until = until

    def forget(self) -> None:
        self.trusted_until = None


_memo = _DrainMemo()


class _State(threading.local):
    def __init__(self) -> None:
        # article id -> its marker, for the transaction whose `run_on_commit` is `pending_list`.
        self.pending: dict[int, _Marker] = {}
        self.pending_list: list | None = None
        # That transaction's drain, once its first mark has seen to one.
        self.cover: _DrainCover | None = None
        # Ids whose refresh the last commit asked for; valid while `committed_list` is current.
        self.committed: set[int] = set()
        self.committed_list: list | None = None


_local = _State()


def _state() -> _State:
    return _local


def _enqueue(article_id: int) -> None:
    refresh_article_task.enqueue(article_id)


def _queue_drain(now: dt.datetime) -> dt.datetime:
    """Queue a drain runnable after the delay; returns until when it is sure not to start."""
    delay = dt.timedelta(seconds=settings.MASTHEAD_STALE_DRAIN_DELAY)
    queue_drain(run_after=now + delay)
    return now + delay / 2


def schedule_refresh(article_id: int) -> None:
    """Ask once for the story's refresh in the open transaction (or now, outside one)."""
    connection = transaction.get_connection(DEFAULT_DB_ALIAS)
    in_database = queue_is_database()
    if not connection.in_atomic_block:
        # Autocommit: the change is already committed; ask at once (immediate backends run it).
        if not in_database:
            _enqueue(article_id)
            return
        mark_stale(article_id)
        now = timezone.now()
        if not _memo.trusts(now):
            _memo.learn(_queue_drain(now))
        return
    state = _state()
    if state.pending_list is not connection.run_on_commit:
        # Django replaces the list on commit, rollback and savepoint rollback: re-read which
        # markers survived (appending keeps the same list, so this is rare and cheap).
        state.pending_list = connection.run_on_commit
        state.pending = {}
        state.cover = None
        for _sids, func, _robust in connection.run_on_commit:
            if isinstance(func, _Marker) and not func.done:
                state.pending[func.article_id] = func
            elif isinstance(func, _DrainCover) and not func.done:
                state.cover = func
    if article_id in state.pending:
        return
    if in_database:
        # From this mark to the commit, a drain's last look waits for this transaction.
        mark_stale(article_id)
    marker = _Marker(article_id, in_database=in_database)
    state.pending[article_id] = marker
    transaction.on_commit(marker, robust=True)
    if in_database and state.cover is None:
        now = timezone.now()
        cover = _DrainCover(None if _memo.trusts(now) else _queue_drain(now))
        state.cover = cover
        transaction.on_commit(cover, robust=True)


def on_article_changed(sender: Any, article: Article, change: str = "", **kwargs: Any) -> None:
    state = _state()
    connection = transaction.get_connection(DEFAULT_DB_ALIAS)
    if state.committed_list is connection.run_on_commit and article.pk in state.committed:
        state.committed.discard(article.pk)
        return
    schedule_refresh(article.pk)


def on_article_saved(sender: Any, instance: Article, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        schedule_refresh(instance.pk)


def on_article_m2m(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        schedule_refresh(instance.pk)
    elif pk_set:
        for pk in pk_set:
            schedule_refresh(pk)


def on_authorship_changed(
    sender: Any, instance: Authorship, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        schedule_refresh(instance.article_id)


def on_article_deleting(sender: Any, instance: Article, **kwargs: Any) -> None:
    """A deleted story's features leave the archive's counts, and it leaves every Related list.

    Before the delete, while its stored features can still be read (the cascade would drop
    them uncounted, leaving every word it carried counted once too often); in the delete's
    transaction, so a rolled-back delete leaves the counts as they were. The stories that
    showed it are refreshed, to fill the slot with their next best.
    """
    for article_id in clear_related(instance.pk):
        schedule_refresh(article_id)


def on_article_deleted(sender: Any, instance: Article, **kwargs: Any) -> None:
    """The cascade deletes a story's stale row before its bylines, whose `post_delete` marks
    the story again: that row goes here, after the story itself."""
    if queue_is_database():
        StaleArticle.objects.filter(article_id=instance.pk).delete()


def on_setting_changed(setting: str, **kwargs: Any) -> None:
    # A drain in the memo belongs to the queue it was queued in (tests switch queues).
    if setting in {"TASKS", "MASTHEAD_STALE_DRAIN_DELAY"}:
        _memo.forget()


def connect() -> None:
    article_changed.connect(on_article_changed, dispatch_uid="discovery.article_changed")
    post_save.connect(on_article_saved, sender=Article, dispatch_uid="discovery.article_saved")
    for through in (Article.tags.through, Article.sections.through):
        m2m_changed.connect(on_article_m2m, sender=through, dispatch_uid=f"discovery.{through}")
    post_save.connect(on_authorship_changed, sender=Authorship, dispatch_uid="discovery.by")
    post_delete.connect(on_authorship_changed, sender=Authorship, dispatch_uid="discovery.by-")
    pre_delete.connect(on_article_deleting, sender=Article, dispatch_uid="discovery.deleting")
    post_delete.connect(on_article_deleted, sender=Article, dispatch_uid="discovery.deleted")
    setting_changed.connect(on_setting_changed, dispatch_uid="discovery.setting_changed")

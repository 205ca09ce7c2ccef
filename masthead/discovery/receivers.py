"""Keeping search and Related in step with the newsroom, off the writer's hot path.

Every change to an Article, its tags, sections or bylines (the wire ingest, the newsroom's
actions and services, admin edits, the demo loader) fires a model signal inside the transaction
that makes it. The receivers here enqueue one `refresh_article_task` per story per transaction
(a story saved, re-tagged and re-bylined in one transaction is queued once), and the task
re-indexes the story and recomputes its Related list.

In production the queue is django_tasks_db's table in the same database, and the task is
enqueued *inside* the change's transaction: the change and its pending refresh commit together,
so a writer killed right after its commit (SIGKILL, OOM) cannot leave a story whose index entry
nobody will ever refresh, and a rolled-back change leaves no task behind. A worker process runs
the tasks: `masthead db_worker` (which `masthead serve` starts beside the web server in the
embedded setup). Until it has run, readers are still safe: the search view and the Related
block re-check `published()` on what they read, so a killed or embargoed story never shows.

With any other backend (the immediate backend in tests, which runs a task the moment it is
enqueued) the task is enqueued when the transaction commits instead, once the story's tags and
bylines are final. `article_changed`, sent after commit by the newsroom's actions, also queues a
refresh, except for a story whose refresh the just-committed transaction already queued (it
is there for changes made without model signals, such as a queryset update).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from masthead.discovery.tasks import queue_is_database, refresh_article_task
from masthead.newsroom.models import Article, Authorship
from masthead.newsroom.signals import article_changed

logger = logging.getLogger(__name__)


class _Marker:
    """An on-commit callback standing for "article N's refresh is queued in this transaction".

    It lives in the connection's `run_on_commit` list, so Django drops it with the transaction
    or savepoint it was queued in, and a rolled-back queueing is never taken for a live one.
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
        # Remember what this commit queued, so that its `article_changed` does not queue again.
        connection = transaction.get_connection(DEFAULT_DB_ALIAS)
        if state.committed_list is not connection.run_on_commit:
            state.committed_list, state.committed = connection.run_on_commit, set()
        state.committed.add(self.article_id)


class _State(threading.local):
    def __init__(self) -> None:
        # article id -> its marker, for the transaction whose `run_on_commit` is `pending_list`.
        self.pending: dict[int, _Marker] = {}
        self.pending_list: list | None = None
        # Ids whose refresh the last commit queued; valid while `committed_list` is current.
        self.committed: set[int] = set()
        self.committed_list: list | None = None


_local = _State()


def _state() -> _State:
    return _local


def _enqueue(article_id: int) -> None:
    refresh_article_task.enqueue(article_id)


def schedule_refresh(article_id: int) -> None:
    """Queue one refresh of the story for the open transaction (or now, outside one)."""
    connection = transaction.get_connection(DEFAULT_DB_ALIAS)
    in_database = queue_is_database()
    if not connection.in_atomic_block:
        # Autocommit: the change is already committed; queue at once (immediate backends run it).
        _enqueue(article_id)
        return
    state = _state()
    if state.pending_list is not connection.run_on_commit:
        # Django replaces the list on commit, rollback and savepoint rollback: re-read which
        # markers survived (appending keeps the same list, so this is rare and cheap).
        state.pending_list = connection.run_on_commit
        state.pending = {
            func.article_id: func
            for _sids, func, _robust in connection.run_on_commit
            if isinstance(func, _Marker) and not func.done
        }
    if article_id in state.pending:
        return
    marker = _Marker(article_id, in_database=in_database)
    if in_database:
        _enqueue(article_id)  # a row in this transaction: commits or rolls back with the change
    state.pending[article_id] = marker
    transaction.on_commit(marker, robust=True)


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
    from masthead.discovery.related import clear_related

    for article_id in clear_related(instance.pk):
        schedule_refresh(article_id)


def connect() -> None:
    article_changed.connect(on_article_changed, dispatch_uid="discovery.article_changed")
    post_save.connect(on_article_saved, sender=Article, dispatch_uid="discovery.article_saved")
    for through in (Article.tags.through, Article.sections.through):
        m2m_changed.connect(on_article_m2m, sender=through, dispatch_uid=f"discovery.{through}")
    post_save.connect(on_authorship_changed, sender=Authorship, dispatch_uid="discovery.by")
    post_delete.connect(on_authorship_changed, sender=Authorship, dispatch_uid="discovery.by-")
    pre_delete.connect(on_article_deleting, sender=Article, dispatch_uid="discovery.deleting")

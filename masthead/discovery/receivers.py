"""Keeping search and Related in step with the newsroom, after each change commits.

The wire ingest and the newsroom's services send `article_changed`; admin edits, the demo loader
and anything else that saves an Article, its tags, sections or bylines are caught by the model
signals. Either way one refresh per story runs after the transaction commits, when the story's
tags and bylines are final, and never inside a reader's request.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from masthead.newsroom.models import Article, Authorship
from masthead.newsroom.signals import article_changed

logger = logging.getLogger(__name__)

# article id → the callback queued for the open transaction, to queue one refresh, not six.
_queued: dict[int, Any] = {}


def refresh_article(article_id: int) -> None:
    """Re-index one story and recompute its Related list (both remove it when withdrawn)."""
    from masthead.discovery.related import refresh_related
    from masthead.discovery.search.index import index_article

    _queued.pop(article_id, None)
    index_article(article_id)
    refresh_related(article_id)


def schedule_refresh(article_id: int) -> None:
    connection = transaction.get_connection(DEFAULT_DB_ALIAS)
    queued = _queued.get(article_id)
    # A callback queued in a transaction that has since rolled back is gone from the list.
    if queued is not None and any(entry[1] is queued for entry in connection.run_on_commit):
        return

    def callback() -> None:
        refresh_article(article_id)

    if connection.in_atomic_block:
        _queued[article_id] = callback
    transaction.on_commit(callback, robust=True)


def on_article_changed(sender: Any, article: Article, change: str = "", **kwargs: Any) -> None:
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


def connect() -> None:
    article_changed.connect(on_article_changed, dispatch_uid="discovery.article_changed")
    post_save.connect(on_article_saved, sender=Article, dispatch_uid="discovery.article_saved")
    for through in (Article.tags.through, Article.sections.through):
        m2m_changed.connect(on_article_m2m, sender=through, dispatch_uid=f"discovery.{through}")
    post_save.connect(on_authorship_changed, sender=Authorship, dispatch_uid="discovery.by")
    post_delete.connect(on_authorship_changed, sender=Authorship, dispatch_uid="discovery.by-")

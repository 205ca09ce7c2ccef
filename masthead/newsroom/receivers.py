"""The newsroom's own reactions to a committed change (`signals.article_changed`), connected in
`NewsroomConfig.ready()`: work a change sets off that must not run inside its transaction."""

from __future__ import annotations

from typing import Any

from masthead.newsroom import tasks
from masthead.newsroom.models import Article
from masthead.newsroom.signals import article_changed


def on_article_changed(sender: Any, article: Article, change: str, **kwargs: Any) -> None:
    """A kill, once committed, takes the story's pictures out of storage (in the worker:
    object storage may be slow to answer), unless another story shows them."""
    if change == "killed":
        tasks.forget_killed_pictures.enqueue(article.pk)


def connect() -> None:
    article_changed.connect(on_article_changed, dispatch_uid="newsroom.article_changed")

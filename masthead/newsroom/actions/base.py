"""What every action shares: who may act, the revision it keeps, the signal it sends."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

from masthead.newsroom.actors import Actor, NotAllowed
from masthead.newsroom.models import Article, ArticleRevision
from masthead.newsroom.signals import article_changed

# Fields a wire update may set; an editor's change to any of them (listed in
# `Article.editor_locked_fields`) wins over later wire versions.
WIRE_FIELDS = (
    "headline",
    "summary",
    "body",
    "dateline",
    "byline",
    "canonical_url",
    "image_url",
    "image_alt",
    "credit_line",
    "copyright_notice",
    "language",
    "embargo_until",
    "is_fiction",
)
# Pseudo-fields for the relations, in the same lock list.
LOCKABLE_RELATIONS = ("sections", "tags", "bylines")


class ActionError(Exception):
    """The action cannot be carried out (e.g. killing an already killed story)."""


CHANGE = "newsroom.change_article"
ADD = "newsroom.add_article"


def require(actor: Actor, permission: str, article: Article | None = None) -> None:
    try:
        actor.require(permission, article)
    except NotAllowed as exc:
        raise ActionError(str(exc)) from exc


def snapshot(article: Article) -> dict[str, Any]:
    """What the story looked like, for its revision history (JSON-serialisable).

    Its corrections are not copied: each is its own row, dated and never edited, so the ones
    a revision's story carried are those published before it.
    """
    data: dict[str, Any] = {}
    for name in (
        *WIRE_FIELDS,
        "status",
        "slug",
        "kill_reason",
        "wire_guid",
        "wire_version",
        "content_hash",
    ):
        value = getattr(article, name)
        data[name] = value
    for name in (
        "published_at",
        "updated_at",
        "embargo_until",
        "wire_version_at",
        "corrected_at",
        "killed_at",
    ):
        value = getattr(article, name)
        data[name] = value.isoformat() if value else None
    if article.pk:
        data["sections"] = list(article.sections.values_list("slug", flat=True))
        data["tags"] = list(article.tags.values_list("slug", flat=True))
        data["bylines"] = article.byline_names
    return data


def revise(article: Article, reason: str, actor: Actor) -> None:
    ArticleRevision.objects.create(
        article=article,
        wire_version=article.wire_version,
        reason=reason[:200],
        snapshot=snapshot(article),
        user=actor.user,
        actor=actor.label,
    )


def notify(article: Article, change: str) -> None:
    transaction.on_commit(
        lambda: article_changed.send(sender=Article, article=article, change=change)
    )


T = TypeVar("T")


def checked(execute: Callable[[Any], T]) -> Callable[[Any], T]:
    """`execute` in one transaction (no savepoint of its own: the wire runs thousands), after
    `check()` has passed outside it, so a refused action leaves a caller's transaction usable."""
    atomic = transaction.atomic(savepoint=False)(execute)

    @functools.wraps(execute)
    def run(self: Any) -> T:
        self.check()
        return atomic(self)

    return run

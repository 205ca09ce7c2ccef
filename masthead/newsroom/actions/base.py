"""What every action shares: who may act, the revision it keeps, the signal it sends."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

from masthead.newsroom.actors import Actor, NotAllowed
from masthead.newsroom.models import Article, ArticleRevision, FrontPin, StatusChange
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
# The lead picture an editor chose (`SetPicturesAction`, or the story form's lead picture):
# locked too, so a later wire version's picture never replaces it. Not put to the desk as a
# `WireChange` (the desk compares text); the wire's next picture is simply not taken.
LEAD_IMAGE = "lead_image"


class ActionError(Exception):
    """The action cannot be carried out (e.g. killing an already killed story)."""


class StaleEdit(ActionError):
    """The story was saved by someone else after this editor opened it; nothing was saved."""


CHANGE = "newsroom.change_article"
ADD = "newsroom.add_article"
# Publish, schedule, unpublish, correct, kill, embargo, and edit a story that is not one's own
# draft: the Editor group's permission (migration 0008), which the Reporter group lacks.
PUBLISH = "newsroom.publish_article"
# Where a reporter's own story may be edited by them: before an editor has taken it live.
REPORTER_STATUSES = frozenset({Article.Status.DRAFT, Article.Status.REVIEW})


def may_publish(actor: Actor) -> bool:
    """Editors, wires (for their own copy) and the system; never a reporter."""
    return actor.user is None or bool(actor.user.is_active and actor.user.has_perm(PUBLISH))


def owns(actor: Actor, article: Article) -> bool:
    """The story is the actor's: they created it, or they are one of its bylines."""
    user = actor.user
    if user is None or not article.pk:
        return False
    if article.created_by_id == user.pk:
        return True
    return article.authorships.filter(author__user=user).exists()


def require(actor: Actor, permission: str, article: Article | None = None) -> None:
    """Refuse the action unless `actor` may take it on `article`: the permission (an editor's
    Django permission, a wire's own source, the system trusted), and for a reporter, who may
    change a story without `publish_article`, only their own story while it is a draft or in
    review. The one place the rule is written, so the admin, the command line and tasks agree."""
    try:
        actor.require(permission, article)
    except NotAllowed as exc:
        raise ActionError(str(exc)) from exc
    if permission == CHANGE and article is not None and article.pk and not may_publish(actor):
        if article.status not in REPORTER_STATUSES:
            raise ActionError(
                f"{actor} may not change a story that is {article.status_label.lower()}: "
                "an editor can"
            )
        if not owns(actor, article):
            raise ActionError(f"{actor} may change only their own stories")


def record_transition(
    article: Article, old: str, new: str, actor: Actor, *, note: str = ""
) -> StatusChange | None:
    """The audit log's line for a change of status (none when the status stays). A story that
    leaves the site (killed, unpublished, back to draft) leaves every front it was pinned to."""
    if old == new:
        return None
    if new not in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        for pin in FrontPin.objects.filter(article=article):
            pin.delete()  # one by one: each delete purges its front (edge receivers)
    return StatusChange.objects.create(
        article=article,
        from_status=old,
        to_status=new,
        user=actor.user,
        actor=actor.label,
        note=note[:300],
    )


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
    data[LEAD_IMAGE] = article.lead_image_id  # the row's id (no query)
    if article.pk:
        data["sections"] = list(article.sections.values_list("slug", flat=True))
        data["tags"] = list(article.tags.values_list("slug", flat=True))
        data["bylines"] = article.byline_names
    return data


def story_value(article: Article, name: str) -> Any:
    """One wire-lockable field of a stored story as JSON, the form a `WireChange` keeps and
    compares: text as it is, a time in ISO form, sections as slugs (the main one first), tags
    and bylines as names."""
    if name == "sections":
        slugs = sorted(article.sections.values_list("slug", flat=True))
        main = article.section.slug if article.section_id and article.section else None
        return [main, *(s for s in slugs if s != main)] if main in slugs else slugs
    if name == "tags":
        return sorted(article.tags.values_list("name", flat=True))
    if name == "bylines":
        return [a.author.name for a in article.authorships.select_related("author")]
    if name == LEAD_IMAGE:
        return article.lead_image_id
    return json_value(getattr(article, name))


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


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

"""The wire desk's decisions: spike a story (not for us), bring it back, and take or leave
what a newer wire version changed in a story an editor had changed (`WireChange`).

Publishing and pinning from the desk are the workflow's and the fronts' own actions; these are
the steps only the desk takes. All need an editor (`publish_article`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from masthead.newsroom.actions.base import (
    LOCKABLE_RELATIONS,
    PUBLISH,
    WIRE_FIELDS,
    ActionError,
    require,
)
from masthead.newsroom.actions.editorial import EditArticleAction, Relations
from masthead.newsroom.actions.workflow import _Step
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, Section, WireChange
from masthead.newsroom.services import authors_named, tags_named

Status = Article.Status


class SpikeArticleAction(_Step):
    """Hide a story the desk will not run, without killing it: readers never see it, a later
    wire version leaves it spiked, and `UnspikeArticleAction` brings it back to review.

    Only copy that has not gone out: a live story is unpublished (or killed) first, so that
    taking a story off the site is always its own, deliberate step with its own signal."""

    permission = PUBLISH
    reason, verb = "spiked", "spiked"

    def allowed_from(self) -> set[str]:
        return {Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED}

    def check(self, current: Article) -> None:
        if current.status in (Status.PUBLISHED, Status.SCHEDULED):
            require(self.actor, self.permission, current)
            raise ActionError(
                f"“{current.headline}” is {current.status_label.lower()}: unpublish it first "
                "(a live story is taken down, not spiked)"
            )
        super().check(current)

    def apply(self, article: Article, now: dt.datetime) -> str:
        article.status = Status.SPIKED
        return ""


class UnspikeArticleAction(_Step):
    """Back to the desk: in review, waiting for a decision again."""

    permission = PUBLISH
    reason, verb = "unspiked", "unspiked"

    def allowed_from(self) -> set[str]:
        return {Status.SPIKED}

    def apply(self, article: Article, now: dt.datetime) -> str:
        article.status = Status.REVIEW
        return ""


class _Decision:
    """An editor's answer to one pending `WireChange`."""

    def __init__(self, *, change: WireChange, actor: Actor):
        self.change = change
        self.actor = actor

    def check(self, change: WireChange) -> None:
        require(self.actor, PUBLISH, change.article)
        if change.state != WireChange.State.PENDING:
            raise ActionError(f"this wire change was already {change.get_state_display().lower()}")
        if change.article.is_killed:
            raise ActionError("the story is killed: its wire changes no longer apply")

    def locked(self) -> WireChange:
        """The change as stored, locked: two editors answering it at once decide it once."""
        change = (
            WireChange.objects.select_for_update()
            .select_related("article__source")
            .get(pk=self.change.pk)
        )
        self.check(change)
        return change

    def decided(self, change: WireChange, state: str) -> WireChange:
        change.state = state
        change.decided_by = self.actor.user
        change.decided_at = timezone.now()
        change.actor = self.actor.label
        change.save(update_fields=["state", "decided_by", "decided_at", "actor"])
        return change


class TakeWireChangeAction(_Decision):
    """Take the wire's value: an edit by this editor (one revision, the story's signal), after
    which the field is unlocked, so later wire versions apply to it again: the editor has
    accepted the wire's text, and a lock kept would hide the wire's next fix from them."""

    @transaction.atomic
    def execute(self) -> Article:
        change = self.locked()
        article = Article.objects.select_related("source").get(pk=change.article_id)
        name, value = change.field, change.wire_value
        relations = Relations()
        changed = {name}
        if name in WIRE_FIELDS:
            setattr(article, name, _field_value(name, value))
        elif name == "sections":
            slugs = list(value or [])
            by_slug = {s.slug: s for s in Section.objects.filter(slug__in=slugs)}
            relations.sections = [by_slug[s] for s in slugs if s in by_slug]
            article.section = relations.sections[0] if relations.sections else None
            changed.add("section")
        elif name == "tags":
            relations.tags = tags_named(value or [])
        elif name == "bylines":
            relations.authors = authors_named(value or [])
        else:  # pragma: no cover - UpdateFromWireAction records only these
            raise ActionError(f"not a field the wire sets: {name}")
        done = EditArticleAction(
            article=article,
            changed=changed,
            actor=self.actor,
            relations=relations,
            reason=f"took the wire's {label(name).lower()}",
            from_wire={name, "section"} if name == "sections" else {name},
        ).execute()
        self.decided(change, WireChange.State.TAKEN)
        return done


class LeaveWireChangeAction(_Decision):
    """Keep the paper's value: the field stays locked, and this wire value is not put to the
    desk again (a later version that changes it again is)."""

    @transaction.atomic
    def execute(self) -> WireChange:
        return self.decided(self.locked(), WireChange.State.LEFT)


def _field_value(name: str, value: Any) -> Any:
    if name == "embargo_until":
        return parse_datetime(value) if isinstance(value, str) else None
    if name == "is_fiction":
        return bool(value)
    return value if value is not None else ""


LABELS = {"bylines": "Bylines", "sections": "Sections", "tags": "Tags"}


def label(name: str) -> str:
    """A field's name as the desk says it ("the wire changed the headline, body")."""
    if name in LOCKABLE_RELATIONS:
        return LABELS[name]
    found = Article._meta.get_field(name)
    return str(getattr(found, "verbose_name", name)).capitalize()

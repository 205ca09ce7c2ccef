"""The workflow's steps as actions: submit for review, send back, publish (now or at a time),
unpublish (now or at a time), restore an earlier version.

Each is one click in the back office, one bulk action over many stories, one `masthead story`
subcommand and one step of the worker's clock (`masthead.newsroom.schedule`), all through the
same checks: `require` is where a reporter is told they cannot publish, whichever door they try.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from masthead.newsroom.actions.base import (
    CHANGE,
    LEAD_IMAGE,
    LOCKABLE_RELATIONS,
    PUBLISH,
    WIRE_FIELDS,
    ActionError,
    notify,
    record_transition,
    require,
    revise,
)
from masthead.newsroom.actions.editorial import (
    EditArticleAction,
    Relations,
    require_alt,
    require_byline,
    settle_status,
)
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, Author, Image, Section, Tag

Status = Article.Status


class _Step:
    """A change of status on one story, on its row as locked (a bulk action or a clock may
    hold a copy read a while ago)."""

    permission = CHANGE
    reason = ""  # the revision's
    verb = ""  # for the refusal: "cannot be <verb>"

    # The status the story must still have (the clock's: an editor may have moved it since).
    expect: str | None = None

    def __init__(self, *, article: Article, actor: Actor, note: str = ""):
        self.article = article
        self.actor = actor
        self.note = note.strip()

    def allowed_from(self) -> set[str]:
        raise NotImplementedError

    def check(self, current: Article) -> None:
        require(self.actor, self.permission, current)
        if self.expect is not None and current.status != self.expect:
            raise ActionError(f"the story is no longer {self.expect}")
        if current.status not in self.allowed_from():
            raise ActionError(
                f"a story that is {current.status_label.lower()} cannot be {self.verb}"
            )

    def apply(self, article: Article, now: dt.datetime) -> str:
        """Set the new status on `article`; returns the change readers see ("" for none)."""
        raise NotImplementedError

    @transaction.atomic
    def execute(self) -> Article:
        article = (
            Article.objects.select_for_update().select_related("source").get(pk=self.article.pk)
        )
        self.check(article)
        old = article.status
        revise(article, self.reason, self.actor)
        change = self.apply(article, timezone.now())
        article.save()
        record_transition(article, old, article.status, self.actor, note=self.note)
        if change:
            notify(article, change)
        return article


class SubmitForReviewAction(_Step):
    """A reporter hands a draft to the editors."""

    reason, verb = "submitted for review", "submitted for review"

    def allowed_from(self) -> set[str]:
        return {Status.DRAFT}

    def apply(self, article: Article, now: dt.datetime) -> str:
        article.status = Status.REVIEW
        require_byline(article, Relations())
        return ""


class ReturnToDraftAction(_Step):
    """Back to the reporter (an editor asking for changes, or the reporter withdrawing it); a
    scheduled story stops being scheduled."""

    reason, verb = "returned to draft", "returned to draft"

    def allowed_from(self) -> set[str]:
        return {Status.REVIEW, Status.SCHEDULED}

    def check(self, current: Article) -> None:
        super().check(current)
        if current.status == Status.SCHEDULED:
            require(self.actor, PUBLISH, current)

    def apply(self, article: Article, now: dt.datetime) -> str:
        article.status = Status.DRAFT
        return ""


class PublishArticleAction(_Step):
    """Publish now, or schedule for `at` (a time to come): the worker publishes it then."""

    permission = PUBLISH
    reason = "publish"

    def __init__(
        self, *, article: Article, actor: Actor, at: dt.datetime | None = None, note: str = ""
    ):
        super().__init__(article=article, actor=actor, note=note)
        self.at = at
        self.verb = "scheduled" if at is not None and at > timezone.now() else "published"
        self.reason = "schedule" if self.verb == "scheduled" else "publish"

    def allowed_from(self) -> set[str]:
        return {Status.DRAFT, Status.REVIEW, Status.SCHEDULED, Status.UNPUBLISHED}

    def check(self, current: Article) -> None:
        super().check(current)
        if self.at is not None and current.unpublish_at and current.unpublish_at <= self.at:
            raise ActionError("it would go live after the time set to take it down")

    def apply(self, article: Article, now: dt.datetime) -> str:
        republish = article.status == Status.UNPUBLISHED and article.published_at is not None
        if self.at is not None:
            article.published_at = self.at
        elif not republish:
            article.published_at = now
        article.status = Status.PUBLISHED
        settle_status(article, now, republish=republish)
        require_byline(article, Relations())
        require_alt(article)
        return "published" if article.status == Status.PUBLISHED else ""


class UnpublishArticleAction(_Step):
    """Take a story off the site now (it can be published again), or at `at`, when the worker
    does it; unlike a kill it answers 404, not 410, and needs no reason."""

    permission = PUBLISH
    reason = "unpublish"

    def __init__(
        self, *, article: Article, actor: Actor, at: dt.datetime | None = None, note: str = ""
    ):
        super().__init__(article=article, actor=actor, note=note)
        self.at = at if at is not None and at > timezone.now() else None
        self.verb = "unpublished"

    def allowed_from(self) -> set[str]:
        return {Status.PUBLISHED, Status.SCHEDULED}

    def check(self, current: Article) -> None:
        super().check(current)
        due = current.unpublish_at is not None and current.unpublish_at <= timezone.now()
        if self.expect is not None and not due:  # the clock's, and the time was moved
            raise ActionError("its take-down time was changed")

    def apply(self, article: Article, now: dt.datetime) -> str:
        if self.at is not None:
            article.unpublish_at = self.at  # still live until then
            return ""
        was_live = article.status == Status.PUBLISHED
        article.status = Status.UNPUBLISHED
        article.unpublish_at = None
        return "unpublished" if was_live else ""


class RestoreRevisionAction:
    """Put back a story's text and placement as one of its versions had them (see
    `masthead.newsroom.revisions.history`), as a new edit: what it replaces is kept as a
    revision too, so a restore can itself be undone. Status and times are left alone."""

    def __init__(self, *, article: Article, data: dict[str, Any], number: int, actor: Actor):
        self.article = article
        self.data = data
        self.number = number
        self.actor = actor

    def execute(self) -> Article:
        article = Article.objects.select_related("source").get(pk=self.article.pk)
        changed = []
        for name in WIRE_FIELDS:
            if name not in self.data or name == "embargo_until":
                continue
            if getattr(article, name) != self.data[name]:
                setattr(article, name, self.data[name])
                changed.append(name)
        # The lead picture the version had, if the library still has it (versions kept
        # before pictures were recorded say nothing, and leave it as it is).
        if LEAD_IMAGE in self.data and self.data[LEAD_IMAGE] != article.lead_image_id:
            wanted = self.data[LEAD_IMAGE]
            picture = Image.objects.filter(pk=wanted).first() if wanted else None
            if picture is not None or not wanted:
                article.lead_image = picture
                changed.append(LEAD_IMAGE)
        relations = Relations()
        if "sections" in self.data:
            relations.sections = list(Section.objects.filter(slug__in=self.data["sections"]))
            changed.append("sections")
        if "tags" in self.data:
            relations.tags = list(Tag.objects.filter(slug__in=self.data["tags"]))
            changed.append("tags")
        if "bylines" in self.data:
            by_name = {a.name: a for a in Author.objects.filter(name__in=self.data["bylines"])}
            relations.authors = [by_name[n] for n in self.data["bylines"] if n in by_name]
            changed.append("bylines")
        if not article.wire_guid:
            changed = [c for c in changed if c not in LOCKABLE_RELATIONS]
        return EditArticleAction(
            article=article,
            changed=changed,
            actor=self.actor,
            relations=relations,
            reason=f"restored version {self.number}",
        ).execute()

"""Actions editors take, in the back office or from code: correct, kill, embargo, write, edit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from masthead.newsroom.actions.base import (
    ADD,
    CHANGE,
    LEAD_IMAGE,
    LOCKABLE_RELATIONS,
    PUBLISH,
    REPORTER_STATUSES,
    WIRE_FIELDS,
    ActionError,
    StaleEdit,
    checked,
    may_publish,
    notify,
    record_transition,
    require,
    revise,
    story_value,
)
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import (
    Article,
    ArticleRevision,
    Author,
    Correction,
    Section,
    Source,
    Tag,
)
from masthead.newsroom.services import (
    authors_named,
    set_authors,
    set_sections,
    tags_named,
    unique_slug,
)
from masthead.text import clean_html, clean_plain


def _add_correction(article: Article, note: str, at: dt.datetime, actor: Actor) -> Correction:
    """A new correction on `article`, and its `corrected_at` moved to the latest one (the
    caller saves the story, in the same transaction: the save purges its pages)."""
    # Through the relation: it also drops corrections this copy of the story had read.
    correction = article.corrections.create(
        note=note, published_at=at, user=actor.user, actor=actor.label
    )
    if article.corrected_at is None or at > article.corrected_at:
        article.corrected_at = at
    return correction


class ApplyCorrectionAction:
    """Tell readers what a story got wrong: a new dated note beside the ones before it.

    `at` is when readers were told (the wire's version time); never later than now, so a
    clock running ahead at the wire cannot date a correction in the future.
    """

    def __init__(self, *, article: Article, note: str, actor: Actor, at: dt.datetime | None = None):
        self.article = article
        self.note = note.strip()
        self.actor = actor
        self.at = at

    def check(self) -> None:
        require(self.actor, PUBLISH, self.article)
        if not self.note:
            raise ActionError("a correction needs a note for readers")

    @checked
    def execute(self) -> Correction:
        article = self.article
        revise(article, "correction", self.actor)
        now = timezone.now()
        # The stored latest time, locked: a correction added meanwhile through another copy of
        # the story must not have its later time overwritten by this copy's.
        stored = Article.objects.select_for_update().filter(pk=article.pk)
        article.corrected_at = stored.values_list("corrected_at", flat=True).get()
        correction = _add_correction(article, self.note, min(self.at or now, now), self.actor)
        article.save(update_fields=["corrected_at", "modified"])
        notify(article, "corrected")
        return correction


class KillArticleAction:
    """Withdraw a story from every reader surface at once; it stays for editors, with why.

    Killing is terminal for the wire: no later wire version resurrects the story (only an
    editor can, by hand).
    """

    def __init__(
        self, *, article: Article, reason: str, actor: Actor, at: dt.datetime | None = None
    ):
        self.article = article
        self.reason = reason.strip() or "Withdrawn"
        self.actor = actor
        self.at = at

    def check(self) -> None:
        require(self.actor, PUBLISH, self.article)
        if self.article.is_killed:
            raise ActionError("this story is already killed")

    @checked
    def execute(self) -> Article:
        article = self.article
        if article.pk:
            revise(article, "kill", self.actor)
        old = article.status
        article.status = Article.Status.KILLED
        article.kill_reason = self.reason
        article.killed_at = timezone.now()
        article.unpublish_at = None
        article.save()
        record_transition(article, old, article.status, self.actor, note=self.reason)
        notify(article, "killed")
        return article


class EmbargoArticleAction:
    """Hold a story from readers until `until` (it appears by itself then: `published()`
    filters on the embargo time, so no job has to run at the moment)."""

    def __init__(self, *, article: Article, until: dt.datetime | None, actor: Actor):
        self.article = article
        self.until = until
        self.actor = actor

    def check(self) -> None:
        require(self.actor, PUBLISH, self.article)
        if self.article.is_killed:
            raise ActionError("a killed story cannot be embargoed")

    @checked
    def execute(self) -> Article:
        article = self.article
        revise(article, "embargo", self.actor)
        article.embargo_until = self.until
        article.save(update_fields=["embargo_until", "modified"])
        notify(article, "updated")
        return article


@dataclass
class Relations:
    """A story's placement and bylines as an editor set them; None leaves one as it is."""

    sections: list[Section] | None = None
    tags: list[Tag] | None = None
    authors: list[Author] | None = None


def _set_relations(article: Article, relations: Relations) -> None:
    sections = relations.sections
    if sections is None and article.section is not None:
        # Only the main section changed (or the story is new): it must still be listed.
        if not article.sections.filter(pk=article.section.pk).exists():
            sections = list(article.sections.all())
    if sections is not None:
        sections = list(sections)
        # The main section always counts as one of the story's sections (a story listed under
        # "Section" only would otherwise be missing from that section's page).
        if article.section is not None:
            sections = [article.section, *(s for s in sections if s.pk != article.section_id)]
        set_sections(article, sections)
    if relations.tags is not None:
        article.tags.set(relations.tags)
    if relations.authors is not None:
        set_authors(article, relations.authors)


class CreateArticleAction:
    """A story an editor writes in the back office (not yet saved)."""

    def __init__(self, *, article: Article, actor: Actor, relations: Relations | None = None):
        self.article = article
        self.actor = actor
        self.relations = relations or Relations()

    def check(self) -> None:
        require(self.actor, ADD)
        if self.article.status not in REPORTER_STATUSES:
            require(self.actor, PUBLISH)
        if not self.article.headline:
            raise ActionError("a story needs a headline")

    @checked
    def execute(self) -> Article:
        article = self.article
        if not article.slug:
            article.slug = unique_slug(article.headline)
        if article.created_by_id is None and self.actor.user is not None:
            article.created_by = self.actor.user
        settle_status(article, timezone.now())
        require_byline(article, self.relations)
        require_alt(article)
        article.save()
        _set_relations(article, self.relations)
        record_transition(article, "", article.status, self.actor, note="created")
        if article.status == Article.Status.PUBLISHED:
            notify(article, "published")
        return article


class EditArticleAction:
    """An editor's save of a story: whatever the form changed, as one change with one revision.

    A save that kills, corrects, publishes or unpublishes does that here too (with its time and
    the right signal), so the admin never needs two writes for one click: `corrections` are the
    notes of new corrections the editor added with the edit. On a wire story, every field the
    editor changed is locked against later wire versions.

    `opened_at` is the story's `modified` when the editor's form was opened: if anyone (an
    editor, the wire) has saved it since, the save is refused (`StaleEdit`), never merged over.

    `from_wire` names fields this edit takes from the wire (the desk's "take" of a
    `WireChange`): they are unlocked instead, so later wire versions apply to them again.
    """

    def __init__(
        self,
        *,
        article: Article,
        changed: Iterable[str],
        actor: Actor,
        relations: Relations | None = None,
        corrections: Iterable[str] = (),
        opened_at: dt.datetime | None = None,
        reason: str = "editor edit",
        from_wire: Iterable[str] = (),
    ):
        self.article = article  # carrying the edited values, not yet saved
        self.changed = set(changed)
        self.from_wire = set(from_wire)
        self.actor = actor
        self.relations = relations or Relations()
        self.corrections = [n.strip() for n in corrections if n.strip()]
        self.opened_at = opened_at
        self.reason = reason

    def check(self, previous: Article) -> None:
        require(self.actor, CHANGE, previous)
        if self.opened_at is not None and previous.modified != self.opened_at:
            raise StaleEdit(stale_message(previous))
        new, old = self.article.status, previous.status
        if not may_publish(self.actor):
            if new != old and new not in REPORTER_STATUSES:
                raise ActionError(f"{self.actor} may not make a story {new}: an editor can")
            if self.corrections or self.changed & {"unpublish_at", "embargo_until", "access"}:
                raise ActionError(f"{self.actor} may not change that: an editor can")
        if new == Article.Status.KILLED and not previous.is_killed:
            if not self.article.kill_reason.strip():
                raise ActionError("say why the story is withdrawn")

    @transaction.atomic  # its check reads the locked row: a savepoint contains a refusal
    def execute(self) -> Article:
        article = self.article
        # Locked so that a wire version applied meanwhile is not silently overwritten.
        previous = Article.objects.select_for_update().get(pk=article.pk)
        self.check(previous)
        now = timezone.now()
        killing = article.status == Article.Status.KILLED and not previous.is_killed
        correcting = bool(self.corrections)
        if killing:
            article.kill_reason = article.kill_reason.strip()
            article.killed_at = now
            article.unpublish_at = None
        # The form does not carry `corrected_at` (only corrections move it): the row's, as
        # locked, so a wire correction applied meanwhile is kept.
        article.corrected_at = previous.corrected_at
        for note in self.corrections:
            _add_correction(article, note, now, self.actor)
        if article.status != previous.status or "published_at" in self.changed:
            settle_status(article, now, republish=previous.status == Article.Status.UNPUBLISHED)
        require_byline(article, self.relations)
        require_alt(article)
        if article.wire_guid:
            _lock_edited(article, previous, self.changed, unlock=self.from_wire)
        revise(
            previous,
            "kill" if killing else "correction" if correcting else self.reason,
            self.actor,
        )
        article.save()
        _set_relations(article, self.relations)
        record_transition(
            article,
            previous.status,
            article.status,
            self.actor,
            note=article.kill_reason if killing else "",
        )
        change = change_between(previous.status, article.status, correcting=correcting)
        if change:
            notify(article, change)
        return article


def _lock_edited(
    article: Article, previous: Article, changed: set[str], *, unlock: set[str]
) -> None:
    """Lock the wire fields an editor changed against later wire versions, remembering what
    the wire had sent for each newly locked one (the stored value, before this edit): a later
    version is put to the desk only where the wire changes it again."""
    # The row's, as locked (and the copy's, which a caller may have set by hand).
    was_locked = set(previous.editor_locked_fields or []) | set(article.editor_locked_fields or [])
    edited = {f for f in changed if f in WIRE_FIELDS or f in LOCKABLE_RELATIONS or f == LEAD_IMAGE}
    if "section" in changed:
        edited.add("sections")
    remembered = dict(previous.wire_locked_values or {})
    for name in sorted(edited - was_locked - unlock):
        remembered[name] = story_value(previous, name)
    for name in unlock:
        remembered.pop(name, None)
    article.editor_locked_fields = sorted((was_locked | edited) - unlock)
    article.wire_locked_values = remembered


def change_between(old: str, new: str, *, correcting: bool = False) -> str:
    """What readers saw change, for `article_changed` ("" when they saw nothing)."""
    live = Article.Status.PUBLISHED
    if new == Article.Status.KILLED and old != new:
        return "killed"
    if new != live:
        return "unpublished" if old == live else ""
    if old != live:
        return "published"
    return "corrected" if correcting else "updated"


def settle_status(article: Article, now: dt.datetime, *, republish: bool = False) -> None:
    """A story set to go live is scheduled while its time is to come, published once it has
    come; publishing with no time means now. A story taken down and put back keeps the time it
    first went out (readers see "Updated")."""
    if article.status not in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        return
    if article.published_at is None:
        article.published_at = now
    if article.published_at > now:
        article.status = Article.Status.SCHEDULED
    else:
        article.status = Article.Status.PUBLISHED
        if republish:
            article.updated_at = now


class MissingByline(ActionError):
    """Staff copy sent to review or to readers without an author (the form's authors field)."""


def require_byline(article: Article, relations: Relations) -> None:
    """Our own reporting goes to review or to readers only with a byline (an author)."""
    if article.status in (Article.Status.DRAFT, Article.Status.KILLED, Article.Status.UNPUBLISHED):
        return
    if not article.is_staff_copy:
        return
    if relations.authors is not None:
        has_author = bool(relations.authors)
    else:
        has_author = bool(article.pk) and article.authorships.exists()
    if not has_author:
        raise MissingByline("staff copy needs a byline: add at least one author")


def require_alt(article: Article) -> None:
    """A story goes live only with alt text on its lead picture: readers who cannot see the
    picture are told what it shows (whichever door publishes it: a button, a form, a clock)."""
    if article.status not in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        return
    picture = article.lead_image
    if picture is not None and not picture.alt.strip():
        raise ActionError("the lead picture needs alt text before the story goes live")


def stale_message(current: Article) -> str:
    """Why a save from an out-of-date form was refused, naming who saved since."""
    latest = ArticleRevision.objects.filter(article=current.pk).order_by("-created", "-id").first()
    who = latest.actor if latest is not None else "someone else"
    when = timezone.localtime(current.modified)
    return (
        f"{who} saved this story at {when:%H:%M:%S} after you opened it, so your changes were "
        "not saved (nothing was overwritten). Open the story again to see their version, then "
        "make your change there."
    )


class PublishLocalStoryAction:
    """Publish (or re-publish, by slug) a story written by the paper's own staff, from code:
    the demo loader and the command line. Its text goes through `masthead.text` first, as an
    editor's does in the back office; re-publishing identical copy changes nothing."""

    def __init__(
        self,
        *,
        actor: Actor,
        source: Source,
        headline: str,
        body_html: str,
        summary: str = "",
        dateline: str = "",
        bylines: Iterable[str] = (),
        sections: list[Section] | None = None,
        tags: Iterable[str] = (),
        published_at: dt.datetime | None = None,
        slug: str | None = None,
        is_fiction: bool = False,
    ):
        self.actor = actor
        self.source = source
        self.fields: dict[str, Any] = {
            "headline": clean_plain(headline),
            "summary": clean_plain(summary),
            "body": clean_html(body_html),
            "dateline": clean_plain(dateline),
            "is_local": True,
            "status": Article.Status.PUBLISHED,
            "is_fiction": is_fiction,
        }
        if published_at is not None:  # else now for a new story; a re-publish keeps its time
            self.fields["published_at"] = published_at
        self.slug = slug
        self.bylines = list(bylines)
        self.sections = sections or []
        self.tags = list(tags)

    def check(self, article: Article | None) -> None:
        require(self.actor, ADD if article is None else CHANGE, article)
        require(self.actor, PUBLISH, article)
        if not self.fields["headline"]:
            raise ActionError("a story needs a headline")

    @transaction.atomic  # its check reads the locked row: a savepoint contains a refusal
    def execute(self) -> Article:
        article = (
            Article.objects.select_for_update().filter(slug=self.slug).first()
            if self.slug
            else None
        )
        self.check(article)
        relations = Relations(
            sections=self.sections,
            tags=tags_named(self.tags),
            authors=authors_named(self.bylines, staff=True),
        )
        if article is None:
            article = Article(
                slug=self.slug or unique_slug(self.fields["headline"]),
                source=self.source,
                section=self.sections[0] if self.sections else None,
                **{"published_at": timezone.now(), **self.fields},
            )
            if self.actor.user is not None:
                article.created_by = self.actor.user
            article.save()
            _set_relations(article, relations)
            record_transition(article, "", article.status, self.actor, note="created")
            notify(article, "published")
            return article
        if self._unchanged(article, relations):
            return article
        revise(article, "local story republished", self.actor)
        old = article.status
        article.source = self.source
        for key, value in self.fields.items():
            setattr(article, key, value)
        article.section = self.sections[0] if self.sections else None
        article.save()
        _set_relations(article, relations)
        record_transition(article, old, article.status, self.actor)
        notify(article, "published" if old != Article.Status.PUBLISHED else "updated")
        return article

    def _unchanged(self, article: Article, relations: Relations) -> bool:
        return (
            all(getattr(article, key) == value for key, value in self.fields.items())
            and article.source_id == self.source.pk
            and [s.pk for s in self.sections] == [s.pk for s in article.sections.all()]
            and {t.pk for t in relations.tags or []} == {t.pk for t in article.tags.all()}
            and [a.pk for a in relations.authors or []]
            == [a.author_id for a in article.authorships.all()]
        )

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
    LOCKABLE_RELATIONS,
    WIRE_FIELDS,
    ActionError,
    checked,
    notify,
    require,
    revise,
)
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, Author, Correction, Section, Source, Tag
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
        require(self.actor, CHANGE, self.article)
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
        require(self.actor, CHANGE, self.article)
        if self.article.is_killed:
            raise ActionError("this story is already killed")

    @checked
    def execute(self) -> Article:
        article = self.article
        if article.pk:
            revise(article, "kill", self.actor)
        article.status = Article.Status.KILLED
        article.kill_reason = self.reason
        article.killed_at = timezone.now()
        article.save()
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
        require(self.actor, CHANGE, self.article)
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
    if relations.sections is not None:
        sections = list(relations.sections)
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
        if not self.article.headline:
            raise ActionError("a story needs a headline")

    @checked
    def execute(self) -> Article:
        article = self.article
        if not article.slug:
            article.slug = unique_slug(article.headline)
        if article.status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = timezone.now()
        article.save()
        _set_relations(article, self.relations)
        if article.status == Article.Status.PUBLISHED:
            notify(article, "published")
        return article


class EditArticleAction:
    """An editor's save of a story: whatever the form changed, as one change with one revision.

    A save that kills, corrects, publishes or unpublishes does that here too (with its time and
    the right signal), so the admin never needs two writes for one click: `corrections` are the
    notes of new corrections the editor added with the edit. On a wire story, every field the
    editor changed is locked against later wire versions.
    """

    def __init__(
        self,
        *,
        article: Article,
        changed: Iterable[str],
        actor: Actor,
        relations: Relations | None = None,
        corrections: Iterable[str] = (),
    ):
        self.article = article  # carrying the edited values, not yet saved
        self.changed = set(changed)
        self.actor = actor
        self.relations = relations or Relations()
        self.corrections = [n.strip() for n in corrections if n.strip()]

    def check(self, previous: Article) -> None:
        require(self.actor, CHANGE, previous)
        if self.article.status == Article.Status.KILLED and not previous.is_killed:
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
        # The form does not carry `corrected_at` (only corrections move it): the row's, as
        # locked, so a wire correction applied meanwhile is kept.
        article.corrected_at = previous.corrected_at
        for note in self.corrections:
            _add_correction(article, note, now, self.actor)
        if article.status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = now
        if article.wire_guid:
            locked = set(article.editor_locked_fields or [])
            locked.update(f for f in self.changed if f in WIRE_FIELDS or f in LOCKABLE_RELATIONS)
            if "section" in self.changed:
                locked.add("sections")
            article.editor_locked_fields = sorted(locked)
        revise(
            previous,
            "kill" if killing else "correction" if correcting else "editor edit",
            self.actor,
        )
        article.save()
        _set_relations(article, self.relations)
        was_published = previous.status == Article.Status.PUBLISHED
        if killing:
            change = "killed"
        elif article.status != Article.Status.PUBLISHED:
            change = "unpublished" if was_published else ""
        elif not was_published:
            change = "published"
        else:
            change = "corrected" if correcting else "updated"
        if change:
            notify(article, change)
        return article


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
            article.save()
            _set_relations(article, relations)
            notify(article, "published")
            return article
        if self._unchanged(article, relations):
            return article
        revise(article, "local story republished", self.actor)
        article.source = self.source
        for key, value in self.fields.items():
            setattr(article, key, value)
        article.section = self.sections[0] if self.sections else None
        article.save()
        _set_relations(article, relations)
        notify(article, "updated")
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

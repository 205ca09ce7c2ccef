"""State changes to an Article, each a small action with `check()` and `execute()`.

Modelled on Wagtail's `PublishRevisionAction`: the wire ingest, the newsroom admin and code
all change a story through these, so a kill from the admin and a kill from the wire do the same
thing (status, reason, time, revision, signal). Every action runs in one transaction, keeps a
snapshot of the story as it was in `ArticleRevision`, and sends
`masthead.newsroom.signals.article_changed` only after the transaction commits, so search,
caches and feeds never react to a change that was rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.lib.inserts import insert_instance, insert_rows
from masthead.newsroom.models import (
    Article,
    ArticleRevision,
    Author,
    Authorship,
    Section,
    Source,
    Tag,
)
from masthead.newsroom.services import set_bylines, set_sections, unique_slug
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


def snapshot(article: Article) -> dict[str, Any]:
    """What the story looked like, for its revision history (JSON-serialisable)."""
    data: dict[str, Any] = {}
    for name in (
        *WIRE_FIELDS,
        "status",
        "slug",
        "correction_note",
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


def _revise(article: Article, reason: str) -> None:
    ArticleRevision.objects.create(
        article=article,
        wire_version=article.wire_version,
        reason=reason[:200],
        snapshot=snapshot(article),
    )


def _notify(article: Article, change: str) -> None:
    transaction.on_commit(
        lambda: article_changed.send(sender=Article, article=article, change=change)
    )


@dataclass
class WireContent:
    """A story's content as the wire delivered it, already cleaned by `masthead.text`."""

    fields: dict[str, Any]
    sections: list[Section] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    wire_guid: str = ""
    wire_version: int | None = None
    wire_version_at: dt.datetime | None = None
    content_hash: str = ""
    published_at: dt.datetime | None = None
    publish: bool = True  # False: held as a draft (withheld, or embargoed with no time)
    # A slug the caller already knows is free (the wire checks a whole file's in one query);
    # blank: found here. A slug taken meanwhile fails the unique constraint, not silently.
    slug: str = ""
    # Tags and authors already looked up in this run (slug -> object), to spare a query each.
    cache: dict[str, Any] = field(default_factory=dict)


class CreateFromWireAction:
    def __init__(self, *, source: Source, content: WireContent):
        self.source = source
        self.content = content

    def check(self) -> None:
        if not self.content.fields.get("headline"):
            raise ActionError("a story needs a headline")

    @transaction.atomic(savepoint=False)
    def execute(self) -> Article:
        self.check()
        c = self.content
        article = Article(
            source=self.source,
            section=c.sections[0] if c.sections else None,
            slug=c.slug or unique_slug(c.fields["headline"]),
            status=Article.Status.PUBLISHED if c.publish else Article.Status.DRAFT,
            published_at=c.published_at or timezone.now(),
            wire_guid=c.wire_guid,
            wire_version=c.wire_version,
            wire_version_at=c.wire_version_at,
            content_hash=c.content_hash,
            **c.fields,
        )
        # One cursor for the story's five inserts (a cursor costs as much as a small insert).
        with connections[router.db_for_write(Article)].cursor() as cursor:
            insert_instance(article, cursor=cursor)
            _add_relations(article, c, cursor=cursor)
        if c.publish:
            _notify(article, "published")
        return article


class UpdateFromWireAction:
    """A newer version of a wire story, applied in place: slug and URL stay; the version it
    replaces is kept as a revision; fields an editor changed are left alone."""

    def __init__(
        self,
        *,
        article: Article,
        content: WireContent,
        reason: str = "wire update",
        at: dt.datetime | None = None,
    ):
        self.article = article
        self.content = content
        self.reason = reason
        self.at = at

    def check(self) -> None:
        if self.article.is_killed:
            raise ActionError("a killed story is not brought back by a wire update")

    @transaction.atomic(savepoint=False)
    def execute(self) -> Article:
        self.check()
        article, c = self.article, self.content
        _revise(article, self.reason)
        locked = set(article.editor_locked_fields or [])
        for name, value in c.fields.items():
            if name not in locked:
                setattr(article, name, value)
        was_visible = article.status == Article.Status.PUBLISHED
        article.status = Article.Status.PUBLISHED if c.publish else Article.Status.DRAFT
        article.wire_version = c.wire_version
        article.wire_version_at = c.wire_version_at
        article.content_hash = c.content_hash
        now = timezone.now()
        article.updated_at = min(self.at or now, now)
        article.save()
        _apply_relations(article, c, locked=locked)
        if not c.publish and was_visible:
            _notify(article, "unpublished")
        elif c.publish and not was_visible:
            _notify(article, "published")
        else:
            _notify(article, "updated")
        return article


class ApplyCorrectionAction:
    def __init__(self, *, article: Article, note: str, at: dt.datetime | None = None):
        self.article = article
        self.note = note.strip()
        self.at = at

    def check(self) -> None:
        if not self.note:
            raise ActionError("a correction needs a note for readers")

    @transaction.atomic(savepoint=False)
    def execute(self) -> Article:
        self.check()
        article = self.article
        _revise(article, "correction")
        now = timezone.now()
        article.correction_note = self.note
        article.corrected_at = min(self.at or now, now)
        article.save(update_fields=["correction_note", "corrected_at", "modified"])
        _notify(article, "corrected")
        return article


class KillArticleAction:
    """Withdraw a story from every reader surface at once; it stays for editors, with why.

    Killing is terminal for the wire: no later wire version resurrects the story (only an
    editor can, by hand).
    """

    def __init__(self, *, article: Article, reason: str, at: dt.datetime | None = None):
        self.article = article
        self.reason = reason.strip() or "Withdrawn"
        self.at = at

    def check(self) -> None:
        if self.article.is_killed:
            raise ActionError("this story is already killed")

    @transaction.atomic(savepoint=False)
    def execute(self) -> Article:
        self.check()
        article = self.article
        if article.pk:
            _revise(article, "kill")
        article.status = Article.Status.KILLED
        article.kill_reason = self.reason
        article.killed_at = timezone.now()
        article.save()
        _notify(article, "killed")
        return article


class EmbargoArticleAction:
    """Hold a story from readers until `until` (it appears by itself then: `published()`
    filters on the embargo time, so no job has to run at the moment)."""

    def __init__(self, *, article: Article, until: dt.datetime | None):
        self.article = article
        self.until = until

    def check(self) -> None:
        if self.article.is_killed:
            raise ActionError("a killed story cannot be embargoed")

    @transaction.atomic(savepoint=False)
    def execute(self) -> Article:
        self.check()
        article = self.article
        _revise(article, "embargo")
        article.embargo_until = self.until
        article.save(update_fields=["embargo_until", "modified"])
        _notify(article, "updated")
        return article


def create_killed_placeholder(
    *,
    source: Source,
    guid: str,
    headline: str,
    reason: str,
    content_hash: str = "",
    version: int | None = None,
    version_at: dt.datetime | None = None,
) -> Article:
    """A kill for a story we never had: kept as a killed record, so that an older version
    arriving late (wires do deliver out of order) can never publish it."""
    with transaction.atomic():
        article = Article.objects.create(
            source=source,
            slug=unique_slug(headline or guid),
            headline=headline[:300] or guid,
            status=Article.Status.KILLED,
            kill_reason=reason,
            killed_at=timezone.now(),
            wire_guid=guid,
            wire_version=version,
            wire_version_at=version_at,
            content_hash=content_hash,
        )
    return article


def _apply_relations(article: Article, c: WireContent, *, locked: Iterable[str]) -> None:
    locked = set(locked)
    if "sections" not in locked:
        set_sections(article, c.sections)
    if "tags" not in locked:
        article.tags.set(tags_named(c.tags))
    if "bylines" not in locked:
        set_bylines(article, c.bylines)


def _add_relations(article: Article, c: WireContent, *, cursor: Any = None) -> None:
    """A new story's sections, tags and bylines in one insert each (no diffing needed)."""
    sections = list({s.pk: s for s in c.sections}.values())
    insert_rows(
        Article.sections.through,
        [{"article_id": article.pk, "section_id": s.pk} for s in sections],
        cursor=cursor,
    )
    insert_rows(
        Article.tags.through,
        [{"article_id": article.pk, "tag_id": t.pk} for t in tags_named(c.tags, cache=c.cache)],
        cursor=cursor,
    )
    insert_rows(
        Authorship,
        [
            {"article_id": article.pk, "author_id": a.pk, "position": i}
            for i, a in enumerate(authors_named(c.bylines, cache=c.cache))
        ],
        cursor=cursor,
    )


def tags_named(names: Iterable[str], *, cache: dict[str, Any] | None = None) -> list[Tag]:
    """Tags for `names` (created on first sight), in order, in one query when all exist."""
    wanted: dict[str, str] = {}
    for name in names:
        name = name.strip()
        slug = _slug(name, 100, cache)
        if slug and slug not in wanted:
            wanted[slug] = name[:100]
    return _named(Tag, wanted, cache, "tag:")


def authors_named(names: Iterable[str], *, cache: dict[str, Any] | None = None) -> list[Author]:
    wanted: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if name.lower().startswith("by "):
            name = name[3:].strip()
        slug = _slug(name, 150, cache)
        if slug and slug not in wanted:
            wanted[slug] = name[:150]
    return _named(Author, wanted, cache, "author:")


def _slug(name: str, length: int, cache: dict[str, Any] | None) -> str:
    """`slugify(name)[:length]`, remembered in a run's cache: a wire run names the same few
    tags and authors on story after story, and slugifying costs more than looking one up."""
    if cache is None:
        return slugify(name)[:length]
    key = f"slug:{length}:{name}"
    slug = cache.get(key)
    if slug is None:
        slug = cache[key] = slugify(name)[:length]
    return slug


def _named(
    model: Any, wanted: dict[str, str], cache: dict[str, Any] | None, prefix: str
) -> list[Any]:
    """Rows of `model` for {slug: name}, created on first sight, in `wanted`'s order."""
    cache = {} if cache is None else cache
    found = {slug: cache[prefix + slug] for slug in wanted if prefix + slug in cache}
    todo = [slug for slug in wanted if slug not in found]
    if todo:
        found.update({o.slug: o for o in model.objects.filter(slug__in=todo)})
        missing = [model(slug=slug, name=wanted[slug]) for slug in todo if slug not in found]
        if missing:
            model.objects.bulk_create(missing, ignore_conflicts=True)
            found.update({o.slug: o for o in model.objects.filter(slug__in=todo)})
        for slug in todo:
            if slug in found:
                cache[prefix + slug] = found[slug]
    return [found[slug] for slug in wanted if slug in found]

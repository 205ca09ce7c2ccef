"""Actions the wire ingest takes: a new story, a newer version, a kill for a story never seen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from masthead.lib.inserts import insert_instance, insert_rows
from masthead.newsroom.actions.base import (
    ADD,
    CHANGE,
    LOCKABLE_RELATIONS,
    ActionError,
    checked,
    json_value,
    notify,
    record_transition,
    require,
    revise,
    story_value,
)
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import (
    Article,
    Authorship,
    Section,
    Source,
    StatusChange,
    WireChange,
)
from masthead.newsroom.services import (
    authors_named,
    set_authors,
    set_sections,
    tags_named,
    unique_slug,
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
    # The feed holds its copy for the desk: a new story waits in review, not live.
    hold: bool = False
    # A slug the caller already knows is free (the wire checks a whole file's in one query);
    # blank: found here. A slug taken meanwhile fails the unique constraint, not silently.
    slug: str = ""
    # Tags and authors already looked up in this run (slug -> object), to spare a query each.
    cache: dict[str, Any] = field(default_factory=dict)


class CreateFromWireAction:
    """A story new to us. Its creation is no change to record (no revision): the story's
    source says who brought it."""

    def __init__(self, *, source: Source, content: WireContent, actor: Actor):
        self.source = source
        self.content = content
        self.actor = actor

    def check(self) -> None:
        require(self.actor, ADD)
        if self.actor.source is not None and self.actor.source.pk != self.source.pk:
            raise ActionError(f"{self.actor} may create only its own source's stories")
        if not self.content.fields.get("headline"):
            raise ActionError("a story needs a headline")

    @checked
    def execute(self) -> Article:
        c = self.content
        article = Article(
            source=self.source,
            section=c.sections[0] if c.sections else None,
            slug=c.slug or unique_slug(c.fields["headline"]),
            status=_arrival_status(c),
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
            # The audit log's first line (by hand, as the rows above: thousands per file).
            version = f"wire version {c.wire_version}" if c.wire_version else "from the wire"
            insert_rows(
                StatusChange,
                [
                    {
                        "article_id": article.pk,
                        "to_status": article.status,
                        "at": timezone.now(),
                        "actor": self.actor.label,
                        "note": version,
                    }
                ],
                cursor=cursor,
            )
        if article.status == Article.Status.PUBLISHED:
            notify(article, "published")
        return article


def _arrival_status(c: WireContent) -> str:
    """Live when the wire says it may run, unless its feed holds copy for the desk (in review:
    waiting for an editor's decision); held as a draft when the wire withholds it."""
    if not c.publish:
        return Article.Status.DRAFT
    return Article.Status.REVIEW if c.hold else Article.Status.PUBLISHED


class UpdateFromWireAction:
    """A newer version of a wire story, applied in place: slug and URL stay; the version it
    replaces is kept as a revision; fields an editor changed are left alone."""

    def __init__(
        self,
        *,
        article: Article,
        content: WireContent,
        actor: Actor,
        reason: str = "wire update",
        at: dt.datetime | None = None,
    ):
        self.article = article
        self.content = content
        self.actor = actor
        self.reason = reason
        self.at = at

    def check(self) -> None:
        require(self.actor, CHANGE, self.article)
        if self.article.is_killed:
            raise ActionError("a killed story is not brought back by a wire update")

    @checked
    def execute(self) -> Article:
        article, c = self.article, self.content
        revise(article, self.reason, self.actor)
        locked = set(article.editor_locked_fields or [])
        if locked:
            _put_to_desk(article, c, locked, self.actor)
        for name, value in c.fields.items():
            if name not in locked:
                setattr(article, name, value)
        was_visible = article.status == Article.Status.PUBLISHED
        old = article.status
        # The wire moves its story between held (draft) and live; a status an editor gave it
        # (in review, scheduled, unpublished, spiked) is the paper's decision, which an update
        # keeps. A held feed's story released by the wire goes to the desk, not live.
        if old == Article.Status.PUBLISHED:
            article.status = Article.Status.PUBLISHED if c.publish else Article.Status.DRAFT
        elif old == Article.Status.DRAFT:
            article.status = _arrival_status(c)
        article.wire_version = c.wire_version
        article.wire_version_at = c.wire_version_at
        article.content_hash = c.content_hash
        now = timezone.now()
        article.updated_at = min(self.at or now, now)
        article.save()
        _apply_relations(article, c, locked=locked)
        record_transition(article, old, article.status, self.actor, note=self.reason)
        is_visible = article.status == Article.Status.PUBLISHED
        if was_visible and not is_visible:
            notify(article, "unpublished")
        elif is_visible and not was_visible:
            notify(article, "published")
        else:
            notify(article, "updated")
        return article


def _put_to_desk(article: Article, c: WireContent, locked: set[str], actor: Actor) -> None:
    """For each field an editor changed, a pending `WireChange` when this version changed it:
    the story keeps the paper's value, the desk shows the wire's for an editor to take or
    leave. A field the wire sends as it did before is no news (the editor already replaced
    that text); one where the wire now agrees with the paper needs no decision."""
    remembered = dict(article.wire_locked_values or {})
    now = timezone.now()
    for name in sorted(locked):
        if name in c.fields:
            wire = json_value(c.fields[name])
        elif name in LOCKABLE_RELATIONS:
            wire = _wire_relation(name, c)
        else:
            continue
        if name in remembered and remembered[name] == wire:
            continue
        remembered[name] = wire
        current = story_value(article, name)
        pending = WireChange.objects.filter(
            article=article, field=name, state=WireChange.State.PENDING
        )
        if wire == current:
            pending.delete()
            continue
        # Only the newest wire value matters: an older one still waiting is replaced.
        values = {
            "wire_version": c.wire_version,
            "current_value": current,
            "wire_value": wire,
            "arrived_at": now,
            "actor": actor.label,
        }
        if not pending.update(**values):
            WireChange.objects.create(article=article, field=name, **values)
    article.wire_locked_values = remembered


def _wire_relation(name: str, c: WireContent) -> list[str]:
    """A relation as the wire sends it, in `story_value`'s form."""
    if name == "sections":
        slugs = list(dict.fromkeys(s.slug for s in c.sections))
        return slugs[:1] + sorted(slugs[1:])
    if name == "tags":
        return sorted(t.name for t in tags_named(c.tags, cache=c.cache))
    return [a.name for a in authors_named(c.bylines, cache=c.cache)]


def create_killed_placeholder(
    *,
    actor: Actor,
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
    require(actor, ADD)
    if actor.source is not None and actor.source.pk != source.pk:
        raise ActionError(f"{actor} may kill only its own source's stories")
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
        record_transition(article, "", article.status, actor, note=reason)
    return article


def _apply_relations(article: Article, c: WireContent, *, locked: Iterable[str]) -> None:
    locked = set(locked)
    if "sections" not in locked:
        set_sections(article, c.sections)
    if "tags" not in locked:
        article.tags.set(tags_named(c.tags))
    if "bylines" not in locked:
        set_authors(article, authors_named(c.bylines, cache=c.cache))


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

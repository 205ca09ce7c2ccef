"""Applying one wire item to the newsroom: create, update, correct, kill or skip it.

Each item is its own transaction, so a worker killed mid-run leaves every story either fully
written or untouched, and the next run finishes the job: identity is (source, guid), enforced
by the database's unique constraint, and a re-sent identical item is recognised by its content
hash before any text cleaning or classification is done. Every change goes through the
newsroom's actions with the wire source as the actor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.lib.inserts import insert_rows
from masthead.newsroom import actions
from masthead.newsroom.models import Article, Section, Source
from masthead.text import clean_plain
from masthead.wire import classify, pictures
from masthead.wire.cleaning import CleanText, clean_text
from masthead.wire.duplicates import (
    LOOKUP_BATCH,
    Seen,
    duplicate_of,
    fingerprints,
    link_near_duplicates,
    similar_stories,
)
from masthead.wire.items import Ignored, IngestError, PubStatus, WireItem
from masthead.wire.models import Feed, IngestLog, Outcome, WireItemVersion
from masthead.wire.results import IngestSummary, ItemResult


@dataclass
class RunContext:
    """What stays the same for every item of one run (cached lookups)."""

    feed: Feed | None
    source: Source | None
    file: str
    sections: dict[str, Section]
    default_sections: list[Section]
    default_tags: list[str]
    rules: list[dict]
    sources: dict[str, Source] = field(default_factory=dict)
    # (source id, guid) of stories known to exist before this run; others are created without
    # a locked lookup first (the unique constraint catches a concurrent creator).
    existing: set[tuple[int, str]] | None = None
    cache: dict[str, object] = field(default_factory=dict)
    # Filled by `prefetch` for a whole file, so that a new story costs no reads of its own:
    # cleaned content by item, live stories by text/headline/lead fingerprint, and free slugs.
    prepared: dict[int, Prepared] = field(default_factory=dict)
    fingerprints: dict[str, list[Seen]] | None = None
    free_slugs: set[str] = field(default_factory=set)
    killed: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, *, feed: Feed | None, source_name: str | None, file: str) -> RunContext:
        source = None
        if source_name:
            source = source_for_name(source_name)
        elif feed is not None and feed.source_id:
            source = feed.source
        sections = {s.slug: s for s in Section.objects.all()}
        default_sections: list[Section] = []
        default_tags: list[str] = []
        rules: list[dict] = []
        if feed is not None and feed.pk:
            default_sections = list(feed.default_sections.all())
            default_tags = [t.name for t in feed.default_tags.all()]
            rules = list(feed.keyword_rules or [])
        return cls(
            feed=feed,
            source=source,
            file=file,
            sections=sections,
            default_sections=default_sections,
            default_tags=default_tags,
            rules=rules,
        )

    def source_for(self, item: WireItem) -> Source:
        """The source an item is filed under, and so the only source's stories it can touch.

        A fixed source (the feed's, or one named for the run) wins over whatever the document
        names: the provider field is the agency's claim, the feed's binding is what the desk
        configured (and, for a push, what the signature proved). Only a feed without one, or
        a bare file, falls back to the item's provider or credit.
        """
        return self.source_named(item.provider, item.credit, item.copyright)

    def source_named(self, provider: str, credit: str = "", copyright: str = "") -> Source:
        """`source_for` from the agency's fields alone (a package or picture item's)."""
        if self.source is not None:
            return self.source
        name = (provider or credit or "Unknown wire").strip()[:120]
        if name not in self.sources:
            self.sources[name] = source_for_name(
                name, credit=credit or name, copyright_text=copyright
            )
        return self.sources[name]


@dataclass
class Prepared:
    """An item's cleaned content and fingerprints, computed once, outside its transaction."""

    content: actions.WireContent
    repairs: list[str]
    text_hash: str
    headline_hash: str
    lead_hash: str
    slug: str


def source_for_name(name: str, *, credit: str = "", copyright_text: str = "") -> Source:
    """The Source called `name`, created on first sight with the item's credit and copyright."""
    name = " ".join(name.split())[:120] or "Unknown wire"
    slug = slugify(name)[:120] or "wire"
    source = Source.objects.filter(name=name).first() or Source.objects.filter(slug=slug).first()
    if source is not None:
        return source
    try:
        with transaction.atomic():
            return Source.objects.create(
                name=name,
                slug=slug,
                kind=Source.Kind.WIRE,
                credit_line=(credit or name)[:200],
                copyright_template=copyright_text[:300],
            )
    except IntegrityError:  # created by a concurrent worker in the meantime
        return Source.objects.get(slug=slug)


def stored_versions(guids: Iterable[str]) -> list[tuple[int, str, str]]:
    """(source id, guid, content hash) of every stored story with one of `guids`, read in
    batches: the one read by which a file's unchanged items are skipped before any work."""
    wanted = list(dict.fromkeys(guids))
    rows: list[tuple[int, str, str]] = []
    for start in range(0, len(wanted), LOOKUP_BATCH):
        chunk = wanted[start : start + LOOKUP_BATCH]
        rows += (
            Article.objects.filter(wire_guid__in=chunk)
            .order_by()
            .values_list("source_id", "wire_guid", "content_hash")
        )
    return rows


def unchanged_guids(pairs: list[tuple[str, str]]) -> set[str]:
    """The guids of (guid, content hash) pairs stored with that very hash (a parser skips them)."""
    wanted = dict(pairs)
    return {
        guid for _, guid, chash in stored_versions(wanted) if chash and wanted.get(guid) == chash
    }


def lookup(items: list[WireItem]) -> tuple[set[tuple[str, str]], set[tuple[int, str]]]:
    """For a whole file: which (guid, hash) pairs are stored unchanged, and which (source,
    guid) stories exist at all."""
    guids = [i.guid for i in items] + [i.replaces for i in items if i.replaces]
    rows = stored_versions(guids)
    return {(guid, chash) for _, guid, chash in rows if chash}, {(s, g) for s, g, _ in rows}


# -- one item ---------------------------------------------------------------------------------


def ingest_item(item: WireItem, *, context: RunContext) -> ItemResult:
    """Apply one item version in its own transaction; retried once if a concurrent worker
    created the same story between our read and our write."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                result = _apply(item, context, locked_lookup=attempt > 0)
            return result
        except IntegrityError:
            context.cache.clear()  # a cached tag or author may be what went away
            if attempt:
                raise
        except IngestError as exc:
            exc.guid = exc.guid or item.guid
            exc.version = exc.version or item.version_label
            return entry_error(exc, context)
        except actions.ActionError as exc:
            return entry_error(
                IngestError(
                    str(exc), guid=item.guid, version=item.version_label, excerpt=item.raw_excerpt
                ),
                context,
            )
    raise AssertionError("unreachable")  # pragma: no cover


def _apply(item: WireItem, context: RunContext, *, locked_lookup: bool = False) -> ItemResult:
    source = context.source_for(item)
    article = None
    known = context.existing
    if locked_lookup or known is None or (source.pk, item.guid) in known or item.replaces:
        # The row lock makes a concurrent worker applying another version of this story wait
        # for us, so versions are compared against what is really stored.
        article = (
            Article.objects.select_for_update().filter(source=source, wire_guid=item.guid).first()
        )
    if article is None and item.replaces:
        article = (
            Article.objects.select_for_update()
            .filter(source=source, wire_guid=item.replaces)
            .first()
        )
    result = ItemResult(context.file, item.guid, item.version_label, Outcome.SKIPPED)
    if article is not None and article.content_hash == item.content_hash:
        result.reason = "unchanged"
        return _done(result, article, log=False, context=context, item=item)

    if item.pubstatus == PubStatus.CANCELED:
        reason = item.ednote or "Withdrawn by the agency"
        if article is None:
            article = actions.create_killed_placeholder(
                actor=actions.Actor.wire(source),
                source=source,
                guid=item.guid,
                headline=_clean_plain(item.headline),
                reason=reason,
                content_hash=item.content_hash,
                version=item.version,
                version_at=item.version_at,
            )
        elif article.is_killed:
            result.reason = "already killed"
            return _done(result, article, log=False, context=context, item=item)
        else:
            actions.KillArticleAction(
                article=article, reason=reason, actor=actions.Actor.wire(source)
            ).execute()
        context.killed.add(article.pk)
        result.action, result.reason = Outcome.KILLED, reason
        return _done(result, article, context=context, item=item)

    if article is not None and article.is_killed:
        result.reason = "story was killed; later wire versions are not applied"
        return _done(result, article, context=context, item=item)
    if article is not None:
        order = compare_versions(item, article)
        if order is not None and order < 0:
            result.reason = f"older version than the stored v{article.wire_version or '?'}"
            return _done(result, article, context=context, item=item)
        if order == 0:
            result.reason = "same version as stored with different content: first one kept"
            return _done(result, article, context=context, item=item)

    prepared = context.prepared.pop(id(item), None)
    if prepared is None or locked_lookup:
        prepared = _prepare(item, context)
    content, repairs = prepared.content, prepared.repairs
    if article is None:
        similar = similar_stories(
            (prepared.text_hash, prepared.headline_hash, prepared.lead_hash),
            None if locked_lookup else context.fingerprints,
            killed=context.killed,
        )
        duplicate = duplicate_of(similar, source=source, guid=item.guid, killed=context.killed)
        if duplicate is not None:
            result.reason = f"duplicate of {duplicate.get_absolute_url()} (same text)"
            return _done(result, duplicate, context=context, item=item, repairs=repairs)
        if not locked_lookup and prepared.slug in context.free_slugs:
            content.slug = prepared.slug
        context.free_slugs.discard(prepared.slug)
        article = actions.CreateFromWireAction(
            source=source, content=content, actor=actions.Actor.wire(source)
        ).execute()
        result.action = Outcome.NEW
        near = link_near_duplicates(similar, article)
        if near:
            result.reason = "possible near-duplicate of " + ", ".join(near)
    else:
        if item.replaces and article.wire_guid == item.replaces:
            content.wire_guid = item.guid
            article.wire_guid = item.guid
        actions.UpdateFromWireAction(
            actor=actions.Actor.wire(source),
            article=article,
            content=content,
            reason=f"wire version {item.version_label}",
            at=item.version_at,
        ).execute()
        result.action = Outcome.UPDATED
    note = _clean_plain(item.correction).strip() if item.correction else ""
    # A wire repeats its correction note on every later version: only a new note is a new
    # correction (a query only for an item that carries one).
    if note and not article.corrections.filter(note=note).exists():
        actions.ApplyCorrectionAction(
            actor=actions.Actor.wire(source), article=article, note=note, at=item.version_at
        ).execute()
    insert_rows(
        WireItemVersion,
        [
            {
                "article_id": article.pk,
                "source_id": source.pk,
                "guid": item.guid,
                "version": item.version,
                "version_at": item.version_at,
                "content_hash": item.content_hash,
                "text_hash": prepared.text_hash,
                "headline_hash": prepared.headline_hash,
                "lead_hash": prepared.lead_hash,
            }
        ],
    )
    if context.fingerprints is not None:
        for kind, value in (
            ("text", prepared.text_hash),
            ("headline", prepared.headline_hash),
            ("lead", prepared.lead_hash),
        ):
            if value:
                context.fingerprints.setdefault(value, []).append(
                    Seen(article.pk, kind, source.pk, item.guid)
                )
    if item.pictures:
        pictures.attach(
            article,
            item.pictures,
            feed=context.feed if context.feed is not None and context.feed.pk else None,
            file=context.file,
            source_name=source.name,
        )
    return _done(result, article, context=context, item=item, repairs=repairs)


def compare_versions(item: WireItem, article: Article) -> int | None:
    """-1 older, 0 same version, 1 newer; None when neither side carries a version or time
    (RSS items without dates: a changed item is then taken as an update)."""
    if item.version is not None and article.wire_version is not None:
        if item.version != article.wire_version:
            return 1 if item.version > article.wire_version else -1
    if item.version_at is not None and article.wire_version_at is not None:
        if item.version_at != article.wire_version_at:
            return 1 if item.version_at > article.wire_version_at else -1
        return 0
    if item.version is not None and article.wire_version is not None:
        return 0
    return None


def _clean_plain(text: str) -> str:
    return clean_plain(text or "")


def _prepare(item: WireItem, context: RunContext) -> Prepared:
    # A parse helper process may have cleaned the text already (`cleaning.clean_text` is pure).
    text = item.cleaned if isinstance(item.cleaned, CleanText) else clean_text(item)
    return Prepared(
        content=_content(item, context, text),
        repairs=text.repairs,
        text_hash=text.text_hash,
        headline_hash=text.headline_hash,
        lead_hash=text.lead_hash,
        slug=text.slug,
    )


def _content(item: WireItem, context: RunContext, text: CleanText) -> actions.WireContent:
    feed = context.feed
    sections, rule_tags = classify.resolve_sections(
        item,
        existing=context.sections,
        defaults=context.default_sections,
        rules=context.rules,
        also_names=item.keywords,
    )
    tags = context.default_tags + classify.tag_names_for(item) + rule_tags
    now = timezone.now()
    published_at = min(item.first_created or item.version_at or now, now)
    publish = item.pubstatus in {PubStatus.USABLE} or (
        item.pubstatus == PubStatus.EMBARGOED and item.embargo_until is not None
    )
    fields = {
        **text.fields,
        "canonical_url": item.canonical_url[:500] if _is_url(item.canonical_url) else "",
        "image_url": item.image_url[:500] if _is_url(item.image_url) else "",
        "language": item.language[:20],
        "embargo_until": item.embargo_until,
        "is_fiction": item.is_fiction or bool(feed is not None and feed.marks_fiction),
    }
    return actions.WireContent(
        fields=fields,
        sections=sections,
        tags=tags,
        bylines=text.bylines,
        wire_guid=item.guid[:500],
        wire_version=item.version,
        wire_version_at=item.version_at,
        content_hash=item.content_hash,
        published_at=published_at,
        publish=publish,
        hold=feed is not None and feed.on_arrival == Feed.OnArrival.HOLD,
        cache=context.cache,
    )


def _is_url(value: str) -> bool:
    return bool(re.match(r"^https?://\S+$", value or ""))


def prefetch(items: list[WireItem], context: RunContext) -> None:
    """Clean every item that may create or update a story, and read in a few queries what
    they need from the database: live stories sharing a fingerprint, and which slugs are free.

    Each item still goes in its own transaction; this only spares each one its reads. A
    story written meanwhile by a concurrent worker is caught by the unique constraints (the
    item is then retried with fresh reads).
    """
    prepared: dict[int, Prepared] = {}
    for item in items:
        if item.pubstatus == PubStatus.CANCELED:
            continue
        try:
            prepared[id(item)] = _prepare(item, context)
        except IngestError:
            continue  # reported when the item is applied, in its own transaction
    context.prepared = prepared
    hashes = {
        h for p in prepared.values() for h in (p.text_hash, p.headline_hash, p.lead_hash) if h
    }
    context.fingerprints = fingerprints(hashes)
    slugs = list({p.slug for p in prepared.values()})
    taken: set[str] = set()
    for start in range(0, len(slugs), LOOKUP_BATCH):
        taken.update(
            Article.objects.filter(slug__in=slugs[start : start + LOOKUP_BATCH]).values_list(
                "slug", flat=True
            )
        )
    context.free_slugs = set(slugs) - taken


def _done(
    result: ItemResult,
    article: Article | None,
    *,
    context: RunContext,
    item: WireItem,
    log: bool = True,
    repairs: Iterable[str] = (),
) -> ItemResult:
    if article is not None:
        result.article_id = article.pk
        if article.status != Article.Status.KILLED:
            result.slug = article.slug
    if log:
        insert_rows(
            IngestLog,
            [
                {
                    "feed_id": context.feed.pk if context.feed and context.feed.pk else None,
                    "source_id": article.source_id if article is not None else None,
                    "file": context.file[:1000],
                    "guid": item.guid[:500],
                    "version": item.version_label[:100],
                    "action": result.action,
                    "reason": result.reason,
                    "repairs": list(repairs),
                    "raw_excerpt": item.raw_excerpt,
                    "article_id": article.pk if article else None,
                }
            ],
        )
    return result


def entry_error(exc: IngestError, context: RunContext) -> ItemResult:
    action = Outcome.SKIPPED if isinstance(exc, Ignored) else Outcome.ERROR
    IngestLog.objects.create(
        feed=context.feed if context.feed and context.feed.pk else None,
        file=context.file[:1000],
        guid=exc.guid[:500],
        version=exc.version[:100],
        action=action,
        reason=exc.reason,
        raw_excerpt=exc.excerpt,
    )
    return ItemResult(context.file, exc.guid, exc.version, action, exc.reason)


def file_error(file: str, exc: IngestError, *, feed: Feed | None) -> IngestSummary:
    context = RunContext(
        feed=feed,
        source=None,
        file=file,
        sections={},
        default_sections=[],
        default_tags=[],
        rules=[],
    )
    return IngestSummary(results=[entry_error(exc, context)])

"""Ingest: from bytes, a file, a drop folder or a URL to newsroom Articles.

Each item is its own transaction, so a worker killed mid-run leaves every story either fully
written or untouched, and the next run finishes the job: identity is (source, guid), enforced
by the database's unique constraint, and a re-sent identical item is recognised by its content
hash before any text cleaning or classification is done.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from masthead.lib.inserts import insert_rows
from masthead.lib.similarity import jaccard
from masthead.newsroom import actions
from masthead.newsroom.models import Article, Section, Source
from masthead.wire import classify
from masthead.wire.adapters.base import Adapter, detect, get_adapter, load_adapters
from masthead.wire.cleaning import _TAG, _WORD, CleanText, clean_items, clean_text
from masthead.wire.items import (
    Ignored,
    IngestError,
    ParsedEntry,
    PubStatus,
    TooLarge,
    Unchanged,
    WireItem,
)
from masthead.wire.models import IngestLog, WireItemVersion

if TYPE_CHECKING:
    from masthead.wire.models import Feed

logger = logging.getLogger(__name__)

# Every format's module (feedparser's import among them) with the service, at a worker's start,
# rather than inside the first file's run.
load_adapters()

LOOKUP_BATCH = 500

Progress = Callable[[int, int], None]


class Action:
    NEW = "new"
    UPDATED = "updated"
    KILLED = "killed"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass
class ItemResult:
    file: str
    guid: str
    version: str
    action: str
    reason: str = ""
    article_id: int | None = None
    slug: str = ""  # of a story readers can reach; its URL is only reversed when asked for

    @property
    def url(self) -> str:
        return reverse("site:article", args=[self.slug]) if self.slug else ""

    def as_dict(self) -> dict[str, str | None]:
        return {
            "file": self.file,
            "guid": self.guid,
            "version": self.version,
            "action": self.action,
            "url": self.url or None,
            "reason": self.reason,
        }


@dataclass
class IngestSummary:
    results: list[ItemResult] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    @property
    def new(self) -> int:
        return self.count(Action.NEW)

    @property
    def updated(self) -> int:
        return self.count(Action.UPDATED)

    @property
    def killed(self) -> int:
        return self.count(Action.KILLED)

    @property
    def skipped(self) -> int:
        return self.count(Action.SKIPPED)

    @property
    def errors(self) -> int:
        return self.count(Action.ERROR)

    def extend(self, other: IngestSummary) -> None:
        self.results.extend(other.results)

    def line(self) -> str:
        return (
            f"ingested {self.new} new, {self.updated} updated, {self.killed} killed, "
            f"{self.skipped} skipped, {self.errors} errors"
        )


@dataclass
class _Context:
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
    # Filled by `_prefetch` for a whole file, so that a new story costs no reads of its own:
    # cleaned content by item, live stories by text/headline/lead fingerprint, and free slugs.
    prepared: dict[int, _Prepared] = field(default_factory=dict)
    fingerprints: dict[str, list[_Seen]] | None = None
    free_slugs: set[str] = field(default_factory=set)
    killed: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, *, feed: Feed | None, source_name: str | None, file: str) -> _Context:
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
        if self.source is not None:
            return self.source
        name = (item.provider or item.credit or "Unknown wire").strip()[:120]
        if name not in self.sources:
            self.sources[name] = source_for_name(
                name, credit=item.credit or name, copyright_text=item.copyright
            )
        return self.sources[name]


@dataclass
class _Prepared:
    """An item's cleaned content and fingerprints, computed once, outside its transaction."""

    content: actions.WireContent
    repairs: list[str]
    text_hash: str
    headline_hash: str
    lead_hash: str
    slug: str


@dataclass(frozen=True)
class _Seen:
    """A live story with a given fingerprint: (article, "text"/"headline"/"lead", source, guid)."""

    article_id: int
    kind: str
    source_id: int
    guid: str


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


# -- entry points -----------------------------------------------------------------------------


def ingest_path(
    path_or_url: str,
    *,
    source_name: str | None = None,
    feed: Feed | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest a file, every file in a directory (sorted by name), or an http(s) URL."""
    from masthead.wire import fetch

    if re.match(r"^https?://", path_or_url, re.I):
        try:
            data = fetch.fetch_url(path_or_url, feed=feed)
        except IngestError as exc:
            return _file_error(path_or_url, exc, feed=feed)
        if data is None:  # 304 Not Modified
            return IngestSummary()
        return ingest_bytes(
            data, file=path_or_url, source_name=source_name, feed=feed, progress=progress
        )
    path = Path(path_or_url)
    if path.is_dir():
        summary = IngestSummary()
        files = fetch.drop_folder_files(path)
        for index, file in enumerate(files):
            summary.extend(ingest_file(file, source_name=source_name, feed=feed))
            if progress:
                progress(index + 1, len(files))
        return summary
    return ingest_file(path, source_name=source_name, feed=feed, progress=progress)


def ingest_file(
    path: Path,
    *,
    source_name: str | None = None,
    feed: Feed | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    try:
        size = path.stat().st_size
        limit = settings.MASTHEAD_WIRE_MAX_FILE_BYTES
        if size > limit:
            raise TooLarge(f"file is {size} bytes, over the {limit}-byte limit")
        data = path.read_bytes()
    except IngestError as exc:
        return _file_error(str(path), exc, feed=feed)
    except OSError as exc:
        return _file_error(
            str(path), IngestError(f"cannot read file: {exc.strerror or exc}"), feed=feed
        )
    return ingest_bytes(data, file=str(path), source_name=source_name, feed=feed, progress=progress)


def ingest_bytes(
    data: bytes,
    *,
    file: str = "",
    source_name: str | None = None,
    feed: Feed | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest one document (which may hold many items), batch by batch as the adapter hands
    them over: a big feed's later items are still being parsed while its first are written."""
    try:
        limit = settings.MASTHEAD_WIRE_MAX_FILE_BYTES
        if len(data) > limit:
            raise TooLarge(f"file is {len(data)} bytes, over the {limit}-byte limit")
        adapter = _adapter_for(data, feed)
        batches = adapter.parse_batches(data, unchanged=_unchanged_guids, prepare=clean_items)
    except IngestError as exc:
        return _file_error(file, exc, feed=feed)
    context = _Context.build(feed=feed, source_name=source_name, file=file)
    summary = IngestSummary()
    done = 0
    try:
        for entries in batches.lists:
            part = ingest_entries(
                entries, context=context, progress=progress, done=done, total=batches.total
            )
            summary.results += part.results
            done += len(entries)
    except IngestError as exc:
        # A later batch the parser could not read (the document as a whole was well-formed):
        # what went in stays in; the rest is reported, as an unreadable file would be.
        exc.reason = f"{exc.reason} (after {done} of {batches.total} items)"
        summary.results += _file_error(file, exc, feed=feed).results
    return summary


def ingest_entries(
    entries: list[ParsedEntry],
    *,
    context: _Context,
    progress: Progress | None = None,
    done: int = 0,
    total: int | None = None,
) -> IngestSummary:
    """Ingest parsed entries, each item in its own transaction. `done` and `total` place
    them in a bigger document, for progress."""
    summary = IngestSummary()
    items = [e for e in entries if isinstance(e, WireItem)]
    stored, context.existing = _lookup(items)
    _prefetch([i for i in items if (i.guid, i.content_hash) not in stored], context)
    total = len(entries) if total is None else total
    for index, entry in enumerate(entries, start=done):
        if isinstance(entry, Unchanged):
            summary.results.append(
                ItemResult(
                    context.file, entry.guid, entry.version_label, Action.SKIPPED, "unchanged"
                )
            )
        elif isinstance(entry, IngestError):
            summary.results.append(_entry_error(entry, context))
        elif (entry.guid, entry.content_hash) in stored:
            # The cheap path: same guid, same bytes; no cleaning, no transaction.
            summary.results.append(
                ItemResult(
                    context.file, entry.guid, entry.version_label, Action.SKIPPED, "unchanged"
                )
            )
        else:
            summary.results.append(ingest_item(entry, context=context))
        if progress and (index + 1) % 100 == 0:
            progress(index + 1, total)
    if progress and entries:
        progress(min(done + len(entries), total), total)
    return summary


def _adapter_for(data: bytes, feed: Feed | None) -> Adapter:
    if feed is not None and feed.format and feed.format != "auto":
        return get_adapter(feed.format)
    return detect(data)


def _unchanged_guids(pairs: list[tuple[str, str]]) -> set[str]:
    found: set[str] = set()
    wanted = dict(pairs)
    guids = list(wanted)
    for start in range(0, len(guids), LOOKUP_BATCH):
        chunk = guids[start : start + LOOKUP_BATCH]
        for guid, chash in (
            Article.objects.filter(wire_guid__in=chunk)
            .order_by()
            .values_list("wire_guid", "content_hash")
        ):
            if chash and wanted.get(guid) == chash:
                found.add(guid)
    return found


def _lookup(items: list[WireItem]) -> tuple[set[tuple[str, str]], set[tuple[int, str]]]:
    """One batched read for a whole file: which (guid, hash) pairs are stored unchanged, and
    which (source, guid) stories exist at all."""
    wanted = {i.guid for i in items} | {i.replaces for i in items if i.replaces}
    hashes: set[tuple[str, str]] = set()
    existing: set[tuple[int, str]] = set()
    guids = list(wanted)
    for start in range(0, len(guids), LOOKUP_BATCH):
        rows = Article.objects.filter(wire_guid__in=guids[start : start + LOOKUP_BATCH]).order_by()
        for source_id, guid, chash in rows.values_list("source_id", "wire_guid", "content_hash"):
            existing.add((source_id, guid))
            if chash:
                hashes.add((guid, chash))
    return hashes, existing


# -- one item ---------------------------------------------------------------------------------


def ingest_item(item: WireItem, *, context: _Context) -> ItemResult:
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
            return _entry_error(exc, context)
        except actions.ActionError as exc:
            return _entry_error(
                IngestError(
                    str(exc), guid=item.guid, version=item.version_label, excerpt=item.raw_excerpt
                ),
                context,
            )
    raise AssertionError("unreachable")  # pragma: no cover


def _apply(item: WireItem, context: _Context, *, locked_lookup: bool = False) -> ItemResult:
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
    result = ItemResult(context.file, item.guid, item.version_label, Action.SKIPPED)
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
        result.action, result.reason = Action.KILLED, reason
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
        similar = _similar(prepared, context, fresh_read=locked_lookup)
        duplicate = _duplicate_of(similar, source=source, guid=item.guid, context=context)
        if duplicate is not None:
            result.reason = f"duplicate of {duplicate.get_absolute_url()} (same text)"
            return _done(result, duplicate, context=context, item=item, repairs=repairs)
        if not locked_lookup and prepared.slug in context.free_slugs:
            content.slug = prepared.slug
        context.free_slugs.discard(prepared.slug)
        article = actions.CreateFromWireAction(
            source=source, content=content, actor=actions.Actor.wire(source)
        ).execute()
        result.action = Action.NEW
        near = _link_near_duplicates(similar, article, prepared)
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
        result.action = Action.UPDATED
    if item.correction and item.correction != article.correction_note:
        actions.ApplyCorrectionAction(
            actor=actions.Actor.wire(source),
            article=article,
            note=_clean_plain(item.correction),
            at=item.version_at,
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
                    _Seen(article.pk, kind, source.pk, item.guid)
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
    from masthead.text import clean_plain

    return clean_plain(text or "")


def _prepare(item: WireItem, context: _Context) -> _Prepared:
    # A parse helper process may have cleaned the text already (`cleaning.clean_text` is pure).
    text = item.cleaned if isinstance(item.cleaned, CleanText) else clean_text(item)
    return _Prepared(
        content=_content(item, context, text),
        repairs=text.repairs,
        text_hash=text.text_hash,
        headline_hash=text.headline_hash,
        lead_hash=text.lead_hash,
        slug=text.slug,
    )


def _content(item: WireItem, context: _Context, text: CleanText) -> actions.WireContent:
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
        cache=context.cache,
    )


def _is_url(value: str) -> bool:
    return bool(re.match(r"^https?://\S+$", value or ""))


def _prefetch(items: list[WireItem], context: _Context) -> None:
    """Clean every item that may create or update a story, and read in a few queries what
    they need from the database: live stories sharing a fingerprint, and which slugs are free.

    Each item still goes in its own transaction; this only spares each one its reads. A
    story written meanwhile by a concurrent worker is caught by the unique constraints (the
    item is then retried with fresh reads).
    """
    prepared: dict[int, _Prepared] = {}
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
    context.fingerprints = _fingerprints(hashes)
    slugs = list({p.slug for p in prepared.values()})
    taken: set[str] = set()
    for start in range(0, len(slugs), LOOKUP_BATCH):
        taken.update(
            Article.objects.filter(slug__in=slugs[start : start + LOOKUP_BATCH]).values_list(
                "slug", flat=True
            )
        )
    context.free_slugs = set(slugs) - taken


def _fingerprints(hashes: set[str]) -> dict[str, list[_Seen]]:
    """Live stories by fingerprint, for every hash in `hashes` (batched, indexed lookups)."""
    found: dict[str, list[_Seen]] = {}
    wanted = list(hashes)
    live = WireItemVersion.objects.exclude(article__status=Article.Status.KILLED).order_by()
    for start in range(0, len(wanted), LOOKUP_BATCH):
        chunk = wanted[start : start + LOOKUP_BATCH]
        rows = live.filter(
            Q(text_hash__in=chunk) | Q(headline_hash__in=chunk) | Q(lead_hash__in=chunk)
        ).values_list("article_id", "text_hash", "headline_hash", "lead_hash", "source_id", "guid")
        for article_id, text_hash, headline_hash, lead_hash, source_id, guid in rows:
            for kind, value in (
                ("text", text_hash),
                ("headline", headline_hash),
                ("lead", lead_hash),
            ):
                if value in hashes:
                    found.setdefault(value, []).append(_Seen(article_id, kind, source_id, guid))
    return found


def _similar(prepared: _Prepared, context: _Context, *, fresh_read: bool = False) -> list[_Seen]:
    """Live stories with the same text, headline or lead, exact-text matches first."""
    if context.fingerprints is None or fresh_read:
        fingerprints = _fingerprints(
            {h for h in (prepared.text_hash, prepared.headline_hash, prepared.lead_hash) if h}
        )
    else:
        fingerprints = context.fingerprints
    seen: list[_Seen] = []
    for kind, value in (
        ("text", prepared.text_hash),
        ("headline", prepared.headline_hash),
        ("lead", prepared.lead_hash),
    ):
        seen += [s for s in fingerprints.get(value, []) if s.kind == kind] if value else []
    return [s for s in seen if s.article_id not in context.killed][:20]


def _duplicate_of(
    similar: list[_Seen], *, source: Source, guid: str, context: _Context
) -> Article | None:
    for seen in similar:
        if seen.kind == "text" and (seen.source_id, seen.guid) != (source.pk, guid):
            article = (
                Article.objects.exclude(status=Article.Status.KILLED)
                .filter(pk=seen.article_id)
                .first()
            )
            if article is not None:
                return article
            context.killed.add(seen.article_id)
    return None


def _link_near_duplicates(similar: list[_Seen], article: Article, prepared: _Prepared) -> list[str]:
    """Record, for editors, the live stories sharing this one's headline or lead paragraph
    (not merged: two agencies' takes on one event are both worth keeping). Returns their
    paths, for the ingest log."""
    from masthead.wire.models import NearDuplicate

    kinds: dict[int, set[str]] = {}
    for seen in similar:
        if seen.article_id != article.pk and seen.kind in {"headline", "lead"}:
            kinds.setdefault(seen.article_id, set()).add(seen.kind)
    if not kinds:
        return []
    others = Article.objects.filter(pk__in=kinds).only("pk", "slug", "headline", "body")
    mine = shingles(f"{article.headline} {article.body}")
    links = []
    for other in others:
        found = {
            "similarity": round(jaccard(mine, shingles(f"{other.headline} {other.body}")), 3),
            "same_headline": "headline" in kinds[other.pk],
            "same_lead": "lead" in kinds[other.pk],
        }
        # Both ways, so that each story's admin page lists the other.
        links += [
            NearDuplicate(article=article, other=other, **found),
            NearDuplicate(article=other, other=article, **found),
        ]
    NearDuplicate.objects.bulk_create(links, ignore_conflicts=True)
    return [o.get_absolute_url() for o in others]


def shingles(html: str, size: int = 3) -> set[tuple[str, ...]]:
    """Word trigrams of a story's text (markup ignored), the usual near-duplicate measure."""
    words = _WORD.findall(_TAG.sub(" ", html).lower())
    return {tuple(words[i : i + size]) for i in range(max(len(words) - size + 1, 1))}


def _done(
    result: ItemResult,
    article: Article | None,
    *,
    context: _Context,
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


def _entry_error(exc: IngestError, context: _Context) -> ItemResult:
    action = Action.SKIPPED if isinstance(exc, Ignored) else Action.ERROR
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


def _file_error(file: str, exc: IngestError, *, feed: Feed | None) -> IngestSummary:
    context = _Context(
        feed=feed,
        source=None,
        file=file,
        sections={},
        default_sections=[],
        default_tags=[],
        rules=[],
    )
    return IngestSummary(results=[_entry_error(exc, context)])

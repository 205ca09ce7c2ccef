"""Ingest entry points: from a configured feed, a URL, a drop folder, a file or bytes to
newsroom Articles.

A document is parsed by its format's adapter batch by batch, and each item is applied in its
own transaction (`masthead.wire.apply`).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from masthead.wire import fetch, packages
from masthead.wire.adapters.base import Adapter, detect, get_adapter, load_adapters
from masthead.wire.apply import (
    RunContext,
    entry_error,
    file_error,
    ingest_item,
    lookup,
    prefetch,
    unchanged_guids,
)
from masthead.wire.cleaning import clean_items
from masthead.wire.items import (
    IngestError,
    PackageItem,
    ParsedEntry,
    PictureItem,
    TooLarge,
    Unchanged,
    WireItem,
)
from masthead.wire.models import Feed, Outcome
from masthead.wire.results import IngestSummary, ItemResult, Progress

# Every format's module (feedparser's import among them) with the ingest, at a worker's start,
# rather than inside the first file's run.
load_adapters()


def poll_if_free(feed: Feed, *, progress: Progress | None = None) -> IngestSummary | None:
    """Poll `feed` unless another worker (on any machine) is polling it now: None then.

    Every worker polls the feeds that are due; the claim (`Feed.claim_poll`) makes sure one
    feed is fetched by one of them at a time.
    """
    if not feed.claim_poll():
        return None
    return poll_feed(feed, progress=progress)


def poll_feed(feed: Feed, *, progress: Progress | None = None) -> IngestSummary:
    """Fetch and ingest one feed once, and remember when (and how it went). A drop folder's
    files are filed away as they are done (`masthead.wire.fetch`)."""
    location = feed.location
    summary = IngestSummary()
    path = Path(location)
    if not location.lower().startswith(("http://", "https://")) and path.is_dir():
        files = fetch.drop_folder_files(path)
        for index, file in enumerate(files):
            result = ingest_file(file, feed=feed)
            summary.extend(result)
            fetch.file_away(file, fetch.QUARANTINE if result.errors else fetch.PROCESSED)
            if progress:
                progress(index + 1, len(files))
    else:
        summary = ingest_path(location, feed=feed, progress=progress)
    feed.last_polled_at = timezone.now()
    feed.poll_claimed_until = None  # the next worker may poll it when it is due
    errors = [r for r in summary.results if r.action == Outcome.ERROR]
    feed.last_error = "\n".join(f"{r.guid or r.file}: {r.reason}" for r in errors[:20])
    feed.save(
        update_fields=[
            "last_polled_at",
            "poll_claimed_until",
            "last_error",
            "etag",
            "last_modified",
        ]
    )
    return summary


def ingest_path(
    path_or_url: str,
    *,
    source_name: str | None = None,
    feed: Feed | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest a file, every file in a directory (sorted by name), or an http(s) URL."""
    if re.match(r"^https?://", path_or_url, re.I):
        try:
            data = fetch.fetch_url(path_or_url, feed=feed)
        except IngestError as exc:
            return file_error(path_or_url, exc, feed=feed)
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
        return file_error(str(path), exc, feed=feed)
    except OSError as exc:
        return file_error(
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
        batches = adapter.parse_batches(data, unchanged=unchanged_guids, prepare=clean_items)
    except IngestError as exc:
        return file_error(file, exc, feed=feed)
    context = RunContext.build(feed=feed, source_name=source_name, file=file)
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
        summary.results += file_error(file, exc, feed=feed).results
    return summary


def ingest_entries(
    entries: list[ParsedEntry],
    *,
    context: RunContext,
    progress: Progress | None = None,
    done: int = 0,
    total: int | None = None,
) -> IngestSummary:
    """Ingest parsed entries, each item in its own transaction. `done` and `total` place
    them in a bigger document, for progress."""
    summary = IngestSummary()
    items = [e for e in entries if isinstance(e, WireItem)]
    stored, context.existing = lookup(items)
    prefetch([i for i in items if (i.guid, i.content_hash) not in stored], context)
    total = len(entries) if total is None else total
    for index, entry in enumerate(entries, start=done):
        if isinstance(entry, Unchanged):
            summary.results.append(
                ItemResult(
                    context.file, entry.guid, entry.version_label, Outcome.SKIPPED, "unchanged"
                )
            )
        elif isinstance(entry, PictureItem | PackageItem):
            summary.results.append(packages.take(entry, context))
        elif isinstance(entry, IngestError):
            summary.results.append(entry_error(entry, context))
        elif (entry.guid, entry.content_hash) in stored:
            # The cheap path: same guid, same bytes; no cleaning, no transaction.
            summary.results.append(
                ItemResult(
                    context.file, entry.guid, entry.version_label, Outcome.SKIPPED, "unchanged"
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

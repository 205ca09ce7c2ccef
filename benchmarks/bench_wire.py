"""Wire ingest throughput: fresh RSS and NewsML-G2 items, and re-ingest of unchanged ones.

    .venv/bin/python benchmarks/bench_wire.py [--items 2000] [--archive 0] [--wire-only]

Runs on a throwaway SQLite database (the embedded deployment), as deployed: each new story also
marks its search/Related refresh as due in its own transaction, and the worker's rate at
running those refreshes is printed after. --wire-only mutes the receivers other apps connect
to the newsroom's signals, to see the wire's own share. --archive N first fills the database
with N stories (and their wire versions) the way years of ingest would, so that every lookup
the ingest makes is measured against a real archive rather than an empty table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def rss(n: int, offset: int = 0) -> bytes:
    items = "".join(
        f"<item><title>Harbour story {i} as the council weighs the ferry plan</title>"
        f"<link>https://wire.example/{i}</link><guid isPermaLink='false'>bench-rss-{i}</guid>"
        f"<pubDate>Sat, 28 Nov 2026 12:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>Summary of story {i}.</description><dc:creator>Reporter {i % 9}"
        f"</dc:creator><category>Topic {i % 13}</category><content:encoded><![CDATA["
        f"<p>PORT ALDER, Ore. (BW) — Story {i} opens here.</p>"
        + f"<p>Paragraph with some words about story {i} and the harbour.</p>" * 5
        + "]]></content:encoded></item>"
        for i in range(offset, offset + n)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench Wire</title>'
        f"{items}</channel></rss>"
    ).encode()


def newsml(n: int, offset: int = 0) -> bytes:
    items = "".join(
        f'<newsItem guid="urn:bench:g2:{i}" version="1" standard="NewsML-G2">'
        '<itemMeta><itemClass qcode="ninat:text"/><provider literal="Bench G2"/>'
        "<versionCreated>2026-11-28T12:00:00Z</versionCreated>"
        '<pubStatus qcode="stat:usable"/></itemMeta><contentMeta>'
        f"<headline>Markets story {i} as rates hold steady</headline>"
        '<subject qcode="medtop:04000000"><name>economy</name></subject>'
        f"<creator><name>Analyst {i % 5}</name></creator></contentMeta><contentSet>"
        '<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<body><p>LONDON (G2) — Story {i}.</p>"
        + f"<p>More about markets in story {i}.</p>" * 5
        + "</body></html></inlineXML></contentSet></newsItem>"
        for i in range(offset, offset + n)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet>'
        f"{items}</itemSet></newsMessage>"
    ).encode()


def fill_archive(n: int, batch: int = 5000) -> None:
    """n older wire stories with their versions, written in bulk (their own ingest would take
    minutes): what the ingest's lookups by guid, fingerprint and slug search through."""
    import datetime as dt
    import hashlib

    from django.utils import timezone

    from masthead.newsroom.models import Article, Source
    from masthead.wire.models import WireItemVersion

    source = Source.objects.create(name="Archive Wire", slug="archive-wire")
    when = timezone.now() - dt.timedelta(days=30)
    for start in range(0, n, batch):
        stop = min(start + batch, n)
        articles = Article.objects.bulk_create(
            Article(
                source=source,
                headline=f"Archived story {i} on the county budget",
                slug=f"archived-story-{i}",
                body=f"<p>Archived story {i}.</p>",
                status=Article.Status.PUBLISHED,
                published_at=when - dt.timedelta(minutes=i),
                wire_guid=f"archive-{i}",
                content_hash=hashlib.sha256(f"c{i}".encode()).hexdigest(),
            )
            for i in range(start, stop)
        )
        WireItemVersion.objects.bulk_create(
            WireItemVersion(
                article_id=a.pk,
                source=source,
                guid=a.wire_guid,
                content_hash=a.content_hash,
                text_hash=hashlib.sha256(f"t{a.pk}".encode()).hexdigest(),
                headline_hash=hashlib.sha256(f"h{a.pk}".encode()).hexdigest(),
                lead_hash=hashlib.sha256(f"l{a.pk}".encode()).hexdigest(),
            )
            for a in articles
        )
    from django.db import connection

    # An archive at rest: its writes checkpointed into the database file, not left for the
    # first measured commit to copy.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--archive", type=int, default=0)
    parser.add_argument("--wire-only", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-wire-")
    os.environ["MASTHEAD_DATA_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import signals as model_signals

    from masthead.newsroom.models import Section
    from masthead.newsroom.signals import article_changed
    from masthead.wire.ingest import ingest_bytes

    call_command("migrate", verbosity=0)
    Section.objects.create(name="Business", slug="business")
    if args.archive:
        start = time.perf_counter()
        fill_archive(args.archive)
        print(f"archive: {args.archive:,} stories in {time.perf_counter() - start:.1f} s")
    if args.wire_only:
        for signal in (
            article_changed,
            model_signals.post_save,
            model_signals.m2m_changed,
            model_signals.post_delete,
        ):
            signal.receivers = [r for r in signal.receivers if "masthead.wire" in repr(r)]
            signal.sender_receivers_cache.clear()

    n = args.items
    mode = "wire only (other apps' receivers muted)" if args.wire_only else "whole system"
    from masthead.wire.parallel import parse_processes

    print(
        f"wire ingest benchmark, SQLite, {n} items per run, {mode}, "
        f"{parse_processes()} parse helper process(es), archive of {args.archive:,} stories"
    )
    for label, make in (("RSS 2.0", rss), ("NewsML-G2", newsml)):
        data = make(n)
        start = time.perf_counter()
        fresh = ingest_bytes(data, file=f"bench-{label}")
        fresh_s = time.perf_counter() - start
        if fresh.new != n:
            raise SystemExit(f"fresh run went wrong: {fresh.line()}")
        start = time.perf_counter()
        again = ingest_bytes(data, file=f"bench-{label}")
        again_s = time.perf_counter() - start
        if again.skipped != n:
            raise SystemExit(f"re-run went wrong: {again.line()}")
        print(f"{label:10s} fresh:     {n / fresh_s:9,.0f} items/s  ({fresh_s:.2f} s)")
        print(f"{label:10s} unchanged: {n / again_s:9,.0f} items/s  ({again_s:.3f} s)")
    if not args.wire_only:
        from masthead.discovery.models import StaleArticle
        from masthead.discovery.tasks import run_pending_refreshes

        queued = StaleArticle.objects.count()
        start = time.perf_counter()
        run_pending_refreshes()
        drain_s = time.perf_counter() - start
        print(
            f"worker: {queued} stale stories refreshed (search + Related) at "
            f"{queued / drain_s:,.0f}/s ({drain_s:.1f} s)"
        )


if __name__ == "__main__":
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.run("main()", sort="tottime")
    else:
        main()

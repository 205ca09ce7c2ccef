"""Wire ingest throughput: fresh RSS and NewsML-G2 items, and re-ingest of unchanged ones.

    .venv/bin/python benchmarks/bench_wire.py [--items 2000] [--with-receivers]

Runs on a throwaway SQLite database (the embedded deployment). By default the receivers other
apps connect to the newsroom's signals (search index, Related) are muted so that the figure is
the wire ingest's own; --with-receivers measures the whole system as deployed: each new story
also queues its search/Related refresh (a task row in the same transaction), and the worker's
rate at running those refreshes is printed after.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--with-receivers", action="store_true")
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
    from masthead.wire.services import ingest_bytes

    call_command("migrate", verbosity=0)
    Section.objects.create(name="Business", slug="business")
    if not args.with_receivers:
        for signal in (
            article_changed,
            model_signals.post_save,
            model_signals.m2m_changed,
            model_signals.post_delete,
        ):
            signal.receivers = [r for r in signal.receivers if "masthead.wire" in repr(r)]
            signal.sender_receivers_cache.clear()

    n = args.items
    mode = "whole system" if args.with_receivers else "wire only (other apps' receivers muted)"
    print(f"wire ingest benchmark, SQLite, {n} items per run, {mode}")
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
    if args.with_receivers:
        from django_tasks_db.models import DBTaskResult

        from masthead.discovery.tasks import run_pending_refreshes

        queued = DBTaskResult.objects.ready().count()
        start = time.perf_counter()
        run_pending_refreshes()
        drain_s = time.perf_counter() - start
        print(
            f"worker: {queued} queued refreshes run at {queued / drain_s:,.0f}/s ({drain_s:.1f} s)"
        )


if __name__ == "__main__":
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.run("main()", sort="tottime")
    else:
        main()

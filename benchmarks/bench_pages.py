"""Reader page latency on a big archive: home, fronts, tag page, article, feeds, search.

    .venv/bin/python benchmarks/bench_pages.py [--stories 100000]

Builds a throwaway SQLite archive (the embedded deployment) of N wire and local stories in
eight sections with four of 2,000 tags each, written in bulk, plus the planner statistics the
worker keeps (`masthead.lib.planner`), then renders each page through Django's test client with
caches cleared and prints the best of five, with its query count. No page cache is involved:
these are the pages a cache would have to fill. The bulk-written stories are neither scored
for Related (the article page takes its capped unscored fallback, the slower path) nor in the
search index (the search page shows its no-results suggestions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path


def build(n: int) -> None:
    from django.utils import timezone

    from masthead.newsroom.models import Article, Section, Source, Tag

    names = ("us", "world", "business", "lifestyle", "local", "sports", "politics", "health")
    sections = [
        Section.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]
        for slug in names
    ]
    tags = Tag.objects.bulk_create([Tag(name=f"Topic {i}", slug=f"topic-{i}") for i in range(2000)])
    wire = Source.objects.create(name="Bench Wire", slug="bench-wire")
    staff = Source.objects.create(name="Bench Staff", slug="bench-staff", kind=Source.Kind.STAFF)
    now = timezone.now()
    in_section, tagged = Article.sections.through, Article.tags.through
    for start in range(0, n, 5000):
        articles = Article.objects.bulk_create(
            Article(
                source=staff if i % 20 == 0 else wire,
                is_local=i % 20 == 0,
                headline=f"Story {i} about topic {i % 2000} and the county",
                slug=f"story-{i}",
                summary=f"Summary of story {i}.",
                body=f"<p>Body of story {i} about topic {i % 2000}.</p>",
                status=Article.Status.PUBLISHED,
                published_at=now - dt.timedelta(minutes=n - i),
                section=sections[i % 8],
                wire_guid="" if i % 20 == 0 else f"bench-{i}",
            )
            for i in range(start, min(start + 5000, n))
        )
        in_section.objects.bulk_create(
            in_section(article_id=a.pk, section_id=sections[a.pk % 8].pk) for a in articles
        )
        tagged.objects.bulk_create(
            tagged(article_id=a.pk, tag_id=tags[(a.pk * 7 + k) % 2000].pk)
            for a in articles
            for k in range(4)
        )
        print(f"\rarchive: {min(start + 5000, n):,}/{n:,} stories", end="", file=sys.stderr)
    print(file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=100_000)
    args = parser.parse_args()
    os.environ["MASTHEAD_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-pages-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from masthead.lib.planner import refresh_planner_statistics
    from masthead.newsroom.models import Article

    call_command("migrate", verbosity=0)
    build(args.stories)
    refresh_planner_statistics(force=True)
    wire_story = Article.objects.filter(is_local=False).order_by("-published_at")[500]
    local_story = Article.objects.filter(is_local=True).order_by("-published_at")[3]
    pages = {
        "home": "/",
        "section front": "/section/world/",
        "section, page 50": "/section/world/?page=50",
        "tag page": "/tag/topic-5/",
        "wire article": wire_story.get_absolute_url(),
        "local article": local_story.get_absolute_url(),
        "RSS feed": "/feeds/rss/",
        "search": "/search/?q=county+topic",
    }
    client = Client()
    print(f"reader pages, SQLite, archive of {args.stories:,} stories (best of 5, caches cleared)")
    for label, url in pages.items():
        best = None
        for _ in range(5):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                took = time.perf_counter() - start
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            best = took if best is None else min(best, took)
        print(f"{label:18s} {best * 1000:7.1f} ms  {len(queries.captured_queries):2d} queries")


if __name__ == "__main__":
    main()

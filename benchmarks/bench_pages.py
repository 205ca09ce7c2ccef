"""Reader page latency in the process as the archive grows: home, fronts, tag page, article,
feeds, search, at 1,000 and 100,000 stories (or the sizes given), scored for Related as the
worker leaves a paper's stories.

    .venv/bin/python benchmarks/bench_pages.py [--stories 1000,100000] [--runs 21]

For each size, builds a throwaway SQLite archive (the embedded deployment) of N wire and local
stories in eight sections with four of 2,000 tags each, written in bulk, plus the planner
statistics the worker keeps (`masthead.lib.planner`), then renders each page through Django's
test client and prints p50 and p90 over the runs with the page's query count, three ways:

- cold: no cache of any kind (the page cache off, the default cache cleared): the most a
  page can cost;
- uncached: the page cache on and warm with what every page shares (navigation, Popular,
  Local, section blocks), but this page not in it; for an article, each run reads another
  story (its own record, faces and Related not cached) as a reader's first read, metered and
  recorded: what a story nobody has opened yet costs;
- cached: the page (or, for a metered story, its face) from the origin's cache.

The last table gives each page's p50 at the largest size over its p50 at the smallest (flat
is 1.0). The bulk-written stories are not in the search index (the search page shows its
no-results suggestions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def build(n: int) -> None:
    from django.utils import timezone

    from masthead.discovery.models import RelatedLink, RelatedTerms
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
        # Scored for Related as the worker leaves every story (five stored links each): the
        # page reads the stored list, as on a paper's site.
        RelatedTerms.objects.bulk_create(RelatedTerms(article_id=a.pk) for a in articles)
        RelatedLink.objects.bulk_create(
            RelatedLink(article_id=a.pk, related_id=b.pk, score=1.0 - k / 10)
            for i, a in enumerate(articles)
            for k, b in enumerate(articles[i + 1 : i + 6])
        )
        print(f"\rarchive: {min(start + 5000, n):,}/{n:,} stories", end="", file=sys.stderr)
    print(file=sys.stderr)


# Run in the Wagtail peer's own venv and project (../shared/peer, built): its article pages
# rendered the same way, each a different story, as p50 and p90.
PEER_SCRIPT = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsbench.settings")
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
urls = [u.split("8101", 1)[1] for u in open("../urls/articles.txt").read().split()]
client = Client(HTTP_HOST="127.0.0.1:8101")
client.get(urls[0])
samples = []
for url in (urls * 10)[1 : 1 + RUNS]:
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start, len(ctx.captured_queries)))
times = sorted(t for t, _ in samples)
print(f"{times[len(times) // 2] * 1000:.1f} {times[int(len(times) * 0.9)] * 1000:.1f} "
      f"{max(q for _, q in samples)}")
"""


def peer_article(peer: Path, runs: int) -> None:
    site = peer / "wagtail" / "site"
    done = subprocess.run(  # noqa: S603 (the peer's interpreter, our own script)
        [
            str(peer / "wagtail" / "venv" / "bin" / "python"),
            "-c",
            PEER_SCRIPT.replace("RUNS", str(runs)),
        ],
        cwd=site,
        check=True,
        capture_output=True,
        text=True,
    )
    p50, p90, most = done.stdout.split()
    print(f"Wagtail peer, article ({runs} stories, the same minute): p50 {p50} ms, p90 {p90} ms, "
          f"{most} queries")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", default="1000,100000", help="archive sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--peer", type=Path, help="the built Wagtail peer's folder, to compare")
    args = parser.parse_args()
    sizes = [int(n) for n in args.stories.split(",")]
    results: dict[int, dict[tuple[str, str], float]] = {}
    for n in sizes:
        # A fresh process per size: a new data folder (database and page cache) each time.
        done = subprocess.run(  # noqa: S603 (this script, with our own arguments)
            [sys.executable, __file__, "--one", str(n), "--runs", str(args.runs)],
            check=True,
            capture_output=True,
            text=True,
        )
        sys.stdout.write(done.stdout.split("@@", 1)[0])
        results[n] = json.loads(done.stdout.split("@@", 1)[1])
        if args.peer:
            peer_article(args.peer, args.runs)
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\np50 at {large:,} stories / p50 at {small:,} (flat is 1.0)")
        for key in results[large]:
            label = " ".join(key.split("|"))
            print(f"  {label:30s} {results[large][key] / results[small][key]:5.2f}")


def one(n: int, runs: int) -> None:
    os.environ["MASTHEAD_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-pages-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.cache import cache, caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from masthead.edge import pagecache
    from masthead.lib.planner import refresh_planner_statistics
    from masthead.newsroom.models import Article

    call_command("migrate", verbosity=0)
    build(n)
    refresh_planner_statistics(force=True)
    newest = Article.objects.order_by("-published_at")
    wire = list(newest.filter(is_local=False)[200 : 200 + 3 * runs])
    local = list(newest.filter(is_local=True)[3 : 3 + 3 * runs])
    fronts = {
        "home": "/",
        "section front": "/section/world/",
        "section, page 5": "/section/world/?page=5",
        "tag page": "/tag/topic-5/",
        "RSS feed": "/feeds/rss/",
        "search": "/search/?q=county+topic",
    }
    stories = {"wire article": wire, "local article": local}

    def fetch(url: str) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = Client().get(url)  # a new reader each time: no cookie
            took = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return took, len(queries.captured_queries)

    figures: dict[str, float] = {}

    def report(label: str, mode: str, samples: list[tuple[float, int]]) -> None:
        times = sorted(t for t, _ in samples)
        p50, p90 = times[len(times) // 2], times[int(len(times) * 0.9)]
        most = max(q for _, q in samples)
        print(f"{label:16s} {mode:9s} {p50 * 1000:7.1f} {p90 * 1000:7.1f} ms  {most:2d} queries")
        figures[f"{label}|{mode}"] = p50

    # Every first read is granted: the address budget is not what this measures.
    with override_settings(ALLOWED_HOSTS=["*"], MASTHEAD_METER_ADDRESS_FREE_ARTICLES=10**6):
        print(f"reader pages, SQLite, {n:,} stories: p50, p90 of {runs} runs, queries (most)")
        for label, url in fronts.items():
            with override_settings(MASTHEAD_PAGE_CACHE=False):
                cold = []
                for _ in range(runs):
                    cache.clear()
                    cold.append(fetch(url))
            report(label, "cold", cold)
            caches["pages"].clear()
            pagecache.forget_recent()  # what this process remembers of the emptied cache
            fetch(url)
            report(label, "cached", [fetch(url) for _ in range(runs)])
        for label, picks in stories.items():
            with override_settings(MASTHEAD_PAGE_CACHE=False):
                cold = []
                for story in picks[:runs]:
                    cache.clear()
                    cold.append(fetch(story.get_absolute_url()))
            report(label, "cold", cold)
            caches["pages"].clear()
            pagecache.forget_recent()  # what this process remembers of the emptied cache
            for story in picks[2 * runs :]:  # the shared blocks (every section's), warm
                fetch(story.get_absolute_url())
            report(label, "uncached", [fetch(s.get_absolute_url()) for s in picks[runs : 2 * runs]])
            url = picks[-1].get_absolute_url()
            report(label, "cached", [fetch(url) for _ in range(runs)])
    print("@@" + json.dumps(figures))


if __name__ == "__main__":
    if "--one" in sys.argv:
        at = sys.argv.index("--one")
        runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 21
        one(int(sys.argv[at + 1]), runs)
    else:
        main()

"""Discovery benchmarks: search latency over 100,000 synthetic articles, and a view's cost.

Run: .venv/bin/python benchmarks/bench_discovery.py [--articles N] [--queries N]
Builds a throwaway SQLite database (the embedded default) in a temporary directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class Corpus:
    vocab: list[str]
    weights: list[float]
    sections: list[Any]
    source: Any
    rng: random.Random

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.vocab, weights=self.weights, k=n))


def build_corpus(articles: int, *, seed: int = 6) -> Corpus:
    """Bulk-create `articles` published synthetic stories (Django set up, database migrated).

    Shared with bench_related.py. Nothing is indexed: callers build what they measure.
    """
    from django.db import transaction
    from django.utils import timezone

    from masthead.newsroom.models import Access, Article, Section, Source

    rng = random.Random(seed)
    # A Zipf-like vocabulary: a few hundred everyday words, a long tail of rarer ones.
    syllables = [
        "har",
        "bor",
        "sal",
        "mon",
        "fer",
        "ry",
        "can",
        "ne",
        "coun",
        "cil",
        "tide",
        "port",
        "al",
        "der",
        "ri",
        "ver",
        "mar",
        "ket",
        "school",
        "board",
        "vote",
        "ti",
        "ber",
        "lo",
        "gan",
        "west",
        "dun",
        "moss",
        "kel",
        "pine",
    ]
    vocab = sorted(
        {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))) for _ in range(40_000)}
    )
    rng.shuffle(vocab)
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(vocab))]
    sections = [Section.objects.create(name=f"Section {i}", slug=f"s{i}") for i in range(8)]
    source = Source.objects.create(name="Bench Wire", slug="bench", default_access=Access.FREE)
    corpus = Corpus(vocab=vocab, weights=weights, sections=sections, source=source, rng=rng)
    text = corpus.text
    now = timezone.now()
    batch: list[Article] = []
    with transaction.atomic():
        for i in range(articles):
            batch.append(
                Article(
                    headline=text(8).capitalize(),
                    slug=f"a{i}",
                    summary=text(25),
                    body="<p>" + text(140) + "</p>",
                    dateline="Port Alder",
                    status=Article.Status.PUBLISHED,
                    source=source,
                    section=sections[i % 8],
                    published_at=now - dt.timedelta(minutes=7 * i),
                )
            )
            if len(batch) == 5000:
                Article.objects.bulk_create(batch)
                batch = []
        Article.objects.bulk_create(batch)
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="bench-discovery-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["MASTHEAD_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory

    from masthead.discovery import popular
    from masthead.discovery.search import SearchFilters
    from masthead.discovery.search.index import reindex_all
    from masthead.discovery.search.results import search_page
    from masthead.discovery.views import beacon
    from masthead.newsroom.models import Article

    call_command("migrate", verbosity=0)
    print(f"building {args.articles:,} articles in {data_dir} ...", flush=True)
    started = time.perf_counter()
    corpus = build_corpus(args.articles)
    vocab, sections, rng = corpus.vocab, corpus.sections, corpus.rng
    reindex_all(batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA optimize")
        cursor.execute("INSERT INTO discovery_fts(discovery_fts) VALUES ('optimize')")
    print(f"built and indexed in {time.perf_counter() - started:.0f}s")

    # Queries as readers type them: one to three words from the first few thousand words
    # (rarer words are faster: fewer matches to rank), plus filtered and deep-page searches.
    head = vocab[20:3000]
    queries = [rng.sample(head, rng.choice([1, 1, 2, 2, 3])) for _ in range(args.queries)]
    timings: dict[str, list[float]] = {"plain": [], "section filter": [], "page 5": []}
    for terms in queries:
        for label, kwargs in (
            ("plain", {}),
            ("section filter", {"section": True}),
            ("page 5", {"page": 5}),
        ):
            filters = (
                SearchFilters(section_id=sections[2].pk)
                if kwargs.get("section")
                else (SearchFilters())
            )
            t0 = time.perf_counter()
            page = search_page(terms, filters, page=kwargs.get("page", 1), per_page=10)
            list(page.object_list)
            timings[label].append((time.perf_counter() - t0) * 1000)
    print(f"search over {args.articles:,} articles, {len(queries)} queries each (ms):")
    for label, values in timings.items():
        print(
            f"  {label:15s} p50 {statistics.median(values):6.1f}  "
            f"p95 {percentile(values, 95):6.1f}  max {max(values):6.1f}"
        )

    # The cost of counting one read: the beacon view end to end, embedded buffer (no DB).
    factory = RequestFactory()
    agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"
    ids = list(Article.objects.values_list("pk", flat=True)[:2000])
    requests = [
        factory.get(f"/b/{pk}.gif", REMOTE_ADDR=f"10.0.{n % 250}.{n % 200}", HTTP_USER_AGENT=agent)
        for n, pk in enumerate(ids * 5)
    ]
    t0 = time.perf_counter()
    for request, pk in zip(requests, ids * 5, strict=True):
        beacon(request, pk)
    per_view = (time.perf_counter() - t0) / len(requests) * 1e6
    t0 = time.perf_counter()
    written = popular.flush()
    flush_ms = (time.perf_counter() - t0) * 1000
    print(
        f"counting a view (beacon view, local buffer): {per_view:.1f} µs per request, "
        f"0 queries; flushing {written:,} reads: {flush_ms:.0f} ms"
    )


if __name__ == "__main__":
    main()

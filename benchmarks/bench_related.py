"""Related refresh cost: per story (p50, p95) and refreshes per second, as the worker runs them.

    .venv/bin/python benchmarks/bench_related.py [--articles 100000] [--sample 300]
                                                 [--only demo|synthetic] [--profile]

Two archives, each in its own throwaway SQLite database (the embedded default), each in a
child process so that neither warms the other's caches:

- demo: the demo paper loaded by the real ingest; the worker's drain of the queued refreshes
  (each story's search entry and Related list, in ingest order) is timed per task, then every
  story is refreshed again (an update).
- synthetic: bench_discovery.py's corpus of --articles stories, given tags and sections, with
  every story's features stored first (`masthead search reindex --related`'s first phase, also
  timed); then --sample refreshes of existing stories (an update) and of new stories (a wire
  item arriving: search entry + Related, as `refresh_article_task` runs it).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(label: str, timings_ms: list[float]) -> None:
    total_s = sum(timings_ms) / 1000
    print(
        f"  {label:34s} n={len(timings_ms):6,d}  p50 {statistics.median(timings_ms):6.2f} ms  "
        f"p95 {percentile(timings_ms, 95):6.2f} ms  {len(timings_ms) / total_s:7,.0f}/s",
        flush=True,
    )


def timed(calls: Iterable[Callable[[], object]], profile: bool) -> list[float]:
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    timings = []
    for call in calls:
        t0 = time.perf_counter()
        call()
        timings.append((time.perf_counter() - t0) * 1000)
    if profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return timings


def setup() -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["MASTHEAD_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-related-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def demo(args: argparse.Namespace) -> None:
    setup()
    import io

    from django.core.management import call_command

    from masthead.discovery import tasks
    from masthead.discovery.related import refresh_related
    from masthead.newsroom.models import Article

    # Time each queued refresh as the worker runs it (the task looks the function up by name).
    drained: list[float] = []
    original = tasks.refresh_article

    def timed_refresh(article_id: int) -> None:
        t0 = time.perf_counter()
        original(article_id)
        drained.append((time.perf_counter() - t0) * 1000)

    tasks.refresh_article = timed_refresh
    call_command("demo", no_migrate=True, stdout=io.StringIO(), stderr=io.StringIO())
    tasks.refresh_article = original
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    print(f"demo archive: {len(ids)} stories")
    report("worker drain (search + Related)", drained)
    again = timed([lambda pk=pk: refresh_related(pk) for pk in ids], args.profile)
    report("refresh_related, every story again", again)


def synthetic(args: argparse.Namespace) -> None:
    setup()
    from bench_discovery import build_corpus
    from django.db import transaction

    from masthead.discovery.related import rebuild_features, refresh_related
    from masthead.discovery.search.index import reindex_all
    from masthead.discovery.tasks import refresh_article
    from masthead.newsroom.models import Article, Tag

    started = time.perf_counter()
    corpus = build_corpus(args.articles)
    rng = random.Random(7)
    # Tags as desks use them: a few broad ones on many stories, a long tail of specific ones.
    tags = Tag.objects.bulk_create(Tag(name=f"Tag {i}", slug=f"t{i}") for i in range(3000))
    tag_weights = [1 / (rank + 1) for rank in range(len(tags))]
    ids = list(Article.objects.order_by("pk").values_list("pk", "section_id"))
    tag_rows = {
        (pk, tag.pk)
        for pk, _ in ids
        for tag in rng.choices(tags, weights=tag_weights, k=rng.randint(0, 4))
    }
    with transaction.atomic():
        Article.tags.through.objects.bulk_create(
            (Article.tags.through(article_id=a, tag_id=t) for a, t in tag_rows), batch_size=5000
        )
        Article.sections.through.objects.bulk_create(
            (Article.sections.through(article_id=pk, section_id=s) for pk, s in ids),
            batch_size=5000,
        )
    reindex_all(batch_size=2000)
    print(
        f"synthetic archive: {len(ids):,} stories, {len(tag_rows):,} tag links, built and "
        f"search-indexed in {time.perf_counter() - started:.0f}s",
        flush=True,
    )

    t0 = time.perf_counter()
    stored = rebuild_features(batch_size=2000)
    elapsed = time.perf_counter() - t0
    print(
        f"  stored features of {stored:,} stories (reindex --related, phase 1): "
        f"{elapsed:.0f}s, {stored / elapsed:,.0f}/s",
        flush=True,
    )

    sample = rng.sample([pk for pk, _ in ids], min(args.sample, len(ids)))
    report(
        "refresh_related, existing story",
        timed([lambda pk=pk: refresh_related(pk) for pk in sample], args.profile),
    )

    # New stories: wire copy that reuses an existing story's words, as follow-ups do.
    new_ids = []
    with transaction.atomic():
        for n, pk in enumerate(sample):
            model = Article.objects.get(pk=pk)
            model.pk = None
            model.slug = f"new-{n}"
            model.headline = model.headline + " " + corpus.text(3)
            model.body = model.body + "<p>" + corpus.text(40) + "</p>"
            model.save()
            through = Article.tags.through.objects.filter(article_id=pk)
            model.tags.set(through.values_list("tag_id", flat=True))
            model.sections.set([model.section_id])
            new_ids.append(model.pk)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # timed below, one by one, as the worker runs them
    report(
        "refresh_article_task, new story",
        timed([lambda pk=pk: refresh_article(pk) for pk in new_ids], args.profile),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--only", choices=["demo", "synthetic"])
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.only == "demo":
        demo(args)
    elif args.only == "synthetic":
        synthetic(args)
    else:
        for only in ("demo", "synthetic"):
            subprocess.run([sys.executable, __file__, *sys.argv[1:], "--only", only], check=True)  # noqa: S603 - this script, re-run


if __name__ == "__main__":
    main()

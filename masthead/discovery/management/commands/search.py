"""`masthead search reindex`: rebuild the search index (and stored Related) from the newsroom."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masthead.discovery.related import rebuild_features, rescore_related
from masthead.discovery.search.index import reindex_all
from masthead.newsroom.models import Article


class Command(BaseCommand):
    help = "Search index maintenance."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="Rebuild the index from every article.")
        reindex.add_argument("--batch-size", type=int, default=500)
        reindex.add_argument(
            "--related", action="store_true", help="Also recompute every stored Related list."
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "reindex":
            self._reindex(options["batch_size"], options["related"])

    def _reindex(self, batch_size: int, related: bool) -> None:
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            percent = 100 * done / total if total else 100
            self.stdout.write(f"indexed {done}/{total} articles ({percent:.0f}%)")

        indexed = reindex_all(batch_size=batch_size, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt: {indexed} searchable stories in "
                f"{time.monotonic() - started:.1f}s."
            )
        )
        if related:
            self._related(batch_size)

    def _related(self, batch_size: int) -> None:
        """Every story's features and the archive's counts first, then every story scored:
        scoring as stories were stored would score the first ones against an archive that
        barely exists yet (no rarities, no candidates)."""
        started = time.monotonic()

        def stored(done: int, total: int) -> None:
            percent = 100 * done / total if total else 100
            self.stdout.write(f"related features {done}/{total} stories ({percent:.0f}%)")

        count = rebuild_features(batch_size=batch_size, progress=stored)
        ids = list(
            Article.objects.filter(related_terms__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        step = max(1, min(batch_size, len(ids) // 20 or 1))
        for n, pk in enumerate(ids, 1):
            rescore_related(pk)
            if n % step == 0 or n == len(ids):
                percent = 100 * n / len(ids)
                self.stdout.write(f"related scored {n}/{len(ids)} stories ({percent:.0f}%)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Related recomputed for {count} stories in {time.monotonic() - started:.1f}s."
            )
        )

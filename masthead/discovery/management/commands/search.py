"""`masthead search reindex`: rebuild the search index (and stored Related) from the newsroom."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masthead.discovery.related import refresh_related
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
            ids = list(
                Article.objects.filter(status=Article.Status.PUBLISHED).values_list("pk", flat=True)
            )
            for n, pk in enumerate(ids, 1):
                refresh_related(pk)
                if n % 100 == 0 or n == len(ids):
                    self.stdout.write(f"related {n}/{len(ids)}")
            self.stdout.write(self.style.SUCCESS(f"Related recomputed for {len(ids)} stories."))

"""`masthead wire poll [--watch]`: poll the feeds that are due (once, or as a worker)."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masthead.lib.planner import refresh_planner_statistics
from masthead.wire.ingest import poll_if_free
from masthead.wire.models import Feed
from masthead.wire.results import IngestSummary


class Command(BaseCommand):
    help = "Wire desk tasks: `poll` fetches and ingests every due feed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        poll = sub.add_parser("poll", help="Poll due feeds once (or keep polling with --watch).")
        poll.add_argument("--watch", action="store_true", help="Keep polling (worker process).")
        poll.add_argument(
            "--interval",
            type=float,
            default=15.0,
            help="Seconds between checks for due feeds with --watch.",
        )
        poll.add_argument("--feed", default=None, help="Poll only this feed (slug), due or not.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["watch"]:
            while True:  # a worker: stopped by its supervisor's signal
                self.poll_once(options["feed"])
                refresh_planner_statistics()  # every few hours (SQLite only)
                time.sleep(options["interval"])
        summary = self.poll_once(options["feed"])
        if summary.errors:
            sys.exit(1)

    def poll_once(self, only: str | None) -> IngestSummary:
        total = IngestSummary()
        feeds = Feed.objects.filter(enabled=True).select_related("source")
        if only:
            feeds = feeds.filter(slug=only)
        for feed in feeds:
            if not only and not feed.is_due():
                continue
            self.stderr.write(f"polling {feed.name} ({feed.location})")
            polled = poll_if_free(feed)
            if polled is None:
                self.stdout.write(f"{feed.slug}: being polled by another worker")
                continue
            summary = polled
            total.extend(summary)
            for item in summary.results:
                if item.action == "error":
                    self.stdout.write(f"error: {item.file} {item.guid or '-'}: {item.reason}")
            self.stdout.write(f"{feed.slug}: {summary.line()}")
        self.stdout.write(total.line())
        return total

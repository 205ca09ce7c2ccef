"""`masthead wire poll [--watch]`: poll the feeds that are due (once, or as a worker).

With `--watch` this is the worker's loop (`masthead serve` starts it beside the web server, and
a worker machine runs it on its own), and the loop is also the newsroom's clock: every pass,
after the due feeds, it publishes the scheduled stories whose time has come and takes down the
ones whose time to come down has (`masthead.newsroom.schedule.run_due`), so a story set for
9:00 goes live within one interval of it with nobody present. A failing clock is logged and
tried again next pass; it never stops the wire. `masthead story due` runs the clock alone.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masthead.lib.planner import refresh_planner_statistics
from masthead.newsroom.schedule import Due, run_due
from masthead.wire.ingest import poll_if_free
from masthead.wire.models import Feed
from masthead.wire.results import IngestSummary

log = logging.getLogger(__name__)


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
            help="Seconds between passes with --watch (due feeds, then scheduled stories).",
        )
        poll.add_argument("--feed", default=None, help="Poll only this feed (slug), due or not.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["watch"]:
            while True:  # a worker: stopped by its supervisor's signal
                self.tick(options["feed"])
                time.sleep(options["interval"])
        summary = self.poll_once(options["feed"])
        if summary.errors:
            sys.exit(1)

    def tick(self, only: str | None = None) -> IngestSummary:
        """One pass of the worker: the due feeds, then the newsroom's clock."""
        summary = self.poll_once(only)
        self.run_clock()
        refresh_planner_statistics()  # every few hours (SQLite only)
        return summary

    def run_clock(self) -> Due | None:
        """Publish and take down what is due. Any failure is logged and left for the next
        pass (a few seconds on): the clock shares the worker's process with the wire, and one
        story that cannot be published must not stop every feed, nor the worker."""
        try:
            done = run_due()
        except Exception:  # a bug or a lost database here must not end the loop: next pass
            log.exception("the newsroom's clock failed; trying again next pass")
            return None
        for slug in done.published:
            log.info("published %s on schedule", slug)
            self.stdout.write(f"scheduler: published {slug}")
        for slug in done.unpublished:
            log.info("unpublished %s on schedule", slug)
            self.stdout.write(f"scheduler: unpublished {slug}")
        return done

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

"""`masthead ingest PATH_OR_URL... [--source NAME] [--json]`: ingest once and report.

Exit status: 0 when nothing failed, 1 when any file or item failed (each printed with file,
item id and reason), 2 for bad usage (Django's CommandError with returncode=2).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.wire.ingest import ingest_path
from masthead.wire.results import IngestSummary


class Command(BaseCommand):
    help = "Ingest wire files, drop folders or URLs once (format detected from content)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("locations", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--source", default=None, help="Source name for every item.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="One JSON object a line per item instead of the summary.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        locations: list[str] = options["locations"]
        for location in locations:
            if (
                not location.lower().startswith(("http://", "https://"))
                and not Path(location).exists()
            ):
                raise CommandError(f"no such file or directory: {location}", returncode=2)
        summary = IngestSummary()
        as_json = options["json"]
        verbose = options["verbosity"] >= 1
        for location in locations:
            result = ingest_path(
                location,
                source_name=options["source"],
                progress=self._progress if verbose and not as_json else None,
            )
            summary.extend(result)
            if as_json:
                for item in result.results:
                    self.stdout.write(json.dumps(item.as_dict(), ensure_ascii=False))
        if not as_json:
            for item in summary.results:
                if item.action == "error":
                    self.stdout.write(f"error: {item.file} {item.guid or '-'}: {item.reason}")
            self.stdout.write(summary.line())
        if summary.errors:
            sys.exit(1)

    def _progress(self, done: int, total: int) -> None:
        if total >= 200:
            self.stderr.write(f"\r{done}/{total} items", ending="")
            if done == total:
                self.stderr.write("")

"""`masthead popular flush`: write buffered view counts now (cron, deploys, shutdown)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masthead.discovery.popular import flush


class Command(BaseCommand):
    help = "Popular block maintenance."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "flush",
            help="Move the shared (Redis) buffer of view counts into the database; the embedded"
            " buffer lives in each web process and flushes itself.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "flush":
            written = flush()
            self.stdout.write(self.style.SUCCESS(f"Flushed {written} counted reads."))

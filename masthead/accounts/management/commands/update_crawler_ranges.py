"""Install a crawler's published IP ranges (Google's JSON format) from a URL or a file."""

from __future__ import annotations

import json
import os
import tempfile
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.accounts.crawlers import parse_ranges

GOOGLEBOT_RANGES_URL = "https://developers.google.com/static/search/apis/ipranges/googlebot.json"
MAX_BYTES = 2 * 1024 * 1024  # Google's file is ~10 kB; refuse anything absurd


class Command(BaseCommand):
    help = "Update the crawler IP ranges used to verify search crawlers (run daily by cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source",
            nargs="?",
            default=GOOGLEBOT_RANGES_URL,
            help="an https:// URL or a local file in Google's format (default: Googlebot's)",
        )

    def handle(self, *args: Any, source: str, **options: Any) -> None:
        raw = self._read(source)
        try:
            networks = parse_ranges(json.loads(raw))
        except ValueError as exc:
            raise CommandError(f"{source}: {exc}") from exc
        if not networks:
            raise CommandError(f"{source}: no prefixes; keeping the installed ranges")
        target = Path(settings.MASTHEAD_CRAWLER_RANGES_PATH)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed over it: web processes never read half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".ranges-", suffix=".json")
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, target)
        self.stdout.write(f"Installed {len(networks)} crawler ranges at {target}")

    def _read(self, source: str) -> bytes:
        scheme = urlparse(source).scheme
        if scheme == "https":
            try:
                # Scheme checked above: only https, never file:// or ftp:// from a URL.
                with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310
                    raw: bytes = response.read(MAX_BYTES + 1)
            except OSError as exc:
                raise CommandError(f"could not fetch {source}: {exc}") from exc
            if len(raw) > MAX_BYTES:
                raise CommandError(f"{source}: larger than {MAX_BYTES} bytes")
            return raw
        if scheme:
            raise CommandError(f"{source}: only https:// URLs or local files")
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise CommandError(f"could not read {source}: {exc}") from exc

"""``masthead text check FILE``: show editors what repair does to a piece of copy.

Prints the repaired text, then the list of repairs (the same lines the ingest log gets).
``-`` reads standard input. A missing file exits with status 2, undecodable bytes with 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.text import clean_html, explain, repair


class Command(BaseCommand):
    help = "Text integrity tools. `text check FILE` prints the repaired text and what changed."
    requires_system_checks: list[str] = []  # a text tool: needs no database or URLconf

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        check = subcommands.add_parser(
            "check",
            help="Repair FILE (UTF-8; '-' for stdin) and explain every change.",
            description="Print FILE repaired, then the repairs made, as the ingest log shows.",
        )
        check.add_argument("file", metavar="FILE", help="a UTF-8 text file, or - for stdin")
        check.add_argument(
            "--html",
            action="store_true",
            help="treat FILE as an article body: also sanitise its markup",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "check":
            self.check_file(options["file"], as_html=options.get("html", False))

    def check_file(self, name: str, *, as_html: bool = False) -> None:
        text = self._read(name)
        repairs = explain(text)
        output = clean_html(text) if as_html else repair(text)
        self.stdout.write(output, ending="" if output.endswith("\n") else "\n")
        self.stdout.write("")
        if not repairs:
            self.stdout.write(self.style.SUCCESS("No repairs needed."))
            return
        self.stdout.write(self.style.WARNING(f"{len(repairs)} repair(s):"))
        for item in repairs:
            self.stdout.write(f"  - {item}")

    def _read(self, name: str) -> str:
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except FileNotFoundError as exc:
            raise CommandError(f"{name}: no such file", returncode=2) from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{name}: is a directory, not a file", returncode=2) from exc
        except PermissionError as exc:
            raise CommandError(f"{name}: permission denied", returncode=2) from exc
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad = raw[exc.start : exc.start + 4].hex(" ")
            line = raw[: exc.start].count(b"\n") + 1
            raise CommandError(
                f"{name}: not valid UTF-8 at byte {exc.start} (line {line}): bytes {bad}. "
                "Convert the file to UTF-8 first (e.g. iconv -f WINDOWS-874 -t UTF-8).",
                returncode=1,
            ) from exc

"""All 6,613 payloads of the shared XSS list through sanitize_html and clean_html."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

from masthead.text import clean_html, sanitize_html
from masthead.text.sanitize import ALLOWED_TAGS

CORPORA = Path(
    os.environ.get(
        "MASTHEAD_CORPORA", Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
    )
)
PAYLOADS = CORPORA / "xss" / "xss-payload-list.txt"


class _Inspector(HTMLParser):
    """Parses sanitiser output the way a browser tokenises it and collects what could run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS | {"iframe"}:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            url = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or name in ("style", "srcdoc", "formaction", "action"):
                self.problems.append(f"attribute {name}")
            elif name in ("href", "src", "cite") and not url.startswith(
                ("http://", "https://", "mailto:")
            ):
                self.problems.append(f"url {name}={value}")


def executable_constructs(html: str) -> list[str]:
    """Everything in ``html`` a browser could execute or that escapes the allowlist."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def assert_inert(html: str) -> None:
    assert executable_constructs(html) == [], html


def test_it_neutralises_every_payload_in_the_corpus() -> None:
    assert PAYLOADS.is_file(), f"missing {PAYLOADS} (set MASTHEAD_CORPORA)"
    payloads = [p for p in PAYLOADS.read_text(encoding="utf-8", errors="replace").splitlines() if p]
    assert len(payloads) >= 6000
    unsafe = []
    for payload in payloads:
        for out in (sanitize_html(payload), clean_html(payload)):
            if executable_constructs(out):
                unsafe.append((payload, out))
    print(f"xss corpus: {len(payloads)} payloads, {len(unsafe)} unsafe outputs")  # noqa: T201
    assert unsafe == []

"""What a browser could run in sanitiser output: shared by the sanitiser and XSS corpus tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from masthead.text.sanitize import ALLOWED_TAGS


# What must never survive: a script element, an event handler, a dangerous URL scheme in
# a URL attribute, inline style, a frame from an unlisted host, SVG/MathML, forms, meta.
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

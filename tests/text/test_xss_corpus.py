"""All 6,613 payloads of the shared XSS list through sanitize_html and clean_html."""

from __future__ import annotations

from masthead.text import clean_html, sanitize_html
from tests.corpora import CORPORA
from tests.text.inert import executable_constructs

PAYLOADS = CORPORA / "xss" / "xss-payload-list.txt"


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

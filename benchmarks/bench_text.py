"""Throughput of masthead.text: repair on clean and damaged copy, sanitize_html on bodies.

Run: .venv/bin/python benchmarks/bench_text.py
The clean-English case is what ingest sees almost always; the target there is >= 20 MB/s.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from masthead.text import clean_html, repair, sanitize_html  # noqa: E402

ENGLISH = (
    "The council voted on Wednesday to postpone the decision on the new bridge until after "
    "the holiday weekend. “We will rebuild it someday,” the mayor said — but not this year, "
    "because the budget doesn’t allow it. Residents have been waiting since 2019…\n"
)
MIXED = (
    "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย. Ο πρωθυπουργός μίλησε στην Αθήνα. "
    "Президент выступил в Москве. Thủ tướng Phạm Minh Chính thăm Đà Nẵng. "
    "Müller’s café in Zürich 🎉 — 東京と大阪.\n"
)
DAMAGED = (
    "Latviaโ€™s defense minister, Andris Sprลซds, met allied officials in Rฤซga. "
    "“We will rebuild the bridge someday,โ€ he said. The caf\u00c3\u00a9 was closed.\n"
)
BODY = (
    '<p>The <a href="https://example.org/x">council</a> voted <em>on Wednesday</em>.</p>'
    '<blockquote><p>“We will rebuild it”</p></blockquote><img src="https://img.example/a.jpg" '
    'alt="Bridge" onerror="alert(1)"><script>track()</script><p style="x">More copy.</p>\n'
)


def measure(name: str, func: Callable[[str], str], text: str, target_mb: float = 4.0) -> None:
    """Run ``func`` over about ``target_mb`` of ``text`` split into article-sized fields."""
    field = text * 8  # ~1-3 KB, the size of a body paragraph run or a short article
    size = len(field.encode("utf-8"))
    count = max(1, int(target_mb * 1_000_000 / size))
    func(field)  # warm caches
    start = time.perf_counter()
    for _ in range(count):
        func(field)
    elapsed = time.perf_counter() - start
    mb = size * count / 1_000_000
    print(f"{name:<38} {mb / elapsed:8.2f} MB/s  ({count} fields of {size} bytes)")


def main() -> None:
    measure("repair: clean English", repair, ENGLISH, target_mb=40)
    measure("repair: clean mixed-script", repair, MIXED, target_mb=2)
    measure("repair: damaged (Windows-874 + 1252)", repair, DAMAGED, target_mb=0.5)
    measure("sanitize_html: article body", sanitize_html, BODY, target_mb=8)
    measure("clean_html: article body", clean_html, BODY, target_mb=4)


if __name__ == "__main__":
    main()

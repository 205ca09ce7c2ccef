"""Markup nested deeper than any real story is flattened before the sanitiser sees it.

html5ever (inside nh3) takes time that grows with the square of the nesting depth: 100,000
nested `<div>` held a web worker for most of a minute. No library bounds that, so this scan
does: past `MAX_DEPTH` open elements, further tags are dropped (their text stays). It only
decides which tags reach the sanitiser, never what is safe: nh3 still judges everything after.
"""

from __future__ import annotations

import re

# Real news bodies nest a handful of levels (a table in a figure in a blockquote); a page
# that needs more than this is broken or hostile.
MAX_DEPTH = 100

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*?(/?)>")
_VOID = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr",
    }
)  # fmt: skip


def flatten_deep_nesting(html: str, *, max_depth: int = MAX_DEPTH) -> str:
    """`html` with every tag that would open past `max_depth` (and its closing tag) removed."""
    if html.count("<") <= max_depth:  # cannot nest that deep: the common case, untouched
        return html
    depth = excess = 0
    parts: list[str] = []
    last = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            continue
        drop = False
        if closing:
            if excess:
                excess -= 1
                drop = True
            elif depth:
                depth -= 1
        elif depth >= max_depth:
            excess += 1
            drop = True
        else:
            depth += 1
        if drop:
            parts.append(html[last : match.start()])
            last = match.end()
    if not parts:
        return html
    parts.append(html[last:])
    return "".join(parts)

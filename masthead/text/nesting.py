"""Markup nested deeper than any real story is flattened before the sanitiser sees it.

html5ever (inside nh3) takes time that grows with the square of the nesting depth: 100,000
nested `<div>` held a web worker for most of a minute. No library bounds that, so this scan
does: past `MAX_DEPTH` open elements, further tags are dropped (their text stays). It only
decides which tags reach the sanitiser, never what is safe: nh3 still judges everything after.
"""

from __future__ import annotations

import re
from itertools import accumulate

# Real news bodies nest a handful of levels (a table in a figure in a blockquote); a page
# that needs more than this is broken or hostile.
MAX_DEPTH = 100
# A body shorter than this cannot nest deep enough to cost the parser much (each level takes at
# least seven characters: about 2,300 levels, a few milliseconds), so it is not scanned at all.
SMALL = 16_384

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*?(/?)>")
_VOID = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr",
    }
)  # fmt: skip


# Opening (+1) and closing (-1) tags, void ones included (they only make the quick check
# cautious: a body it flags is then scanned exactly).
_STEP = re.compile(r"<(/?)[A-Za-z]")
_SIGN = {"": 1, "/": -1}


def flatten_deep_nesting(html: str, *, max_depth: int = MAX_DEPTH) -> str:
    """`html` with every tag that would open past `max_depth` (and its closing tag) removed."""
    if len(html) < SMALL or html.count("<") <= max_depth:
        return html
    # The quick check, in C loops (a story's thousand tags in a Python loop cost more than the
    # sanitiser): the running depth never past the limit, and never below zero (stray closing
    # tags could otherwise hide a deep nest from it), means there is nothing to flatten.
    depths = list(accumulate(map(_SIGN.__getitem__, _STEP.findall(html))))
    if not depths or (max(depths) <= max_depth and min(depths) >= 0):
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

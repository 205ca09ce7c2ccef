"""The share of a story a walled reader may see: at most a fraction of its words, cut at a sentence.

A paragraph is not a unit of length: pre-formatted wire copy (Reuters sends `<pre>` text) and
one-paragraph briefs arrive as a single block, so "the first paragraph" could be the whole
story. Words are counted over the body's text, whatever its markup, and the teaser ends at the
last sentence that fits; where even the first sentence is longer than the share it is cut at
a word with an ellipsis. The teaser is plain text in `<p>` elements (no links, pictures or
embeds of the walled body), so nothing hidden can ride along in an attribute.

Used by the wall (what the article page sends) and by search (what a walled story may be found
by), so the two cannot disagree about what a walled reader can learn.
"""

from __future__ import annotations

import math
import re

from django.utils.html import escape
from lxml import etree
from lxml import html as lxml_html

BLOCKS = frozenset({"p", "li", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6", "td", "dd"})
# A sentence ends at . ! ? or … (and any closing quotes or brackets) before a space. Numbers
# such as "3.5" and most abbreviations ("U.S." inside a sentence) have no space after the dot.
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")


def paragraphs(body_html: str) -> list[str]:
    """The body's text as paragraphs: blocks, and lines of pre-formatted copy."""
    if not body_html.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    out: list[str] = []
    blocks = [el for el in root.iter() if isinstance(el.tag, str) and el.tag in BLOCKS]
    # Outermost blocks only (a <p> inside a <blockquote> is counted once).
    outermost = [el for el in blocks if not any(a in blocks for a in el.iterancestors())]
    if not outermost:
        outermost = [root]
    for el in outermost:
        text = el.text_content()
        pieces = re.split(r"\n\s*\n", text) if el.tag in ("pre", "div") else [text]
        out.extend(" ".join(p.split()) for p in pieces if p.split())
    return out


def word_count(body_html: str) -> int:
    return sum(len(p.split()) for p in paragraphs(body_html))


def _cut(paragraph: str, budget: int) -> str:
    """The longest run of whole sentences of `paragraph` within `budget` words ("" if none)."""
    best = ""
    for match in SENTENCE_END.finditer(paragraph + " "):
        candidate = paragraph[: match.end()].rstrip()
        if len(candidate.split()) > budget:
            break
        best = candidate
    return best


def visible_share(body_html: str, share: float) -> str:
    """At most `share` of the body's words, as escaped `<p>` paragraphs, ending at a sentence."""
    blocks = paragraphs(body_html)
    total = sum(len(p.split()) for p in blocks)
    budget = math.floor(total * share)
    if budget <= 0:
        return ""
    kept: list[str] = []
    used = 0
    for paragraph in blocks:
        words = len(paragraph.split())
        if used + words <= budget:
            kept.append(paragraph)
            used += words
            continue
        part = _cut(paragraph, budget - used)
        if part:
            kept.append(part)
        elif not kept:
            kept.append(" ".join(paragraph.split()[:budget]) + "…")
        break
    return "".join(f"<p>{escape(p)}</p>" for p in kept)


def visible_text(body_html: str, share: float) -> str:
    """`visible_share` as plain text (for the search index)."""
    return " ".join(paragraphs(visible_share(body_html, share)))

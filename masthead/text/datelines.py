"""Datelines as papers print them: inline, at the head of the first paragraph, with the
agency in parentheses and an em dash ("Brussels, Belgium (CNN) — European Commission...").

Wires deliver the dateline as a field ("DENVER, UNITED STATES", "AUSTIN, Texas"); a page that
printed it as a separate capitals label, and then again where the body already begins with it,
showed it twice. Hand-written: no library formats datelines, and the rule is two short ones.
"""

from __future__ import annotations

import html
import re
import unicodedata

DASH = "\u2014"
_FIRST_P = re.compile(r"<p(?:\s[^>]*)?>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")


def _title(part: str) -> str:
    """'UNITED STATES' -> 'United States', 'ORE.' -> 'Ore.'; initials ('U.S.') stay."""
    words = []
    for word in part.split(" "):
        words.append(word if _INITIALS.match(word) else word[:1] + word[1:].lower())
    return " ".join(words)


def printed(dateline: str, agency: str = "") -> str:
    """The dateline as the story's first words: 'Brussels, Belgium (CNN) —'. A dateline all in
    capitals has its places title-cased; the wire style of a capitals city before a region in
    ordinary case ('AUSTIN, Texas') is kept as the agency wrote it."""
    dateline = " ".join(dateline.split()).strip(" ,-\u2014\u2013")
    if not dateline:
        return ""
    if dateline.upper() == dateline and any(c.isalpha() for c in dateline):
        dateline = ", ".join(_title(p.strip()) for p in dateline.split(","))
    agency = agency.strip()
    return f"{dateline} ({agency}) {DASH}" if agency else f"{dateline} {DASH}"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def begins_with(body_html: str, dateline: str) -> bool:
    """Whether the body's text already opens with the dateline's place (local copy often
    does: 'PORT ALDER, Ore. — Two fire engines...')."""
    place = dateline.split(",")[0].strip()
    if not place:
        return False
    text = html.unescape(_TAGS.sub("", body_html[:600])).lstrip()
    return _fold(text).startswith(_fold(place))


_OWN = re.compile(r"^(\s*<p(?:\s[^>]*)?>\s*)([^<]{2,120}?\s[\u2014\u2013]|[^<]{2,120}?\s--)(\s)")


def _mark_own(body_html: str) -> str:
    """A body that prints its own dateline ("PORT ALDER, Ore. — Two fire engines...") gets it
    marked like one we print, so both look alike on the page."""
    return _OWN.sub(r'\1<span class="dateline">\2</span>\3', body_html, count=1)


def inline(body_html: str, dateline: str, agency: str = "") -> str:
    """`body_html` (sanitised) with the printed dateline at the head of its first paragraph,
    unless the body already opens with it; a body that opens with no paragraph gets one."""
    label = printed(dateline, agency)
    if not label:
        return body_html
    if begins_with(body_html, dateline):
        return _mark_own(body_html)
    span = f'<span class="dateline">{html.escape(label)}</span> '
    match = _FIRST_P.search(body_html)
    if match is not None and not _TAGS.sub("", body_html[: match.start()]).strip():
        return body_html[: match.end()] + span + body_html[match.end() :]
    return f'<p class="dateline">{html.escape(label)}</p>' + body_html

"""A wire item's text made fit to store: repaired, sanitised, fingerprinted.

Pure functions with no database and no Django models, so that a parse helper process
(`masthead.wire.parallel`) can clean a big feed's items while the writer stores earlier ones;
the services clean here whatever arrives uncleaned.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from masthead.text import clean_html, clean_plain, explain
from masthead.wire.items import WireItem


@dataclass
class CleanText:
    """An item's text as it will be stored, with what was repaired and its fingerprints."""

    fields: dict[str, Any]  # Article fields: headline, summary, body, dateline, byline, ...
    bylines: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    text_hash: str = ""
    headline_hash: str = ""
    lead_hash: str = ""
    slug: str = ""  # what `unique_slug` would try first (same rule)


def clean_text(item: WireItem) -> CleanText:
    # The language the item declares tells a lost byte's candidates apart where a short
    # headline has too few words to detect it from (masthead.text.wordchoice).
    lang = item.language or None
    repairs = [f"headline: {r}" for r in explain(item.headline, lang=lang)]
    body_html = item.body_html
    dateline = item.dateline
    lifted, rest = split_dateline(body_html)
    if lifted:
        body_html = rest
        dateline = dateline or lifted
    body = clean_html(body_html, lang=lang)
    repairs += [f"body: {r}" for r in explain(_TAG.sub("", body_html), lang=lang)]
    headline = clean_plain(item.headline, lang=lang)[:300]
    fields = {
        "headline": headline,
        "summary": clean_plain(item.summary, lang=lang),
        "body": body,
        "dateline": clean_plain(dateline)[:200],
        "byline": clean_plain(", ".join(item.bylines))[:300] if item.bylines else "",
        "image_alt": clean_plain(item.image_alt)[:300],
        "credit_line": clean_plain(item.credit)[:200],
        "copyright_notice": clean_plain(item.copyright)[:300],
    }
    return CleanText(
        fields=fields,
        bylines=[b[:150] for b in map(clean_plain, item.bylines) if b],
        repairs=repairs + list(item.notes),
        text_hash=text_fingerprint(headline, body),
        headline_hash=text_fingerprint(headline, ""),
        lead_hash=lead_fingerprint(body),
        slug=slugify(headline)[:192].strip("-") or "story",
    )


def clean_items(entries: list[Any]) -> list[Any]:
    """`clean_text` for every WireItem among `entries`, kept on the item (run in a parse
    helper). An item whose cleaning fails is left for the writer, which reports it."""
    for entry in entries:
        if isinstance(entry, WireItem):
            try:
                entry.cleaned = clean_text(entry)
            except Exception:  # noqa: BLE001 - the writer cleans it again and reports why
                entry.cleaned = None
    return entries


# Wire-style dateline at the start of a story: "RIGA, Latvia (HLW) — ", "LONDON (Reuters) -",
# "PORT ALDER, Ore. — ". The place is in capitals; a region and an agency may follow.
_DATELINE = re.compile(
    r"""^(?P<lead>\s*(?:<p\b[^>]*>\s*)?)
        (?P<city>[^\W\d_](?:[^\W\d_]|[.'’\-\ ]){1,40}?)
        (?P<region>,\s*[^,()<>—–\n]{2,40}?)?
        \s*(?:\((?P<agency>[^()<>]{1,30})\))?
        \s*(?:—|–|--|-)\s""",
    re.X,
)


def split_dateline(body_html: str) -> tuple[str, str]:
    """(dateline, body without it) when the first paragraph opens with one, else ("", body)."""
    m = _DATELINE.match(body_html)
    # The city is in capitals in wire style; that is what tells a dateline from a sentence.
    if not m or m.group("city") != m.group("city").upper() or len(m.group("city").strip()) < 2:
        return "", body_html
    place = " ".join((m.group("city") + (m.group("region") or "")).split())
    return place, m.group("lead") + body_html[m.end() :]


# Markup out of already sanitised HTML (nh3's well-formed output), for fingerprints only. Not
# Django's `strip_tags`: its HTML parser costs more than the rest of a story's cleaning, and a
# fingerprint only needs the words in order.
_TAG = re.compile(r"<[^>]*>")


def text_fingerprint(headline: str, body: str) -> str:
    words = " ".join(_TAG.sub(" ", f"{headline}\n{body}").lower().split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


# The opening paragraph of a story: two wires' versions of one story usually differ in
# headline, byline and tail, but keep the agency's lead paragraph word for word.
LEAD_WORDS = 30
LEAD_MIN_WORDS = 12  # shorter openings ("Updated.", a dateline) say nothing about the story
_WORD = re.compile(r"\w+")


def lead_fingerprint(body: str) -> str:
    """Hash of the body's first paragraph (at most LEAD_WORDS words; case, punctuation and
    markup ignored); blank when it is too short to tell two stories apart by."""
    first = body.split("</p>", 1)[0]
    words = _WORD.findall(_TAG.sub(" ", first).lower())[:LEAD_WORDS]
    if len(words) < LEAD_MIN_WORDS:
        return ""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()

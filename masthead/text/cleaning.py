"""What each kind of field gets at ingest and on editor input.

Repair always comes first: sanitising mojibake would only preserve it, and an entity that
repair decodes must still meet the sanitiser.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import nh3

from masthead.text.repair import repair
from masthead.text.sanitize import CONTENT_DROPPED, sanitize_html


def clean_plain(text: str, *, lang: str | None = None) -> str:
    """Headlines, standfirsts, captions, bylines: repaired plain text, tags stripped.

    The result is *plain text*, not HTML: a literal ``<`` or ``&`` in it is a character the
    reader should see, and the template's auto-escaping is what makes it safe to show.
    Markup in the input is removed (with the content of scripts and styles); entities are
    decoded. ``lang``, the copy's language where known, is passed to :func:`repair`.
    """
    repaired = repair(text, lang=lang)
    if "<" not in repaired and "&" not in repaired:
        return repaired
    stripped = nh3.clean(repaired, tags=set(), clean_content_tags=set(CONTENT_DROPPED))
    return html.unescape(stripped)


def clean_label(text: str, *, lang: str | None = None) -> str:
    """Tag names and other short labels: :func:`clean_plain`, on one line.

    A label is shown inline (a tag page's heading, a feed's category), where a newline or a
    run of spaces left where markup was stripped is only noise.
    """
    return " ".join(clean_plain(text, lang=lang).split())


def clean_html(
    body: str,
    *,
    embed_hosts: Iterable[str] = (),
    own_hosts: Iterable[str] = (),
    lang: str | None = None,
) -> str:
    """Article bodies: repaired, then cut down to the allowlist in :func:`sanitize_html`."""
    return sanitize_html(repair(body, lang=lang), embed_hosts=embed_hosts, own_hosts=own_hosts)

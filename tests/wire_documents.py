"""Builders for the wire documents tests feed to the ingest: RSS 2.0 and ninjs.

Text is escaped as XML text; a story's HTML body goes in `content:encoded` as CDATA, as wire
services send it, so `body` is the way to hand an adapter any markup. Tests that break the
document itself on purpose (entity attacks, truncated or fuzzed XML, the few bytes format
detection reads) write those bytes by hand, beside the test that needs them, so that every
document built here is well formed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

NAMESPACES = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def rss_item(
    *,
    title: str,
    guid: str,
    description: str | None = None,
    body: str | None = None,
    link: str | None = None,
    pub_date: str | None = None,
    creator: str | None = None,
    categories: Iterable[str] = (),
    permalink: bool | None = None,
) -> str:
    """One `<item>`; `pub_date` in RFC 822 form ("Sat, 28 Nov 2026 12:10:00 GMT")."""
    guid_attr = "" if permalink is None else f" isPermaLink={quoteattr(str(permalink).lower())}"
    parts = [f"<title>{escape(title)}</title>", f"<guid{guid_attr}>{escape(guid)}</guid>"]
    if link is not None:
        parts.append(f"<link>{escape(link)}</link>")
    if pub_date is not None:
        parts.append(f"<pubDate>{escape(pub_date)}</pubDate>")
    if creator is not None:
        parts.append(f"<dc:creator>{escape(creator)}</dc:creator>")
    parts += [f"<category>{escape(c)}</category>" for c in categories]
    if description is not None:
        parts.append(f"<description>{escape(description)}</description>")
    if body is not None:
        parts.append(f"<content:encoded><![CDATA[{body}]]></content:encoded>")
    return "<item>" + "".join(parts) + "</item>"


def rss(*items: str, title: str = "W", link: str | None = None) -> bytes:
    """A whole RSS 2.0 feed of `items` (from `rss_item`), UTF-8 with its XML declaration."""
    channel = f"<title>{escape(title)}</title>"
    if link is not None:
        channel += f"<link>{escape(link)}</link>"
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<rss version="2.0" {NAMESPACES}><channel>{channel}{"".join(items)}</channel></rss>'
    ).encode()


def ninjs_story(
    *,
    uri: str,
    headline: str,
    body_html: str,
    version: str = "1",
    versioncreated: str = "2026-11-28T10:00:00Z",
    pubstatus: str = "usable",
    source: str | None = None,
    **extra: object,
) -> dict[str, object]:
    """One ninjs 2 text story (`headlines`, `bodies`, `infosources`); `extra` adds top-level
    fields or replaces the built ones (`headlines=[...]` for a story with several)."""
    story: dict[str, object] = {
        "uri": uri,
        "type": "text",
        "version": version,
        "versioncreated": versioncreated,
        "pubstatus": pubstatus,
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"contenttype": "text/html", "value": body_html}],
    }
    if source is not None:
        story["infosources"] = [{"name": source, "role": "source"}]
    story.update(extra)
    return story


def ninjs(document: dict[str, object] | list[dict[str, object]]) -> bytes:
    """One story (an object) or several (a list) as a ninjs file."""
    return json.dumps(document).encode()


def ninjs_stories(n: int, *, uri_prefix: str, source: str) -> bytes:
    """n new stories, each with a byline and a tag, as one ninjs file; in the flat fields
    (`headline`, `body_html`, `byline`) where `ninjs_story` has ninjs 2's lists."""
    items = [
        {
            "uri": f"{uri_prefix}{i}",
            "version": "1",
            "versioncreated": "2026-11-28T10:00:00Z",
            "headline": f"Story number {i} about the harbour",
            "body_html": f"<p>Body of story {i}.</p>" * 5,
            "byline": f"Reporter {i % 7}",
            "keywords": [f"Topic {i % 11}"],
            "source": source,
        }
        for i in range(n)
    ]
    return ninjs(items)

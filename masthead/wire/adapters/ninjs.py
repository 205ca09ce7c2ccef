"""IPTC ninjs (News in JSON) 1.x, 2.x and 3.x.

Keys are read case-insensitively, because 1.x/2.x spell them lowercase (`versioncreated`) and
3.x camelCase (`versionCreated`). A file may hold one item, a list, or a wrapper with an
`item`/`items` list (BBC's variant).
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import escape

from masthead.wire.adapters.base import (
    Adapter,
    UnchangedCheck,
    content_hash,
    descendants,
    guard,
    inner_xml,
    parse_version,
    parse_when,
    parse_xml,
    register,
)
from masthead.wire.items import (
    Ignored,
    IngestError,
    MalformedInput,
    MissingField,
    ParsedEntry,
    PictureRef,
    PubStatus,
    Subject,
    UnsupportedFormat,
    WireItem,
)

STATUSES = {
    "usable": PubStatus.USABLE,
    "canceled": PubStatus.CANCELED,
    # Not in the schema, but a kill misspelt is still a kill: honouring it is the safe reading.
    "cancelled": PubStatus.CANCELED,
    "withheld": PubStatus.WITHHELD,
}
ITEM_KEYS = {"uri", "guid", "headline", "headlines", "body_html", "bodies", "versioncreated"}


def _lower(d: dict[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in d.items()}


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _named(value: Any) -> str:
    """A string, or an object's name/value (ninjs 3 uses objects where 1.x used strings)."""
    if isinstance(value, dict):
        v = _lower(value)
        return _str(v.get("name")) or _str(v.get("value")) or _str(v.get("literal"))
    if isinstance(value, list):
        return ", ".join(n for n in (_named(v) for v in value) if n)
    return _str(value)


def _plain_to_html(text: str) -> str:
    paras = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paras)


@register
class NinjsAdapter(Adapter):
    name = "ninjs"
    label = "ninjs (JSON)"

    def sniff(self, head: str, data: bytes) -> bool:
        return head[:1] in {"{", "["}

    def parse(self, data: bytes, *, unchanged: UnchangedCheck | None = None) -> list[ParsedEntry]:
        return guard(lambda: self._parse(data))

    def _parse(self, data: bytes) -> list[ParsedEntry]:
        try:
            doc = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MalformedInput(f"malformed JSON: {exc}") from exc
        except RecursionError as exc:
            raise MalformedInput("malformed JSON: nested too deeply") from exc
        if isinstance(doc, list):
            raw_items = doc
        elif isinstance(doc, dict):
            low = _lower(doc)
            wrapped = low.get("item", low.get("items"))
            if isinstance(wrapped, list) and not (ITEM_KEYS & low.keys()):
                raw_items = wrapped
            elif isinstance(wrapped, dict) and not (ITEM_KEYS & low.keys()):
                raw_items = [wrapped]
            elif "data" in low and not (ITEM_KEYS & low.keys()):
                raise UnsupportedFormat("unsupported format: JSON API envelope, not ninjs")
            else:
                raw_items = [doc]
        else:
            raise MalformedInput("JSON is not a ninjs object or list")
        return [self._entry(raw) for raw in raw_items]

    def _entry(self, raw: Any) -> ParsedEntry:
        if not isinstance(raw, dict):
            return MalformedInput("ninjs item is not a JSON object")
        d = _lower(raw)
        guid = _str(d.get("uri")) or _str(d.get("guid")) or _str(d.get("id"))
        try:
            return self._item(d, raw, guid)
        except IngestError as exc:
            exc.guid = exc.guid or guid
            exc.version = exc.version or _str(d.get("version"))
            return exc

    def _item(self, d: dict[str, Any], raw: dict[str, Any], guid: str) -> WireItem:
        canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
        excerpt = canonical[:1500]
        if not guid:
            raise MissingField("ninjs item has no uri or guid", excerpt=excerpt)
        kind = _str(d.get("type")).lower()
        if kind and kind not in {"text", "composite"}:
            raise Ignored(f"{kind} item ignored: not a text story", excerpt=excerpt)
        item = WireItem(
            guid=guid, content_hash=content_hash(canonical), format=self.name, raw_excerpt=excerpt
        )
        raw_version = d.get("version")
        item.version = parse_version(raw_version)
        if raw_version is not None and not isinstance(raw_version, str):
            item.notes.append(f"version {raw_version!r} is not a string; read as {item.version}")
        vc = _str(d.get("versioncreated"))
        item.version_at = parse_when(vc)
        if vc and item.version_at is None:
            item.notes.append(f"unreadable versioncreated {vc!r} ignored")
        item.first_created = parse_when(_str(d.get("firstcreated")))
        status = _str(d.get("pubstatus")).lower() or "usable"
        if status not in STATUSES:
            raise MalformedInput(f"unknown pubstatus {status!r}", excerpt=excerpt)
        item.pubstatus = STATUSES[status]
        embargo = _str(d.get("embargoed"))
        if embargo:
            item.embargo_until = parse_when(embargo)
            if item.embargo_until is None and item.pubstatus == PubStatus.USABLE:
                item.pubstatus = PubStatus.EMBARGOED
                item.notes.append(f"unreadable embargo {embargo!r}: held for an editor")

        item.headline = _str(d.get("headline"))
        for h in d.get("headlines") or []:
            if isinstance(h, dict):
                h = _lower(h)
                if not item.headline or _str(h.get("role")).lower() in {"main", "headline"}:
                    item.headline = _str(h.get("value")) or item.headline
        item.summary = _str(d.get("description_text")) or _str(d.get("description_html"))
        for desc in d.get("descriptions") or []:
            if isinstance(desc, dict) and not item.summary:
                item.summary = _str(_lower(desc).get("value"))
        item.body_html = self._body(d)
        by = d.get("by", d.get("byline"))
        if isinstance(by, list):
            item.bylines = [n for n in (_named(b) for b in by) if n]
        elif _named(by):
            item.bylines = [_named(by)]
        if not item.bylines and isinstance(d.get("bylines"), list):  # ninjs 2.x
            item.bylines = [
                n
                for n in (
                    _str(_lower(b).get("byline")) if isinstance(b, dict) else _str(b)
                    for b in d["bylines"]
                )
                if n
            ]
        authors = d.get("authors")
        if not item.bylines and isinstance(authors, list):
            item.bylines = [n for n in (_named(a) for a in authors) if n]
        located = d.get("located")
        item.dateline = _named(located)
        for subj in (d.get("subjects") or []) + (d.get("subject") or []):
            if isinstance(subj, dict):
                s = _lower(subj)
                code = _str(s.get("code")) or _str(s.get("qcode")) or _str(s.get("uri"))
                scheme = _str(s.get("scheme"))
                if code and scheme and ":" not in code and "/" not in code:
                    code = f"{scheme}:{code}"
                item.subjects.append(Subject(name=_str(s.get("name")), code=code))
            elif isinstance(subj, str):
                item.subjects.append(Subject(name=subj))
        item.keywords = [k for k in (_str(k) for k in d.get("keywords") or []) if k]
        item.copyright = _str(d.get("copyrightnotice"))
        item.credit = _named(d.get("copyrightholder")) or _str(d.get("source"))
        item.provider = _info_source(d) or _str(d.get("source")) or _named(d.get("copyrightholder"))
        if _str(d.get("usageterms")).lower().startswith("fiction"):
            item.is_fiction = True
        item.language = _str(d.get("language"))
        item.ednote = _str(d.get("ednote"))
        if item.ednote.lower().startswith(("correct", "correction")):
            item.correction = item.ednote
        item.canonical_url = _canonical(d)
        item.image_url, item.image_alt = _image(d)
        item.pictures = _pictures(d)
        if not item.headline and item.pubstatus == PubStatus.USABLE:
            raise MissingField("ninjs item has no headline", excerpt=excerpt)
        item.headline = item.headline or guid
        return item

    def _body(self, d: dict[str, Any]) -> str:
        html = _str(d.get("body_html")) or _str(d.get("body_xhtml"))
        if html:
            return html
        plain = ""
        for body in d.get("bodies") or []:
            if not isinstance(body, dict):
                continue
            b = _lower(body)
            ctype = (_str(b.get("contenttype")) or _str(b.get("role"))).lower()
            value = _str(b.get("value"))
            if not value:
                continue
            if "html" in ctype:
                return value
            if "nitf" in ctype:
                try:
                    root = parse_xml(value.encode("utf-8"))
                except IngestError:
                    continue
                content = next(descendants(root, "body.content"), None)
                if content is not None:
                    return inner_xml(content)
            elif not plain:
                plain = value
        plain = plain or _str(d.get("body_text"))
        return _plain_to_html(plain) if plain else ""


def _info_source(d: dict[str, Any]) -> str:
    sources = [_lower(s) for s in d.get("infosources") or [] if isinstance(s, dict)]
    for s in sources:
        if _str(s.get("role")).lower().endswith("source") and _str(s.get("name")):
            return _str(s.get("name"))
    return _str(sources[0].get("name")) if sources else ""


def _canonical(d: dict[str, Any]) -> str:
    for link in d.get("links") or []:
        if isinstance(link, dict):
            link = _lower(link)
            if _str(link.get("rel")).endswith("canonical") and _str(link.get("href")):
                return _str(link.get("href"))
    uri = _str(d.get("uri"))
    return uri if uri.startswith(("http://", "https://")) else ""


def _rendition_href(renditions: Any) -> tuple[str, int | None, int | None]:
    """The largest rendition's href (the original, where the agency sends it), any scheme:
    a relative one is a file delivered beside the item."""
    values = list(renditions.values()) if isinstance(renditions, dict) else renditions or []
    best: tuple[int, str, int | None, int | None] | None = None
    for r in values:
        if not isinstance(r, dict):
            continue
        r = _lower(r)
        href = _str(r.get("href"))
        mime = _str(r.get("contenttype") or r.get("mimetype")).lower()
        if not href or (mime and not mime.startswith("image/")):
            continue
        w, h = r.get("width"), r.get("height")
        width = w if isinstance(w, int) else None
        height = h if isinstance(h, int) else None
        if best is None or (width or 0) > best[0]:
            best = (width or 0, href, width, height)
    return (best[1], best[2], best[3]) if best else ("", None, None)


def _pictures(d: dict[str, Any]) -> list[PictureRef]:
    """ninjs `associations` of type picture, each at its largest rendition, with the
    association's caption (description), alt (1.x `description_text`, 3.0 `altText`...),
    byline as credit and copyright."""
    assoc = d.get("associations")
    candidates = list(assoc.values()) if isinstance(assoc, dict) else assoc or []
    found = []
    for a in candidates:
        if not isinstance(a, dict):
            continue
        a = _lower(a)
        if _str(a.get("type")).lower() not in {"picture", "image", "graphic"}:
            continue
        href, width, height = _rendition_href(a.get("renditions"))
        if not href:
            continue
        descriptions = a.get("descriptions")
        caption = _str(a.get("body_text")) or _str(a.get("description_text"))
        if not caption and isinstance(descriptions, list):
            caption = next((_str(x.get("value")) for x in descriptions if isinstance(x, dict)), "")
        alt = (
            _str(a.get("alttext"))
            or _str(a.get("description_text"))
            or _str(a.get("headline"))
            or caption
        )
        found.append(
            PictureRef(
                href=href,
                caption=caption,
                alt=" ".join(alt.split())[:300],
                credit=_str(a.get("byline")) or _named(a.get("by")) or _str(a.get("by")),
                copyright=_str(a.get("copyrightnotice")),
                guid=_str(a.get("uri") or a.get("guid")),
                width=width,
                height=height,
            )
        )
    return found


def _image(d: dict[str, Any]) -> tuple[str, str]:
    assoc = d.get("associations")
    candidates = list(assoc.values()) if isinstance(assoc, dict) else assoc or []
    for a in candidates:
        if not isinstance(a, dict):
            continue
        a = _lower(a)
        if _str(a.get("type")).lower() not in {"picture", "image"}:
            continue
        renditions = a.get("renditions")
        href = ""
        if isinstance(renditions, dict):
            for r in renditions.values():
                if isinstance(r, dict) and _str(_lower(r).get("href")).startswith("http"):
                    href = _str(_lower(r).get("href"))
                    break
        elif isinstance(renditions, list):
            for r in renditions:
                if isinstance(r, dict) and _str(_lower(r).get("href")).startswith("http"):
                    href = _str(_lower(r).get("href"))
                    break
        if href:
            alt = _str(a.get("description_text")) or _str(a.get("headline"))
            return href, alt
    return "", ""

"""IPTC NewsML-G2: newsItem (text), newsMessage (several items), packageItem, picture newsItems,
knowledge/concept items (ignored).

A package groups a story with its pictures: its main group's text itemRef is the story, its
picture itemRefs the story's pictures, lead first. A package and the items it names arrive in
one newsMessage (as Reuters and most agencies send them), and there the story's `pictures` are
filled from the picture items beside it; the package and picture items themselves are then
noted as skipped, with what they were used for. A package and picture items sent in separate
files are handed over as `PackageItem` and `PictureItem` (skipped as stories) and joined in
the database, in either order (`masthead.wire.packages`)."""

from __future__ import annotations

from django.utils.html import escape
from lxml import etree

from masthead.wire.adapters.base import (
    Adapter,
    UnchangedCheck,
    child,
    children,
    descendants,
    element_hash,
    guard,
    inner_xml,
    localname,
    parse_version,
    parse_when,
    parse_xml,
    register,
    root_name,
    text_of,
)
from masthead.wire.items import (
    Ignored,
    IngestError,
    MalformedInput,
    MissingField,
    PackageItem,
    ParsedEntry,
    PictureItem,
    PictureRef,
    PubStatus,
    Subject,
    Unchanged,
    WireItem,
)

NAR = "http://iptc.org/std/nar/2006-10-01/"
ITEM_ROOTS = {
    "newsItem",
    "packageItem",
    "newsMessage",
    "knowledgeItem",
    "conceptItem",
    "planningItem",
    "catalogItem",
}
# Fragments of NewsML-G2 documents (as in the IPTC spec's listings): recognised, then refused.
FRAGMENT_ROOTS = {"groupSet", "contentMeta", "contentSet", "itemMeta", "itemSet"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _qcode_value(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return (el.get("qcode") or el.get("literal") or el.get("uri") or "").strip()


def _name(el: etree._Element | None, lang: str = "en") -> str:
    """An element's <name>, preferring English, else its text."""
    if el is None:
        return ""
    names = list(children(el, "name"))
    for n in names:
        if (n.get(XML_LANG) or "").lower().startswith(lang):
            return text_of(n)
    if names:
        return text_of(names[0])
    return text_of(el)


@register
class NewsMLG2Adapter(Adapter):
    name = "newsml_g2"
    label = "NewsML-G2"

    def sniff(self, head: str, data: bytes) -> bool:
        root = root_name(head)
        if root in ITEM_ROOTS:
            return True
        return root in FRAGMENT_ROOTS and NAR in head

    def parse(self, data: bytes, *, unchanged: UnchangedCheck | None = None) -> list[ParsedEntry]:
        return guard(lambda: self._parse(data, unchanged))

    def _parse(self, data: bytes, unchanged: UnchangedCheck | None) -> list[ParsedEntry]:
        root = parse_xml(data)
        kind = localname(root)
        if kind == "newsMessage":
            items = [el for el in root.iter() if localname(el) in ITEM_ROOTS - {"newsMessage"}]
            if not items:
                raise MissingField("newsMessage carries no items")
        elif kind in ITEM_ROOTS:
            items = [root]
        else:
            items = []
        if items:
            # Hash first, ask which items are stored unchanged, and only read the others.
            keyed = [((el.get("guid") or "").strip(), element_hash(el), el) for el in items]
            skip = unchanged([(g, h) for g, h, _ in keyed if g]) if unchanged else set()
            entries = [
                Unchanged(guid=g, content_hash=h, version_label=el.get("version") or "")
                if g and g in skip
                else self._entry(el, h)
                for g, h, el in keyed
            ]
            _join_packages(items, entries)
            return entries
        raise MissingField(
            f"NewsML-G2 fragment (root <{kind}>) is not an item: no guid, version or itemMeta"
        )

    def _entry(self, el: etree._Element, chash: str) -> ParsedEntry:
        guid = (el.get("guid") or "").strip()
        version = el.get("version") or ""
        try:
            return self._item(el, guid, chash)
        except IngestError as exc:
            exc.guid = exc.guid or guid
            exc.version = exc.version or version
            return exc

    def _item(self, el: etree._Element, guid: str, chash: str) -> WireItem:
        kind = localname(el)
        excerpt = etree.tostring(el, encoding="unicode")[:1500]
        if kind == "packageItem":
            refs = list(descendants(el, "itemRef"))
            stories, pictures = _package_refs(refs)
            raise PackageItem(
                f"packageItem ignored: its {len(refs)} referenced item(s) are ingested as their "
                "own newsItems",
                excerpt=excerpt,
                stories=stories,
                pictures=pictures,
                **_agency(el),
            )
        if kind != "newsItem":
            raise Ignored(f"{kind} ignored: not a news story", excerpt=excerpt)
        if not guid:
            raise MissingField("newsItem has no guid", excerpt=excerpt)
        item_meta = child(el, "itemMeta")
        content_meta = child(el, "contentMeta")
        if item_meta is None:
            raise MissingField("newsItem has no itemMeta", excerpt=excerpt)
        item_class = _qcode_value(child(item_meta, "itemClass")).lower()
        if item_class.endswith(":picture"):
            raise PictureItem(
                f"{item_class} item ignored: not a text story",
                excerpt=excerpt,
                picture=picture_ref(el),
                **_agency(el),
            )
        if item_class and not item_class.endswith(":text") and "text" not in item_class:
            raise Ignored(f"{item_class} item ignored: not a text story", excerpt=excerpt)

        item = WireItem(guid=guid, content_hash=chash, format=self.name, raw_excerpt=excerpt)
        raw_version = el.get("version")
        item.version = parse_version(raw_version)
        item.version_at = parse_when(text_of(child(item_meta, "versionCreated")))
        item.first_created = parse_when(text_of(child(item_meta, "firstCreated")))
        embargo = text_of(child(item_meta, "embargoed"))
        status = _qcode_value(child(item_meta, "pubStatus")).split(":")[-1].lower()
        if status in {"canceled", "cancelled"}:
            item.pubstatus = PubStatus.CANCELED
        elif status == "withheld":
            item.pubstatus = PubStatus.WITHHELD
        elif status in {"", "usable"}:
            item.pubstatus = PubStatus.USABLE
        else:
            raise MalformedInput(f"unknown pubStatus {status!r}", excerpt=excerpt)
        if embargo:
            item.embargo_until = parse_when(embargo)
            if item.embargo_until is None and item.pubstatus == PubStatus.USABLE:
                item.pubstatus = PubStatus.EMBARGOED
                item.notes.append(f"unreadable embargo time {embargo!r}: held for an editor")
        provider = child(item_meta, "provider")
        item.provider = _name(provider) if provider is not None and len(provider) else ""
        if not item.provider and provider is not None:
            item.provider = _qcode_value(provider).split(":")[-1]
        ednotes = [text_of(n) for n in children(item_meta, "edNote")]
        ednotes += [text_of(n) for n in children(item_meta, "ednote")]
        item.ednote = " ".join(n for n in ednotes if n)
        signals = {_qcode_value(s).lower() for s in children(item_meta, "signal")}
        if "sig:correction" in signals:
            item.correction = item.ednote or "This story has been corrected."
        for link in children(item_meta, "link"):
            if (link.get("rel") or "").endswith("canonical") and link.get("href"):
                item.canonical_url = link.get("href", "")

        rights = child(el, "rightsInfo")
        if rights is not None:
            item.copyright = text_of(child(rights, "copyrightNotice"))
            holder = _name(child(rights, "copyrightHolder"))
            item.credit = holder
        item.language = el.get(XML_LANG) or ""
        if content_meta is not None:
            self._content_meta(content_meta, item)
        body = self._body(child(el, "contentSet"), item)
        item.body_html = body
        if not item.headline and item.pubstatus == PubStatus.USABLE:
            raise MissingField("newsItem has no headline", excerpt=excerpt)
        if not item.headline:
            item.headline = item.summary[:200] or guid
        return item

    def _content_meta(self, cm: etree._Element, item: WireItem) -> None:
        headlines = list(children(cm, "headline"))
        if headlines:
            item.headline = text_of(headlines[0])
        for desc in children(cm, "description"):
            role = desc.get("role") or ""
            if not item.summary or role.endswith("summary"):
                item.summary = text_of(desc)
        item.dateline = text_of(child(cm, "dateline"))
        located = child(cm, "located")
        if located is not None:
            city = _name(located)
            if not item.dateline and city:
                item.dateline = city
            for broader in descendants(located, "broader"):
                qcode = broader.get("qcode") or ""
                if qcode.lower().startswith("iso3166-1a2:"):
                    item.country_code = qcode.split(":", 1)[1].upper()
        item.bylines = [b for b in (_name(c) for c in children(cm, "creator")) if b]
        by = text_of(child(cm, "by"))
        if by and not item.bylines:
            item.bylines = [by]
        for subj in children(cm, "subject"):
            code = _qcode_value(subj)
            item.subjects.append(Subject(name=_name(subj), code=code))
            for broader in children(subj, "broader"):
                qcode = broader.get("qcode") or ""
                if qcode:
                    item.subjects.append(Subject(name=_name(broader), code=qcode))
        item.keywords = [k for k in (text_of(k) for k in children(cm, "keyword")) if k]
        lang = child(cm, "language")
        if lang is not None and lang.get("tag"):
            item.language = lang.get("tag", "")
        credit = text_of(child(cm, "creditline"))
        if credit:
            item.credit = credit

    def _body(self, content_set: etree._Element | None, item: WireItem) -> str:
        if content_set is None:
            return ""
        for inline in children(content_set, "inlineXML"):
            nitf_body = next(descendants(inline, "body.content"), None)
            if nitf_body is not None:
                if not item.headline:
                    item.headline = text_of(next(descendants(inline, "hl1"), None))
                return inner_xml(nitf_body)
            xhtml_body = next(descendants(inline, "body"), None)
            return inner_xml(xhtml_body if xhtml_body is not None else inline)
        for inline in children(content_set, "inlineData"):
            text = (inline.text or "").strip()
            if text:
                paras = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
                return "".join(f"<p>{escape(p)}</p>" for p in paras)
        return ""


def _agency(el: etree._Element) -> dict[str, str]:
    """An item's provider, credit and copyright, as a story's are read (for its source)."""
    item_meta = child(el, "itemMeta")
    provider = child(item_meta, "provider") if item_meta is not None else None
    name = _name(provider) if provider is not None and len(provider) else ""
    if not name and provider is not None:
        name = _qcode_value(provider).split(":")[-1]
    rights = child(el, "rightsInfo")
    credit = _name(child(rights, "copyrightHolder")) if rights is not None else ""
    cm = child(el, "contentMeta")
    credit = (text_of(child(cm, "creditline")) if cm is not None else "") or credit
    copyright = text_of(child(rights, "copyrightNotice")) if rights is not None else ""
    return {"provider": name, "credit": credit, "copyright": copyright}


def _package_refs(refs: list[etree._Element]) -> tuple[list[str], list[str]]:
    """A package's text and picture itemRefs' guids, each in the package's order."""
    texts: list[str] = []
    pictures: list[str] = []
    for r in refs:
        residref = (r.get("residref") or "").strip()
        item_class = _qcode_value(child(r, "itemClass")).lower()
        if not residref:
            continue
        if item_class.endswith(":text") and residref not in texts:
            texts.append(residref)
        elif item_class.endswith(":picture") and residref not in pictures:
            pictures.append(residref)
    return texts, pictures


def _is_picture(el: etree._Element) -> bool:
    item_meta = child(el, "itemMeta")
    return localname(el) == "newsItem" and _qcode_value(
        child(item_meta, "itemClass")
    ).lower().endswith(":picture")


def picture_ref(el: etree._Element) -> PictureRef | None:
    """A picture newsItem as a PictureRef: its largest image rendition's href (remote, or a
    file beside the message), its caption, headline (the alt text), credit and rights."""
    content_set = child(el, "contentSet")
    best: tuple[int, str, int | None, int | None] | None = None
    for rc in children(content_set, "remoteContent") if content_set is not None else []:
        href = (rc.get("href") or "").strip()
        mime = (rc.get("contenttype") or "").lower()
        if not href or (mime and not mime.startswith("image/")):
            continue
        width, height = parse_version(rc.get("width")), parse_version(rc.get("height"))
        if best is None or (width or 0) > best[0]:
            best = (width or 0, href, width, height)
    if best is None:
        return None
    cm = child(el, "contentMeta")
    caption = ""
    for desc in children(cm, "description") if cm is not None else []:
        if (desc.get("role") or "").endswith("caption") or not caption:
            caption = text_of(desc)
    headline = text_of(child(cm, "headline"))
    credit = text_of(child(cm, "creditline")) or text_of(child(cm, "by"))
    rights = child(el, "rightsInfo")
    return PictureRef(
        href=best[1],
        caption=caption,
        alt=(headline or caption)[:300],
        credit=credit,
        copyright=text_of(child(rights, "copyrightNotice")),
        guid=(el.get("guid") or "").strip(),
        width=best[2],
        height=best[3],
    )


def _join_packages(items: list[etree._Element], entries: list[ParsedEntry]) -> None:
    """Give each story a package in this message names its pictures (see the module's note)."""
    pictures = {
        (el.get("guid") or "").strip(): el for el in items if _is_picture(el) and el.get("guid")
    }
    stories = {e.guid: e for e in entries if isinstance(e, WireItem)}
    used: dict[str, str] = {}
    joined: set[int] = set()
    for index, el in enumerate(items):
        if localname(el) != "packageItem":
            continue
        refs = list(descendants(el, "itemRef"))
        texts = [
            r.get("residref", "")
            for r in refs
            if _qcode_value(child(r, "itemClass")).lower().endswith(":text")
        ]
        story = next((stories[g] for g in texts if g in stories), None)
        if story is None:
            continue
        joined.add(index)
        for r in refs:
            picture = pictures.get(r.get("residref", ""))
            ref = picture_ref(picture) if picture is not None else None
            if ref is not None and all(p.href != ref.href for p in story.pictures):
                story.pictures.append(ref)
                used[ref.guid] = story.guid
    for index, entry in enumerate(entries):
        if isinstance(entry, Ignored) and entry.guid in used:
            entry.reason = f"picture item: the picture of story {used[entry.guid]}"
        # Joined here: a plain note, not a package or picture to join in the database.
        if isinstance(entry, PictureItem | PackageItem) and (index in joined or entry.guid in used):
            entries[index] = Ignored(
                entry.reason, guid=entry.guid, version=entry.version, excerpt=entry.excerpt
            )

"""IPTC NITF 3.x (with or without its namespace). Kill is docdata's management-status
"canceled"; a document naming another in management-doc-idref replaces (updates) it."""

from __future__ import annotations

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
    IngestError,
    MalformedInput,
    MissingField,
    ParsedEntry,
    PictureRef,
    PubStatus,
    Subject,
    WireItem,
)

STATUSES = {
    "usable": PubStatus.USABLE,
    "canceled": PubStatus.CANCELED,
    "cancelled": PubStatus.CANCELED,
    "withheld": PubStatus.WITHHELD,
    "embargoed": PubStatus.EMBARGOED,
}


@register
class NITFAdapter(Adapter):
    name = "nitf"
    label = "NITF 3.x"

    def sniff(self, head: str, data: bytes) -> bool:
        return root_name(head) == "nitf"

    def parse(self, data: bytes, *, unchanged: UnchangedCheck | None = None) -> list[ParsedEntry]:
        return guard(lambda: self._parse(data))

    def _parse(self, data: bytes) -> list[ParsedEntry]:
        root = parse_xml(data)
        if localname(root) != "nitf":
            raise MalformedInput(f"not an NITF document (root <{localname(root)}>)")
        try:
            return [self._item(root)]
        except IngestError as exc:
            return [exc]

    def _item(self, root: etree._Element) -> WireItem:
        excerpt = etree.tostring(root, encoding="unicode")[:1500]
        head = child(root, "head")
        body = child(root, "body")
        docdata = child(head, "docdata")
        doc_id = child(docdata, "doc-id")
        chash = element_hash(root)
        guid = (doc_id.get("id-string") or "").strip() if doc_id is not None else ""
        item = WireItem(guid=guid, content_hash=chash, format=self.name, raw_excerpt=excerpt)
        if not guid:
            # Without a doc-id the document's own content is the only stable identity: a
            # re-sent identical file is then recognised, though an update cannot be.
            item.guid = f"nitf-sha256:{chash[:32]}"
            item.notes.append("no doc-id: identified by its content")
        if docdata is not None:
            status = (docdata.get("management-status") or "usable").strip().lower()
            if status not in STATUSES:
                raise MalformedInput(f"unknown management-status {status!r}", guid=item.guid)
            item.pubstatus = STATUSES[status]
            idref = (docdata.get("management-doc-idref") or "").strip()
            if idref and idref != item.guid:
                item.replaces = idref
            issued = child(docdata, "date.issue")
            if issued is not None:
                item.version_at = parse_when(issued.get("norm"))
            release = child(docdata, "date.release")
            if release is not None and release.get("norm"):
                when = parse_when(release.get("norm"))
                if when is None:
                    item.notes.append(f"unreadable date.release {release.get('norm')!r} ignored")
                elif item.version_at is None or when > item.version_at:
                    item.embargo_until = when
            du_key = child(docdata, "du-key")
            if du_key is not None:
                item.version = parse_version(du_key.get("version"))
            copyright_el = child(docdata, "doc.copyright")
            if copyright_el is not None and copyright_el.get("holder"):
                holder = " ".join(copyright_el.get("holder", "").split())
                year = copyright_el.get("year", "")
                item.copyright = f"© {year} {holder}".replace("  ", " ").strip()
                item.credit = holder
            item.ednote = " ".join(
                (m.get("info") or text_of(m)).strip() for m in children(docdata, "ed-msg")
            ).strip()
            evloc = child(docdata, "evloc")
            if evloc is not None:
                item.country_code = (evloc.get("iso-cc") or "").upper()
            for kw in descendants(docdata, "keyword"):
                if kw.get("key"):
                    item.keywords.append(kw.get("key", ""))
        if item.pubstatus == PubStatus.EMBARGOED and item.embargo_until is not None:
            item.pubstatus = PubStatus.USABLE
        for subj in descendants(head, "tobject.subject") if head is not None else []:
            refnum = subj.get("tobject.subject.refnum") or ""
            name = (
                subj.get("tobject.subject.detail")
                or subj.get("tobject.subject.matter")
                or subj.get("tobject.subject.type")
                or ""
            )
            item.subjects.append(Subject(name=name, code=f"subj:{refnum}" if refnum else ""))
        item.language = root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
        if body is not None:
            body_head = child(body, "body.head")
            hedline = child(body_head, "hedline")
            item.headline = text_of(child(hedline, "hl1"))
            item.summary = text_of(child(body_head, "abstract"))
            bylines = []
            for byline in children(body_head, "byline") if body_head is not None else []:
                persons = [text_of(p) for p in descendants(byline, "person")]
                bylines += [p for p in persons if p] or [text_of(byline)]
            item.bylines = [b for b in bylines if b]
            dateline = child(body_head, "dateline")
            if dateline is not None:
                location = child(dateline, "location")
                item.dateline = text_of(location) if location is not None else text_of(dateline)
            item.credit = text_of(child(body_head, "distributor")) or item.credit
            content = child(body, "body.content")
            if content is not None:
                item.pictures = _pictures(content)
                for media in list(descendants(content, "media")):
                    media.getparent().remove(media)  # a picture is the library's, not body text
                item.body_html = inner_xml(content)
        if not item.headline:
            item.headline = text_of(child(head, "title"))
        if not item.headline and item.pubstatus == PubStatus.USABLE:
            raise MissingField("NITF document has no headline", guid=item.guid, excerpt=excerpt)
        item.headline = item.headline or item.guid
        return item


def _pictures(content: etree._Element) -> list[PictureRef]:
    """NITF `media` (media-type image or photo) at its largest `media-reference`, with
    `media-caption` and `media-producer` (the credit)."""
    found = []
    for media in descendants(content, "media"):
        if (media.get("media-type") or "").lower() not in {"image", "photo", "graphic"}:
            continue
        best: tuple[int, etree._Element] | None = None
        for ref in descendants(media, "media-reference"):
            if not (ref.get("source") or ref.get("data-location")):
                continue
            width = parse_version(ref.get("width")) or 0
            if best is None or width > best[0]:
                best = (width, ref)
        if best is None:
            continue
        ref = best[1]
        caption = text_of(child(media, "media-caption"))
        producers = [text_of(p) for p in children(media, "media-producer")]
        found.append(
            PictureRef(
                href=(ref.get("source") or ref.get("data-location") or "").strip(),
                caption=caption,
                alt=(ref.get("alternate-text") or caption)[:300].strip(),
                credit=", ".join(p for p in producers if p),
                width=parse_version(ref.get("width")),
                height=parse_version(ref.get("height")),
            )
        )
    return found

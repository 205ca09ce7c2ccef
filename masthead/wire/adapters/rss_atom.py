"""RSS 0.9x/1.0/2.0 and Atom, through feedparser (which copes with the ill-formed feeds real
publishers serve). RSS has no kill: an item leaving the feed is not a withdrawal.

feedparser parses ~2,000 items/s; to keep re-polling an unchanged feed cheap, a well-formed feed
is first pre-screened with lxml: each item's canonical bytes are hashed and items already stored
with that hash are dropped before feedparser sees the document.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import feedparser
from django.utils.html import strip_tags
from lxml import etree

from masthead.wire import parallel
from masthead.wire.adapters.base import (
    Adapter,
    Batches,
    Prepare,
    UnchangedCheck,
    child,
    content_hash,
    element_hash,
    guard,
    localname,
    parse_xml,
    refuse_entities,
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
    Subject,
    Unchanged,
    UnsupportedFormat,
    WireItem,
)

# FeedParserDict.get maps legacy key names first; for the keys read here (none of them legacy
# or computed, unlike "enclosures") the plain dict lookup returns the same and costs a tenth.
_get = dict.get
FICTION_DOMAIN = "https://masthead.example/ns/fiction"
ITEM_NAMES = {"item", "entry"}
MRSS = "http://search.yahoo.com/mrss/"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pictures(entry: Any) -> list[PictureRef]:
    """Media RSS `media:content` (medium or type image) and `media:thumbnail`, then image
    enclosures: the first is the lead. feedparser folds `media:description` into the summary
    (or the content), so the captions are read from the item's XML (`_MediaText`)."""
    credits = [c.get("content", "") for c in _get(entry, "media_credit") or [] if c.get("content")]
    credit = ", ".join(dict.fromkeys(credits))
    alt = " ".join(str(_get(entry, "media_text") or "").split())
    found: list[PictureRef] = []
    for media in _get(entry, "media_content") or []:
        kind = (media.get("medium") or "").lower()
        mime = (media.get("type") or "").lower()
        # Neither given (the Guardian's feeds): a picture, as Media RSS readers take it.
        if media.get("url") and (kind in {"", "image"} and (not mime or mime.startswith("image/"))):
            found.append(
                PictureRef(
                    href=media["url"].strip(),
                    alt=alt,
                    credit=credit,
                    width=_int(media.get("width")),
                    height=_int(media.get("height")),
                )
            )
    for enclosure in entry.get("enclosures") or []:
        if (enclosure.get("type") or "").lower().startswith("image/") and enclosure.get("href"):
            found.append(PictureRef(href=enclosure["href"].strip(), alt=alt, credit=credit))
    if not found:
        for thumb in _get(entry, "media_thumbnail") or []:
            if thumb.get("url"):
                found.append(PictureRef(href=thumb["url"].strip(), alt=alt, credit=credit))
    # One picture at several sizes (the Guardian's 140- and 460-wide media:content, the same
    # path with other query strings): the widest stands for it, in the first one's place.
    widest: dict[str, PictureRef] = {}
    for p in found:
        key = p.href.split("?", 1)[0]
        if key not in widest or (p.width or 0) > (widest[key].width or 0):
            widest[key] = p
    order = list(dict.fromkeys(p.href.split("?", 1)[0] for p in found))
    return [widest[key] for key in order]


def _words(text: str) -> str:
    return " ".join(html.unescape(strip_tags(text)).split())


@dataclass
class _MediaText:
    """An item's Media RSS descriptions as its XML has them, which feedparser loses: each
    `media:content`'s own (by URL, its query string dropped), the item's or its
    `media:group`'s (for every picture), and all of them, to tell a caption feedparser took
    for the story's summary or body from the story's own text."""

    by_url: dict[str, str] = field(default_factory=dict)
    shared: str = ""
    texts: set[str] = field(default_factory=set)
    has_description: bool = False  # the item's own <description> or <summary>

    @classmethod
    def of(cls, item: etree._Element) -> _MediaText:
        own = {"description", "summary"}
        found = cls(
            has_description=any(
                localname(c) in own and not str(c.tag).startswith(f"{{{MRSS}}}") for c in item
            )
        )
        for el in item.iter(f"{{{MRSS}}}description"):
            text = _words("".join(el.itertext()))
            if not text:
                continue
            found.texts.add(text)
            parent = el.getparent()
            if parent is not None and parent.tag == f"{{{MRSS}}}content" and parent.get("url"):
                found.by_url.setdefault(parent.get("url", "").strip().split("?", 1)[0], text)
            elif not found.shared:
                found.shared = text
        return found

    def caption(self, href: str) -> str:
        return self.by_url.get(href.split("?", 1)[0], self.shared)


def _media_texts(data: bytes, items: list[etree._Element] | None) -> list[_MediaText] | None:
    """Each item's `_MediaText`, from the pre-screen's elements or, for a chunk a helper
    process reads, from its own parse; None when the document has no Media RSS description
    (the usual case: two byte searches) or cannot be read so."""
    if MRSS.encode() not in data or b"description" not in data:
        return None
    if items is None:
        try:
            root = parse_xml(data)
        except IngestError:
            return None
        items = [el for el in root.iter() if localname(el) in ITEM_NAMES]
    return [_MediaText.of(el) for el in items]


def _when(struct: Any) -> dt.datetime | None:
    if not struct:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(struct), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _prescreen_guid(el: etree._Element) -> str:
    for name in ("guid", "id"):
        found = child(el, name)
        if found is not None and text_of(found):
            return text_of(found)
    link = child(el, "link")
    if link is not None:
        return (link.get("href") or text_of(link)).strip()
    return ""


_DECLARATION = re.compile(rb"\s*<\?xml([^>]*)\?>")
_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([^\"']*)", re.I)


def _plain_utf8(data: bytes) -> bool:
    """Whether `data` is valid UTF-8 declared as such (or undeclared), so that lxml read these
    very bytes and feedparser, given them, sees the same text."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    declaration = _DECLARATION.match(data)
    if declaration is not None:
        encoding = _ENCODING.search(declaration.group(1))
        if encoding is not None and encoding.group(1).lower() not in {b"utf-8", b"utf8"}:
            return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@register
class RssAtomAdapter(Adapter):
    name = "rss_atom"
    label = "RSS / Atom"

    def sniff(self, head: str, data: bytes) -> bool:
        return root_name(head) in {"rss", "RDF", "feed", "channel"}

    def parse(self, data: bytes, *, unchanged: UnchangedCheck | None = None) -> list[ParsedEntry]:
        return guard(lambda: self._parse(data, unchanged))

    def _parse(self, data: bytes, unchanged: UnchangedCheck | None) -> list[ParsedEntry]:
        screened = _screen(data, unchanged)
        if screened.data is None:
            return screened.unchanged
        items = screened.items if screened.root is not None else None
        return screened.unchanged + _read(screened.data, screened.hashes, items)

    def parse_batches(
        self,
        data: bytes,
        *,
        unchanged: UnchangedCheck | None = None,
        prepare: Prepare | None = None,
    ) -> Batches:
        """Big well-formed documents are cut into chunks that helper processes parse (and
        `prepare`) while the writer stores the chunks before them (`masthead.wire.parallel`)."""
        screened = guard(lambda: _screen(data, unchanged))
        document = screened.data
        if document is None:
            return Batches(len(screened.unchanged), iter([screened.unchanged]))
        jobs = None
        if len(screened.items) >= PARALLEL_MIN_ITEMS and parallel.parse_processes():
            jobs = _chunk_documents(screened.root, screened.items, screened.hashes, prepare)
        if jobs is None:
            items = screened.items if screened.root is not None else None
            entries = screened.unchanged + guard(lambda: _read(document, screened.hashes, items))
            return Batches(len(entries), iter([entries]))
        lists = parallel.ordered_map(_read_chunk, jobs)
        if screened.unchanged:
            lists = itertools.chain([screened.unchanged], lists)
        return Batches(len(screened.unchanged) + len(screened.items), lists)

    def _entry(
        self, entry: Any, feed: Any, chash: str, mrss: _MediaText | None = None
    ) -> ParsedEntry:
        title = (_get(entry, "title") or "").strip()
        link = (_get(entry, "link") or "").strip()
        guid = (_get(entry, "id") or "").strip() or link
        published = _when(_get(entry, "published_parsed"))
        # dict.get bypasses feedparser's deprecated updated->published fallback mapping.
        updated = _when(dict.get(entry, "updated_parsed"))
        if not chash:
            chash = content_hash(repr(sorted((k, str(v)) for k, v in entry.items())))
        if not guid:
            guid = f"rss-sha256:{content_hash(title, entry.get('summary') or '')[:32]}"
        if not title:
            # RSS requires a title or a description; a description-only item gets its opening
            # words as a headline rather than being lost.
            words = strip_tags(_get(entry, "summary") or "").split()
            title = " ".join(words[:14]) + (" …" if len(words) > 14 else "")
        if not title:
            return MissingField("feed item has neither title nor description", guid=guid)
        item = WireItem(guid=guid, content_hash=chash, format=self.name)
        item.headline = title
        item.version_at = updated or published
        item.first_created = published
        contents = _get(entry, "content") or []
        description = _get(entry, "summary") or ""
        if mrss is not None and mrss.texts:
            # A picture's caption is neither the story's body nor, unless the item says so
            # in its own description, its summary.
            contents = [c for c in contents if _words(c.get("value", "")) not in mrss.texts]
            if not mrss.has_description and _words(description) in mrss.texts:
                description = ""
        if contents:
            item.body_html = contents[0].get("value", "")
            item.summary = description if description != item.body_html else ""
        else:
            item.body_html = description
        authors = [a.get("name", "").strip() for a in _get(entry, "authors") or []]
        author = _get(entry, "author") or ""
        item.bylines = [a for a in authors if a] or ([author] if author else [])
        for tag in _get(entry, "tags") or []:
            term = (tag.get("term") or tag.get("label") or "").strip()
            scheme = (tag.get("scheme") or "").strip()
            if scheme.rstrip("/") == FICTION_DOMAIN:
                item.is_fiction = True
            elif term:
                item.keywords.append(term)
                if scheme and any(c.isdigit() for c in term) and term.replace(":", "").isalnum():
                    item.subjects.append(Subject(name=term, code=term))
        item.canonical_url = link
        item.copyright = (_get(entry, "rights") or _get(feed, "rights") or "").strip()
        # A channel title often names the section too ("Harbor Light Wire — U.S."); the source
        # is the part before the separator, so one agency's feeds share one Source.
        title = (_get(feed, "title") or "").strip()
        item.provider = re.split(r"\s+[—–|:-]\s+", title, maxsplit=1)[0].strip()
        item.language = (_get(entry, "language") or _get(feed, "language") or "").strip()
        item.pictures = _pictures(entry)
        if mrss is not None:
            for picture in item.pictures:
                picture.caption = picture.caption or mrss.caption(picture.href)
        for media in (_get(entry, "media_content") or []) + (_get(entry, "media_thumbnail") or []):
            url = media.get("url", "")
            if url.startswith(("http://", "https://")):
                item.image_url = url
                break
        if not item.image_url:
            for enclosure in entry.get("enclosures") or []:
                if (enclosure.get("type") or "").startswith("image/") and enclosure.get("href"):
                    item.image_url = enclosure["href"]
                    break
        item.raw_excerpt = (title + "\n" + description)[:1500]
        return item


# A document with fewer items left to parse is parsed in one go: below this, starting a helper
# process and pickling its results costs more than the overlap saves.
PARALLEL_MIN_ITEMS = 300
FIRST_CHUNK = 25  # small, so that the writer starts at once
CHUNK = 100
_MARK = "masthead-items"


@dataclass
class _Screened:
    """A document after lxml's pre-screen: the items already stored unchanged (dropped), and
    what feedparser still has to read."""

    unchanged: list[ParsedEntry]
    data: bytes | None  # the document for feedparser; None when nothing is left to read
    hashes: list[str] | None = None  # content hashes of the items left, in order
    root: etree._Element | None = None  # lxml's tree, for well-formed documents
    items: list[etree._Element] = field(default_factory=list)  # the items left in it


def _screen(data: bytes, unchanged: UnchangedCheck | None) -> _Screened:
    refuse_entities(data)
    entries: list[ParsedEntry] = []
    try:
        root = parse_xml(data)
    except IngestError:
        # Ill-formed: feedparser's lenient parser takes the whole document.
        return _Screened(unchanged=entries, data=data)
    elements = [el for el in root.iter() if localname(el) in ITEM_NAMES]
    keyed = [(_prescreen_guid(el), element_hash(el), el) for el in elements]
    skip = unchanged([(g, h) for g, h, _ in keyed if g]) if unchanged else set()
    hashes: list[str] = []
    items: list[etree._Element] = []
    for guid, chash, el in keyed:
        if guid and guid in skip:
            entries.append(Unchanged(guid=guid, content_hash=chash))
            el.getparent().remove(el)
        else:
            hashes.append(chash)
            items.append(el)
    if not hashes:
        return _Screened(unchanged=entries, data=None)
    # Feedparser reads the document lxml read: re-serialised when items were screened out or
    # lxml had to mend the encoding, else the same bytes (spares a serialisation).
    if entries or not _plain_utf8(data):
        data = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)
    return _Screened(unchanged=entries, data=data, hashes=hashes, root=root, items=items)


def _read(
    data: bytes, hashes: list[str] | None, items: list[etree._Element] | None = None
) -> list[ParsedEntry]:
    """feedparser's reading of a whole document (or of one chunk of one); `items`, the
    pre-screen's elements of the items left, in order, spare a second XML parse."""
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom feed found"
        raise UnsupportedFormat(f"not a feed: {reason}")
    if parsed.get("bozo") and not parsed.entries:
        raise MalformedInput(f"malformed feed: {parsed.get('bozo_exception')}")
    feed = parsed.feed
    if hashes is not None and len(hashes) != len(parsed.entries):
        hashes = None
    media = _media_texts(data, items)
    if media is not None and len(media) != len(parsed.entries):
        media = None  # feedparser read the items otherwise: no way to pair them
    adapter = RssAtomAdapter()
    return [
        adapter._entry(
            entry, feed, hashes[index] if hashes else "", media[index] if media else None
        )
        for index, entry in enumerate(parsed.entries)
    ]


Job = tuple[bytes, list[str], Prepare | None]


def _read_chunk(job: Job) -> list[ParsedEntry]:
    """Run in a helper process: one chunk document, read as `_read` reads a whole one."""
    data, hashes, prepare = job
    entries = guard(lambda: _read(data, hashes))
    return prepare(entries) if prepare is not None else entries


def _chunk_documents(
    root: etree._Element | None,
    items: list[etree._Element],
    hashes: list[str] | None,
    prepare: Prepare | None = None,
) -> list[Job] | None:
    """The document cut into small documents of a few items each, every one with the whole
    document around its items (declaration, namespaces, channel or feed metadata), so that
    feedparser reads each item as it would in the whole. None when the items do not all sit
    in one parent element (then the document is read in one go)."""
    parent = items[0].getparent() if items else None
    if root is None or hashes is None or parent is None:
        return None
    if any(el.getparent() is not parent for el in items):
        return None
    bodies = [etree.tostring(el, encoding="utf-8", with_tail=False) for el in items]
    position = parent.index(items[0])
    for el in items:
        parent.remove(el)
    parent.insert(position, etree.Comment(_MARK))
    whole = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)
    head, _mark, tail = whole.partition(f"<!--{_MARK}-->".encode())
    jobs = []
    start, size = 0, FIRST_CHUNK
    while start < len(bodies):
        end = start + size
        jobs.append((head + b"".join(bodies[start:end]) + tail, hashes[start:end], prepare))
        start, size = end, CHUNK
    return jobs

"""The adapter contract, the registry, format detection and the one safe XML parser.

Every XML format goes through `parse_xml`, configured so that parsing never touches the network
or the file system and never expands entities: the lxml options below, plus an explicit refusal
of any document that declares entities (billion laughs, XXE), since refusing is clearer to a
wire editor than a silently half-expanded story.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from lxml import etree

from masthead.wire.items import (
    IngestError,
    MalformedInput,
    ParsedEntry,
    UnsafeInput,
    UnsupportedFormat,
)

# Given (guid, content_hash) pairs, answers which guids are already stored with that hash, so
# that an adapter whose full parse is expensive (feedparser) can skip them.
UnchangedCheck = Callable[[list[tuple[str, str]]], set[str]]
Parsed = TypeVar("Parsed")
# Work on parsed entries that a parse helper process may do ahead of the writer (a module-level
# function, so that it can be sent to the helper): the wire's text cleaning.
Prepare = Callable[[list[ParsedEntry]], list[ParsedEntry]]


@dataclass
class Batches:
    """A document's entries in order, as lists handed over as soon as each is parsed, so that
    the writer can start on the first stories while later ones are still being parsed.
    `total` counts every entry the lists will hold (for progress)."""

    total: int
    lists: Iterator[list[ParsedEntry]]


class Adapter:
    """One wire format. Subclasses set `name`, `label` and implement `sniff` and `parse`."""

    name = ""
    label = ""

    def sniff(self, head: str, data: bytes) -> bool:
        """Whether `data` is in this format; `head` is the ASCII-folded start of the file."""
        raise NotImplementedError

    def parse(self, data: bytes, *, unchanged: UnchangedCheck | None = None) -> list[ParsedEntry]:
        """Every item in `data`, each a WireItem, an Unchanged marker or an IngestError.

        Raises IngestError when the file as a whole cannot be read.
        """
        raise NotImplementedError

    def parse_batches(
        self,
        data: bytes,
        *,
        unchanged: UnchangedCheck | None = None,
        prepare: Prepare | None = None,
    ) -> Batches:
        """`parse`, in batches. A format whose parsing costs as much as writing its stories
        overrides this to parse (and `prepare`) ahead in other processes; the rest hand over
        one batch and leave `prepare`'s work to the writer.

        Raises IngestError, before any batch, when the file as a whole cannot be read.
        """
        entries = self.parse(data, unchanged=unchanged)
        return Batches(len(entries), iter([entries]))


_registry: dict[str, Adapter] = {}


def register(adapter_class: type[Adapter]) -> type[Adapter]:
    _registry[adapter_class.name] = adapter_class()
    return adapter_class


def load_adapters() -> None:
    """Import every format's module, so that each registers itself."""
    _load()


def get_adapter(name: str) -> Adapter:
    _load()
    try:
        return _registry[name]
    except KeyError:
        raise UnsupportedFormat(f"unknown wire format {name!r}") from None


def adapter_names() -> list[str]:
    _load()
    return sorted(_registry)


def _load() -> None:
    # Every format's module, even when one of them was imported (and registered) on its own
    # first: an emptiness check of the registry would then stop at that one format.
    # At run time: each format's module imports this base, so this base cannot import them.
    from masthead.wire.adapters import newsml_g2, ninjs, nitf, rss_atom  # noqa: F401


_PROLOGUE = re.compile(r"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.S)
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def sniff_head(data: bytes) -> str:
    """The file's start, folded to ASCII for sniffing (UTF-16/32 NULs and BOMs dropped)."""
    head = data[:8192].replace(b"\x00", b"")
    return head.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf\xfe\xff \t\r\n")


def root_name(head: str) -> str:
    """The local name of the first element after the XML prologue ("" when none)."""
    prologue = _PROLOGUE.match(head)  # every part optional: it matches any text, maybe empty
    rest = head[prologue.end() :] if prologue else head
    m = _ROOT.match(rest)
    return m.group(2) if m else ""


def detect(data: bytes) -> Adapter:
    _load()
    head = sniff_head(data)
    if not head.strip():
        raise MalformedInput("empty file: no content to ingest")
    for adapter in _registry.values():
        if adapter.sniff(head, data):
            return adapter
    name = root_name(head)
    if not name and head.lstrip().startswith("<"):
        raise MalformedInput("empty XML document: no root element", excerpt=head[:500])
    if name == "NewsML":
        raise UnsupportedFormat(
            "unsupported format: NewsML 1.x (only NewsML-G2 is supported)", excerpt=head[:500]
        )
    if name:
        raise UnsupportedFormat(
            f"unsupported format: XML with root element <{name}>", excerpt=head[:500]
        )
    raise UnsupportedFormat(
        "unsupported format: not RSS/Atom, NewsML-G2, NITF or ninjs", excerpt=head[:500]
    )


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)


def refuse_entities(data: bytes) -> None:
    if _ENTITY_DECL.search(data.replace(b"\x00", b"")):
        raise UnsafeInput(
            "refused: the document declares XML entities (entity-expansion or external-entity "
            "attack, or a DTD the wire does not need)",
            excerpt=sniff_head(data)[:500],
        )


_LATIN_DECL = re.compile(
    rb"^(\s*<\?xml[^>]*encoding=[\"'])(iso-8859-1|iso8859-1|latin-?1|windows-1252|cp1252)([\"'])",
    re.I,
)


def _fix_declared_latin1(data: bytes) -> bytes:
    """A file declared Latin-1 whose bytes are valid UTF-8 with non-ASCII in them is UTF-8:
    real Latin-1 text almost never happens to form valid UTF-8 sequences."""
    m = _LATIN_DECL.match(data)
    if not m or max(data, default=0) < 0x80:
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return m.group(1) + b"utf-8" + m.group(3) + data[m.end() :]


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML safely; a wrongly declared or undeclared 8-bit encoding is retried
    as Windows-1252 (what such wire files nearly always are) rather than refused."""
    refuse_entities(data)
    data = _fix_declared_latin1(data)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        msg = str(exc)
        if "encoding" in msg.lower() or "utf-8" in msg.lower() or "bytes" in msg.lower():
            try:
                text = data.decode("cp1252", errors="replace")
                text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
                root = etree.fromstring(text.encode("utf-8"), _parser())
            except (etree.XMLSyntaxError, ValueError):
                raise MalformedInput(f"malformed XML: {msg}", excerpt=_excerpt(data)) from exc
        else:
            raise MalformedInput(f"malformed XML: {msg}", excerpt=_excerpt(data)) from exc
    except ValueError as exc:
        raise MalformedInput(f"unreadable XML: {exc}") from exc
    if root is None:
        raise MalformedInput("empty XML document")
    return root


def _excerpt(data: bytes) -> str:
    return sniff_head(data)[:500]


def localname(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(el: etree._Element, name: str) -> Iterator[etree._Element]:
    return (c for c in el if localname(c) == name)


def child(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    return next(children(el, name), None)


def descendants(el: etree._Element, name: str) -> Iterator[etree._Element]:
    return (d for d in el.iter() if localname(d) == name)


def text_of(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def inner_xml(el: etree._Element) -> str:
    """The children of `el` as HTML-ish markup with namespaces dropped (for bodies)."""

    el = copy.deepcopy(el)
    for node in el.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.rsplit("}", 1)[-1]
    etree.cleanup_namespaces(el)
    parts = [el.text or ""]
    parts += [etree.tostring(c, encoding="unicode", with_tail=True) for c in el]
    return "".join(parts).strip()


def content_hash(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\x1f")
    return h.hexdigest()


def element_hash(el: etree._Element) -> str:
    return content_hash(etree.tostring(el, method="c14n"))


_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})T?(\d{2})(\d{2})(\d{2})?([+-]\d{4}|Z)?$")


def parse_when(value: str | None) -> dt.datetime | None:
    """A wire timestamp (ISO 8601, NITF's compact form, or "YYYY-MM-DD HH:MM:SS"), aware in
    UTC when no zone is given; None when empty or unparseable (e.g. "Next Monday")."""
    if not value:
        return None
    value = value.strip()
    parsed: dt.datetime | None = None
    m = _COMPACT.match(value)
    try:
        if m:
            y, mo, d, h, mi, s, zone = m.groups()
            parsed = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
            if zone and zone != "Z":
                sign = 1 if zone[0] == "+" else -1
                offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
                parsed = parsed.replace(tzinfo=dt.timezone(sign * offset))
        else:
            parsed = parse_datetime(value.replace(" ", "T", 1) if " " in value else value)
            if parsed is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                parsed = dt.datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def parse_version(value: object) -> int | None:
    """A version as a non-negative integer; "1.2" or "v3" take their leading digits."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 0 <= value < 2**31 else None
    m = re.match(r"\s*v?(\d{1,9})", str(value))
    return int(m.group(1)) if m else None


def guard(func: Callable[[], Parsed]) -> Parsed:
    """Run an adapter's parse, turning any unexpected failure into a typed IngestError."""
    try:
        return func()
    except IngestError:
        raise
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        IndexError,
        LookupError,
        RecursionError,
        etree.LxmlError,
        UnicodeError,
        OverflowError,
    ) as exc:
        raise MalformedInput(f"could not read the file: {type(exc).__name__}: {exc}") from exc

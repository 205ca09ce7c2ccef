"""Single-byte code pages that UTF-8 gets misread as, described as reversible tables.

A *family* is what a real decoder chain does to UTF-8 bytes read as one code page: the page's
own characters; for the bytes the page leaves undefined, the Windows-1252 character (Windows
and browsers fall back to it); C1 control characters where a byte came through raw; U+FFFD
where a strict decoder replaced an undefined byte; and nothing at all where a byte that even
Windows-1252 lacks (0x81, 0x8D, 0x8F, 0x90, 0x9D) was silently dropped. Each family's table
lets :mod:`masthead.text.mojibake` turn the text back into the bytes it came from.

ftfy has tables for Latin-1, Windows-1250/1/2/3/4/7, ISO-8859-2, MacRoman and CP437, but not
for the rest of the family below, and none of its tables models dropped bytes; so these are
written here rather than borrowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

#: Marks, in a translated string, a character that the family cannot have produced.
NOT_IN_FAMILY = "\uffff"
REPLACEMENT = "\ufffd"

#: Bytes that Windows-1252 itself leaves undefined: a Windows-1252 fallback decoder drops
#: them (or keeps them as C1 controls, or as U+FFFD), so these are the bytes to try where a
#: UTF-8 sequence comes up one byte short.
CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


@dataclass(frozen=True)
class CodePage:
    """One misreading: UTF-8 bytes decoded as ``codec`` (a Python codec name)."""

    codec: str
    title: str
    #: Whether the bytes ``codec`` leaves undefined were read as Windows-1252 instead.
    cp1252_fallback: bool = True
    #: ftfy already reverses this page; we only add the dropped-byte cases it cannot.
    #: ftfy's name for the same table, when ftfy has one: ftfy already weighed the plain
    #: re-reading through it, and we only add what it cannot do (lost and replaced bytes,
    #: the Windows-1252 fallback).
    ftfy_codec: str | None = None
    undefined: frozenset[int] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        undefined = frozenset(b for b in range(0x80, 0x100) if _decode_byte(self.codec, b) is None)
        object.__setattr__(self, "undefined", undefined)

    @property
    def fallback_bytes(self) -> frozenset[int]:
        """Bytes read as Windows-1252 instead of as this page.

        For ISO-8859 pages that includes 0x80-0x9F: the C1 range is "defined" as controls, but
        browsers and most ingest code read it as Windows-1252.
        """
        if not self.cp1252_fallback:
            return frozenset()
        if self.codec.startswith("iso8859"):
            return self.undefined | frozenset(range(0x80, 0xA0))
        return self.undefined

    @property
    def lost_bytes(self) -> frozenset[int]:
        """Bytes a decoder chain for this page may have dropped without trace."""
        if not self.cp1252_fallback:
            return self.undefined
        return self.fallback_bytes & CP1252_UNDEFINED

    @property
    def replaced_bytes(self) -> frozenset[int]:
        """Bytes a strict decoder would have turned into U+FFFD."""
        return self.undefined


def _decode_byte(codec: str, byte: int) -> str | None:
    try:
        return bytes([byte]).decode(codec)
    except UnicodeDecodeError:
        return None


#: The order is the order of trial, and breaks ties between equally good readings: Windows-874
#: first (the case seen on a live site), then the Windows pages, then ISO-8859, DOS and Mac.
CODE_PAGES: tuple[CodePage, ...] = (
    CodePage("cp874", "Windows-874 (Thai)"),
    CodePage("cp1252", "Windows-1252 (Western)", ftfy_codec="sloppy-windows-1252"),
    CodePage("cp1250", "Windows-1250 (Central European)", ftfy_codec="sloppy-windows-1250"),
    CodePage("cp1251", "Windows-1251 (Cyrillic)", ftfy_codec="sloppy-windows-1251"),
    CodePage("cp1253", "Windows-1253 (Greek)", ftfy_codec="sloppy-windows-1253"),
    CodePage("cp1254", "Windows-1254 (Turkish)", ftfy_codec="sloppy-windows-1254"),
    CodePage("cp1255", "Windows-1255 (Hebrew)"),
    CodePage("cp1256", "Windows-1256 (Arabic)"),
    CodePage("cp1257", "Windows-1257 (Baltic)", ftfy_codec="sloppy-windows-1257"),
    CodePage("cp1258", "Windows-1258 (Vietnamese)"),
    CodePage("iso8859_2", "ISO-8859-2 (Latin-2)", ftfy_codec="iso-8859-2"),
    CodePage("iso8859_3", "ISO-8859-3 (Latin-3)"),
    CodePage("iso8859_4", "ISO-8859-4 (Latin-4)"),
    CodePage("iso8859_5", "ISO-8859-5 (Cyrillic)"),
    CodePage("iso8859_6", "ISO-8859-6 (Arabic)"),
    CodePage("iso8859_7", "ISO-8859-7 (Greek)"),
    CodePage("iso8859_8", "ISO-8859-8 (Hebrew)"),
    CodePage("iso8859_9", "ISO-8859-9 (Turkish)"),
    CodePage("iso8859_10", "ISO-8859-10 (Nordic)"),
    CodePage("iso8859_13", "ISO-8859-13 (Baltic)"),
    CodePage("iso8859_14", "ISO-8859-14 (Celtic)"),
    CodePage("iso8859_15", "ISO-8859-15 (Latin-9)"),
    CodePage("iso8859_16", "ISO-8859-16 (Latin-10)"),
    CodePage("koi8_r", "KOI8-R", cp1252_fallback=False),
    CodePage("koi8_u", "KOI8-U", cp1252_fallback=False),
    CodePage("cp437", "DOS code page 437", cp1252_fallback=False, ftfy_codec="cp437"),
    CodePage("cp850", "DOS code page 850", cp1252_fallback=False),
    CodePage("cp852", "DOS code page 852", cp1252_fallback=False),
    CodePage("cp866", "DOS code page 866 (Cyrillic)", cp1252_fallback=False),
    CodePage("mac_roman", "Mac OS Roman", cp1252_fallback=False, ftfy_codec="macroman"),
    CodePage("mac_cyrillic", "Mac OS Cyrillic", cp1252_fallback=False),
    CodePage("mac_greek", "Mac OS Greek", cp1252_fallback=False),
    CodePage("mac_latin2", "Mac OS Central European", cp1252_fallback=False),
    CodePage("mac_turkish", "Mac OS Turkish", cp1252_fallback=False),
    CodePage("mac_iceland", "Mac OS Icelandic", cp1252_fallback=False),
)


@cache
def translation_table(page: CodePage) -> dict[int, str]:
    """A ``str.translate`` table mapping each character the family can produce to its byte.

    Bytes come out as the Latin-1 character of the same number, so that after translation
    ``.encode("latin-1")`` yields the original bytes. Latin-1 characters the family cannot
    produce map to :data:`NOT_IN_FAMILY`, so a failed lookup is visible; U+FFFD is left as it
    is and treated by the decoder as "some byte the decoder could not read".
    """
    table: dict[int, str] = {cp: NOT_IN_FAMILY for cp in range(0x80, 0x100)}
    # C1 controls: a byte that came through raw (a "sloppy" decoder, or ISO-8859's own C1).
    for byte in range(0x80, 0xA0):
        table[byte] = chr(byte)
    if page.cp1252_fallback:
        for byte in page.fallback_bytes:
            char = _decode_byte("cp1252", byte)
            if char is not None:
                table[ord(char)] = chr(byte)
    for byte in range(0x80, 0x100):
        char = _decode_byte(page.codec, byte)
        if char is not None and len(char) == 1:
            table[ord(char)] = chr(byte)
    return table


@cache
def family_characters(page: CodePage) -> frozenset[str]:
    """Every non-ASCII character this family can produce, U+FFFD aside."""
    return frozenset(chr(cp) for cp, v in translation_table(page).items() if v != NOT_IN_FAMILY)


def decode_bytes(raw: bytes, page: CodePage) -> str | None:
    """``raw`` as this family's decoder chain reads it; None if a byte would be lost or replaced.

    The page's own character where it has one, the Windows-1252 character for the bytes it
    falls back on; the inverse of :func:`translation_table` for undamaged text.
    """
    out: list[str] = []
    for byte in raw:
        char = None if byte in page.fallback_bytes else _decode_byte(page.codec, byte)
        if char is None and byte in page.fallback_bytes:
            char = _decode_byte("cp1252", byte)
        if char is None or len(char) != 1:
            return None
        out.append(char)
    return "".join(out)

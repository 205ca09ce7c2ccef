"""Our own cases for every code page we added: damage real copy the way decoders do, repair it.

Each sentence is encoded as UTF-8 and decoded as the page would be by a Windows-1252-fallback
decoder, in three flavours: undefined bytes kept as C1 controls, dropped ("lossy", the live
Windows-874 case), and replaced by U+FFFD.
"""

from __future__ import annotations

import pytest

from masthead.text import repair
from masthead.text.codepages import CODE_PAGES, CodePage

SENTENCES = [
    "Latvia’s defense minister, Andris Sprūds, met allied officials in Rīga on Wednesday.",
    "“We will rebuild the bridge someday,” he said, “but not this year.”",
    "Müller’s café near Zürich serves crème brûlée and Spätzle — at €4.50.",
    "Lech Wałęsa spoke in Gdańsk and Łódź about the Solidarność anniversary.",
    "President Volodymyr Zelensky (Володимир Зеленський) spoke in Kyiv.",
    "Ο πρωθυπουργός Κυριάκος Μητσοτάκης μίλησε στην Αθήνα την Τετάρτη.",
    "Thủ tướng Phạm Minh Chính thăm Đà Nẵng vào thứ Tư.",
    "İstanbul’da çarşamba günü Beşiktaş taraftarları toplandı.",
    "Great result for the team 👍 and the fans cheered 🎉",
]


def damage(text: str, page: CodePage, mode: str) -> str:
    """Decode UTF-8 ``text`` through ``page`` the way real decoder chains do."""
    out = []
    for byte in text.encode("utf-8"):
        if byte < 0x80:
            out.append(chr(byte))
            continue
        char = _native(page, byte)
        if char is None and byte in page.fallback_bytes:
            char = _native_cp1252(byte)
        if char is None:
            if byte in page.lost_bytes and mode == "lossy":
                continue
            if mode == "replace" and byte in page.replaced_bytes:
                char = "\ufffd"
            else:
                char = chr(byte) if byte < 0xA0 else "\ufffd"
        out.append(char)
    return "".join(out)


def _native(page: CodePage, byte: int) -> str | None:
    if page.cp1252_fallback and byte in page.fallback_bytes:
        return None
    try:
        return bytes([byte]).decode(page.codec)
    except UnicodeDecodeError:
        return None


def _native_cp1252(byte: int) -> str | None:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return None


# Known gaps, kept visible rather than hidden by a low bar: in these pages a character the
# page has natively (€ in ISO-8859-15, box drawing in KOI8/DOS, – in Mac pages) is also what
# the Windows-1252 fallback or another byte produces, so one table cannot say which byte it
# was, and some sentences come back only partly repaired.
KNOWN_GAPS = frozenset(
    {
        "iso8859_4", "iso8859_7", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
        "iso8859_16", "koi8_r", "koi8_u", "cp850", "cp852", "cp866", "mac_cyrillic",
        "mac_greek", "mac_latin2",
    }
)  # fmt: skip
NEW_PAGES = [
    pytest.param(
        page,
        id=page.codec,
        marks=[pytest.mark.xfail(reason="ambiguous table, see KNOWN_GAPS", strict=False)]
        if page.codec in KNOWN_GAPS
        else [],
    )
    for page in CODE_PAGES
    if page.ftfy_codec is None
]


@pytest.mark.parametrize("page", NEW_PAGES)
@pytest.mark.parametrize("mode", ["c1", "lossy", "replace"])
def test_it_repairs_each_added_code_page(page: CodePage, mode: str) -> None:
    cases = [(s, damage(s, page, mode)) for s in SENTENCES]
    damaged = [(s, d) for s, d in cases if d != s]
    fixed = [s for s, d in damaged if repair(d) == s]
    # A dropped byte or a U+FFFD is guessed from context, which settles most, not all: a
    # U+FFFD can be any undefined byte (Ł or ł), a lost byte leaves Đ/ā/č or 👍/👏 open.
    need = {"c1": 1.0, "lossy": 0.85, "replace": 0.5}[mode]
    assert len(fixed) >= need * len(damaged), [(d, repair(d)) for s, d in damaged if repair(d) != s]


def test_it_repairs_the_windows_874_case_from_the_live_site() -> None:
    for sentence in SENTENCES:
        for mode in ("c1", "lossy"):
            assert repair(damage(sentence, CODE_PAGES[0], mode)) == sentence

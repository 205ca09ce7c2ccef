"""Two-and-three-character mojibake so specific that one occurrence is enough evidence.

The code-page readings in :mod:`masthead.text.mojibake` weigh a whole line, and a plain
re-reading that ftfy could have made (and declined) must clear a high bar, because ftfy knows
that "AHÅ™" and "√π" are real text. Some short sequences, though, have essentially no
legitimate use, and they are what short mojibake is made of:

* The bytes of a typographic symbol (™ © ® – — ’ “ ” ‘ … • €) read through a single-byte page
  whose lead byte is a *letter* and whose next byte is punctuation or a symbol: ``ā„¢``
  (™ through Windows-1257), ``Ā©``, ``β€”``. A letter glued to a symbol, which together are
  exactly the UTF-8 of a common symbol, is not a word. "AHÅ™" is not one of these: its
  bytes decode to a letter (ř), and letters are left to the whole-line readings.
* ``Ã`` followed by the Windows-1252 character of a continuation byte: ``Ã¥`` (å), ``Ã¶``
  (ö). Genuine Ã (Portuguese SÃO, IRMÃ; Vietnamese NGÃ) ends a syllable, so it is followed by
  an ASCII letter, a space, or closing punctuation: ” ’ » … – NBSP, a footnote ¹. Those are
  counted only at the start of a word and before a lower-case letter (``Ã…lesund``, which
  IRMÃ” or NÃO…SIM never is), and apostrophes ("Ã’s"), guillemets, NBSP, soft hyphen and the
  middle dot never. Š š Ž ž Œ œ Ÿ € are left out too: ISO-8859-15
  mojibake has them at other bytes (``MÃŒller`` is Müller there, not MÌller). And a line
  that also holds Windows-1252 punctuation read *correctly* (– — ’ “ ” …) is inconsistent in
  the way ftfy's own tests say to leave alone ("Bremer/Mccoy – DrÃ¥ber"): had the line been
  misread as Windows-1252, the dash would be "â€“" too, so its Ã pairs are left as they are.

:func:`strong_repair` replaces just those sequences, leaving the rest of the line alone, so
that it also works where the line holds genuine accented text no page could re-read
("Ã¥ngström": the ö is right).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from masthead.text.codepages import CODE_PAGES, CodePage, decode_bytes

#: Symbols whose mojibake we recognise on sight: house typography and the marks on wire copy.
STRONG_SYMBOLS = "™©®–—’“”‘…•€"

_CP1252 = next(page for page in CODE_PAGES if page.codec == "cp1252")

# What may follow Ã in mojibake and never in real text (see the module docstring).
_A_TILDE_ALWAYS = "‚ƒ„†‡ˆ‰•˜™¡¢£¤¥¦§¨©ª¬®¯°±´µ¶¸º¼½¾¿"
# Only at the start of a word and before a lower-case letter ("Ã…lesund", "Ã–rebro"): after
# a word-final Ã (IRMÃ”, NÃO…SIM) these close a quotation, a clause, a footnote. Not the
# apostrophes at all: "a lot of Ã’s" is a plural, not Ò.
_A_TILDE_BEFORE_LETTER = "“”–…¹²³"
#: Everything that can follow Ã in a strong pair (for the precheck, which must not miss one).
A_TILDE_FOLLOWERS = _A_TILDE_ALWAYS + _A_TILDE_BEFORE_LETTER
_LETTER = r"[^\W\d_]"
_LATIN_LOWER = "".join(
    chr(cp) for cp in range(0x61, 0x250) if unicodedata.category(chr(cp)) == "Ll"
)
# Windows-1252's characters for 0x80-0x9F: typography a Windows-1252 misreading would damage.
_CP1252_PUNCTUATION = re.compile("[€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


@cache
def _literals() -> dict[str, tuple[str, CodePage]]:
    """Each symbol's mojibake through every page: the damaged text → (symbol, page)."""
    found: dict[str, tuple[str, CodePage]] = {}
    for symbol in STRONG_SYMBOLS:
        raw = symbol.encode("utf-8")
        for page in CODE_PAGES:
            damaged = decode_bytes(raw, page)
            if damaged is None or len(damaged) != len(raw) or damaged in found:
                continue
            lead, second = damaged[0], damaged[1]
            if lead.isascii() or not lead.isalpha():
                continue
            if unicodedata.category(second)[0] not in "PS":
                continue
            found[damaged] = (symbol, page)
    return found


def _a_tilde_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for byte in range(0x80, 0xC0):
        char = decode_bytes(bytes([byte]), _CP1252)
        if char is not None and char in A_TILDE_FOLLOWERS:
            pairs["Ã" + char] = bytes([0xC3, byte]).decode("utf-8")
    return pairs


_A_TILDE = _a_tilde_pairs()

STRONG_PATTERN = re.compile(
    "|".join(re.escape(text) for text in sorted(_literals(), key=len, reverse=True))
    + f"|Ã[{re.escape(_A_TILDE_ALWAYS)}]"
    + f"|(?<!{_LETTER})Ã[{re.escape(_A_TILDE_BEFORE_LETTER)}](?=[{_LATIN_LOWER}])"
)


def strong_sequences() -> list[str]:
    """Every sequence :data:`STRONG_PATTERN` can match (the Ã pairs without their context)."""
    return [*_literals(), *_A_TILDE]


def strong_repair(line: str, *, context: str | None = None) -> tuple[str, CodePage] | None:
    """``line`` with each strong sequence decoded, and the page of the first; None if none.

    ``context`` is the whole line when ``line`` is one word of it: consistency is a property
    of the line.
    """
    pages: list[CodePage] = []
    whole = line if context is None else context
    consistent = _CP1252_PUNCTUATION.search(STRONG_PATTERN.sub("", whole)) is None

    def decode(match: re.Match[str]) -> str:
        text = match.group(0)
        if text in _A_TILDE:
            if not consistent:
                return text
            pages.append(_CP1252)
            return _A_TILDE[text]
        symbol, page = _literals()[text]
        pages.append(page)
        return symbol

    repaired = STRONG_PATTERN.sub(decode, line)
    if repaired == line:
        return None
    return repaired, pages[0]

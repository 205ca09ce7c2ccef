"""A lone symbol's mojibake in clean copy of another script: "2ยฝ" is "2½".

Read through Windows-874, ½ (C2 BD) becomes "ยฝ", two Thai letters. In English copy that is
all the damage there is, and it looks like none: nothing in the line is suspicious, and every
heuristic that leaves real Thai alone leaves this alone too. What gives it away is its place,
glued to a number in a text that holds no other Thai. The same goes for "38В°C" (Windows-1251),
"Β±3" (Windows-1253), "ТА" (ISO-8859-5) and the rest of the pages' readings of the symbols that
numbers carry.

Only those readings are looked for, only beside a digit (or one space from it: "25 ยฐC"), and
only where the text holds no other letter of the reading's script, so real Thai, Russian or
Greek copy is never touched. A text with other letters of that script, or with other damage,
is left to the whole-line readings of :mod:`masthead.text.mojibake`, which see all of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from masthead.text.codepages import CODE_PAGES, CodePage, decode_bytes
from masthead.text.normalise import is_clean
from masthead.text.plausibility import suspicion

#: Symbols that stand beside numbers: fractions, ±, degrees, currency, dashes, minus.
NUMBER_SYMBOLS = "½¼¾±°€£™–—−×‰"

# The scripts whose letters a symbol's lead byte reads as, by code point range.
_SCRIPTS = {
    "Thai": (0x0E00, 0x0E7F),
    "Cyrillic": (0x0400, 0x052F),
    "Greek": (0x0370, 0x03FF),
    "Hebrew": (0x0590, 0x05FF),
    "Arabic": (0x0600, 0x06FF),
}


def _script(ch: str) -> str | None:
    cp = ord(ch)
    return next((name for name, (lo, hi) in _SCRIPTS.items() if lo <= cp <= hi), None)


@cache
def _readings() -> dict[str, tuple[str, CodePage, str]]:
    """Each symbol's reading through each page that makes it start with a letter of another
    script: the reading → (symbol, page, script). Readings two symbols share are left out."""
    found: dict[str, tuple[str, CodePage, str]] = {}
    shared: set[str] = set()
    for symbol in NUMBER_SYMBOLS:
        raw = symbol.encode("utf-8")
        for page in CODE_PAGES:
            reading = decode_bytes(raw, page)
            if reading is None or len(reading) != len(raw):
                continue
            script = _script(reading[0])
            if script is None or unicodedata.category(reading[0])[0] not in "LM":
                continue
            if reading in found and found[reading][0] != symbol:
                shared.add(reading)
            found.setdefault(reading, (symbol, page, script))
    return {reading: value for reading, value in found.items() if reading not in shared}


def _trie(readings: list[str]) -> str:
    """One regular expression for ``readings``, branching on each character in turn.

    The engine then tries one branch at each "ย" of Thai copy, not every reading that
    starts with it: the scan stays cheap on real text of the scripts it looks for.
    """
    tails: dict[str, list[str]] = {}
    for reading in readings:
        tails.setdefault(reading[0], []).append(reading[1:])
    branches = []
    for first, rests in sorted(tails.items()):
        ends = "".join(sorted(re.escape(rest) for rest in rests if len(rest) == 1))
        longer = [rest for rest in rests if len(rest) > 1]
        options = ([f"[{ends}]"] if ends else []) + ([_trie(longer)] if longer else [])
        branches.append(re.escape(first) + "(?:" + "|".join(options) + ")")
    return "(?:" + "|".join(branches) + ")"


LONE_SYMBOL = re.compile(_trie(list(_readings())))
# The readings nothing else flags ("ยฝ", "ВЅ", "ТА": letters of one script, or with the
# typography copy is full of): the only ones to look for in text that is otherwise clean,
# grouped by their first character.
_QUIET: dict[str, tuple[re.Pattern[str], str]] = {
    first: (re.compile(_trie(group)), _readings()[group[0]][2])
    for first in sorted({reading[0] for reading in _readings()})
    if (group := [r for r in _readings() if r[0] == first and is_clean(f"1{r}1")])
}
# Letters that real copy in each script cannot do without: where one is present, the script
# is, and none of its readings can be a lone symbol.
_EVERYDAY_LETTERS = {
    "Thai": "านอ",
    "Cyrillic": "оеаи",
    "Greek": "αοει",
    "Hebrew": "ויה",
    "Arabic": "الن",
}


def may_hide_lone_symbol(text: str) -> bool:
    """Whether clean-looking ``text`` may hold a reading no other check would flag.

    This runs on all clean non-ASCII copy, so it is made of single-character searches,
    which are a fast scan each (a regular expression over the readings costs several
    times as much): the reading's first character, then a letter that says its script is
    there anyway, and only then the readings themselves.
    """
    for first, (pattern, script) in _QUIET.items():
        if first not in text or any(ch in text for ch in _EVERYDAY_LETTERS[script]):
            continue
        if pattern.search(text):
            return True
    return False


def repair_lone_symbols(text: str) -> tuple[str, list[tuple[str, CodePage]]] | None:
    """``text`` with each lone symbol reading beside a number decoded, and what was decoded;
    None when there is none."""
    matches = [m for m in LONE_SYMBOL.finditer(text) if _beside_number(text, m.start(), m.end())]
    if not matches:
        return None
    readings = _readings()
    rest = list(text)
    for m in matches:
        rest[m.start() : m.end()] = " " * (m.end() - m.start())
    if suspicion("".join(rest)) > 0:
        return None  # more is damaged than the symbol: the whole-line readings see it all
    present = {_script(ch) for ch in rest if ord(ch) >= 0x0370}
    pieces: list[str] = []
    done: list[tuple[str, CodePage]] = []
    at = 0
    for m in matches:
        symbol, page, script = readings[m.group(0)]
        if script in present:
            continue  # real copy in that script: not ours to judge here
        pieces += [text[at : m.start()], symbol]
        done.append((symbol, page))
        at = m.end()
    if not done:
        return None
    pieces.append(text[at:])
    return "".join(pieces), done


def _beside_number(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    return (
        before[-1:].isdigit()
        or (before[-1:] == " " and before[:1].isdigit())
        or after[:1].isdigit()
        or (after[:1] == " " and after[1:2].isdigit())
    )

"""Undo UTF-8 that was read as a single-byte code page, including bytes lost on the way.

ftfy reverses the common misreadings, but not Windows-874 (Thai) and its ISO/Mac/DOS
relatives, and none where a decoder dropped a byte. The live case that started this:
UTF-8 read as Windows-874, the bytes Windows-874 lacks read as Windows-1252, and 0x9D (which
even Windows-1252 lacks) dropped, so ``”`` (E2 80 9D) reached readers as ``โ€``.

The repair, for each family in :data:`~masthead.text.codepages.CODE_PAGES`: map the text
back to bytes with the family's table, read the bytes as UTF-8, and where a sequence comes
up one byte short (or holds a U+FFFD, or a space where NBSP 0xA0 belonged) try the bytes
that could have been lost there, keeping the candidate character that fits best, and where
several fit, the one that makes a word of the copy's language
(:mod:`masthead.text.wordchoice`). A reading is accepted only when it is clearly more
plausible than the text we started with, so text that is already right (real Thai, Greek,
Cyrillic...) is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from ftfy.chardata import CHARMAP_ENCODINGS, possible_encoding

from masthead.text.codepages import (
    CODE_PAGES,
    NOT_IN_FAMILY,
    REPLACEMENT,
    CodePage,
    translation_table,
)
from masthead.text.plausibility import char_score, char_tier, rarity, suspicion
from masthead.text.strong import strong_repair
from masthead.text.wordchoice import Spot, choose_by_words, prefers

WILDCARD = -1
_CONTINUATION = range(0x80, 0xC0)
_NOT_ENCODABLE = re.compile(f"[^\\x00-\\xff{REPLACEMENT}]|{NOT_IN_FAMILY}")
# Each guessed byte must pay for itself: a reading with n guesses must remove more than
# this much suspicion per guess beyond the margin below.
GUESS_COST = 0.6
MARGIN = 0.5
FTFY_MARGIN = 2.0
UNCOMMON_MARGIN = 2.5
# Rare characters count for less than outright signs of damage.
RARITY_WEIGHT = 0.5


@dataclass(frozen=True)
class Reading:
    """A successful re-reading of one line."""

    text: str
    page: CodePage
    guesses: tuple[str, ...]
    gain: float

    @property
    def summary(self) -> str:
        extra = f"; {len(self.guesses)} lost byte(s) restored" if self.guesses else ""
        return f"UTF-8 that had been read as {self.page.title}{extra}"


def _sequence_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _completions(units: list[int], pos: int, page: CodePage) -> list[tuple[bytes, int, int, str]]:
    """Ways to read a UTF-8 sequence starting at ``units[pos]``.

    Returns (bytes, units consumed, guesses made, note). Guesses are: a U+FFFD standing
    for one of the bytes a strict decoder replaces; a byte dropped from the sequence; a plain
    space standing where 0xA0 (NBSP in most of these pages) was.
    """
    lead = units[pos]
    need = _sequence_length(lead)
    if need == 0:
        return []
    tail = units[pos + 1 : pos + need]
    results: list[tuple[bytes, int, int, str]] = []

    def expand(parts: list[int], consumed: int, guesses: int, note: str) -> None:
        # Each part may itself be a wildcard or a space-for-NBSP; expand them in turn.
        options: list[list[tuple[int, int, str]]] = []
        for part in parts:
            if part == WILDCARD:
                options.append([(b, 1, "U+FFFD") for b in sorted(page.replaced_bytes)])
            elif part == 0x20:
                options.append([(0xA0, 1, "NBSP")])
            elif part in _CONTINUATION:
                options.append([(part, 0, "")])
            else:
                return
        combos: list[tuple[list[int], int, str]] = [([], 0, "")]
        for opts in options:
            combos = [(seq + [b], g + dg, n or dn) for seq, g, n in combos for b, dg, dn in opts]
        for seq, g, n in combos:
            raw = bytes([lead, *seq])
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            results.append((raw, consumed, guesses + g, note or n))

    # The whole sequence is there (possibly with wildcards or spaces standing in).
    if len(tail) == need - 1:
        expand(list(tail), need, 0, "")
    # One byte was dropped: the sequence is one short, the missing byte at any position.
    present = 0
    for unit in tail:
        if unit in _CONTINUATION or unit == WILDCARD:
            present += 1
        else:
            break
    if present == need - 2:
        for missing in sorted(page.lost_bytes):
            for at in range(present + 1):
                seq = list(tail[:present])
                seq.insert(at, missing)
                expand(seq, 1 + present, 1, f"lost 0x{missing:02X}")
        # An encoder with errors="replace" writes "?" for the byte it could not map.
        if len(tail) > present and tail[present] == 0x3F:
            for missing in sorted(page.replaced_bytes | page.lost_bytes):
                expand([*tail[:present], missing], 2 + present, 1, "'?'")
    return results


def _decode(
    units: list[int],
    page: CodePage,
    context: frozenset[str],
    choices: dict[int, str] | None = None,
) -> tuple[str, list[str], list[Spot]]:
    """Read ``units`` as UTF-8, guessing at damage; raise ValueError if that cannot work.

    Returns the text, one note per guessed byte, and the spots where more than one
    character was possible. ``choices`` maps the unit where a :class:`Spot` starts to the
    option to take there; elsewhere the character heuristics' best is taken.
    """
    out: list[str] = []
    guesses: list[str] = []
    spots: list[Spot] = []
    length = 0
    pos = 0
    n = len(units)
    while pos < n:
        unit = units[pos]
        if 0 <= unit < 0x80:
            out.append(chr(unit))
            length += 1
            pos += 1
            continue
        options = _completions(units, pos, page)
        if not options:
            raise ValueError("not UTF-8")
        if len(options) == 1 and options[0][2] == 0:
            raw, consumed, _, _ = options[0]
            char = raw.decode("utf-8")
            out.append(char)
            length += len(char)
            pos += consumed
            continue
        prev = out[-1][-1] if out else ""
        # Every option is made to cover the same units: a shorter completion is followed by
        # the (ASCII) units it leaves, so the reading after this spot is the same whichever
        # option is taken, and options can be compared as texts.
        span = max(consumed for _, consumed, _, _ in options)
        ranked: list[tuple[float, str, str, int, str]] = []
        for raw, consumed, n_guesses, note in options:
            char = raw.decode("utf-8")
            after = pos + consumed
            nxt = _peek(units, after)
            score = char_score(char, prev, nxt, context) - 0.25 * n_guesses
            if note == "NBSP" and (nxt.isalpha() or nxt == " "):
                # The space was inside a word, or doubled: it was the sequence's 0xA0.
                score += 1.0
            elif note == "'?'":
                score += 0.3  # a "?" glued into a broken sequence is a replacement mark
            text = char + "".join(chr(u) for u in units[after : pos + span])
            ranked.append((score, text, char, n_guesses, note if n_guesses else ""))
        # Best first; among equals the first found, as before options were ranked.
        order = sorted(range(len(ranked)), key=lambda i: -ranked[i][0])
        texts: list[str] = []
        for i in order:
            if ranked[i][1] not in texts:
                texts.append(ranked[i][1])
        wanted = (choices or {}).get(pos, texts[0])
        if wanted not in texts:
            wanted = texts[0]
        _, text, char, n_guesses, note = next(r for i in order if (r := ranked[i])[1] == wanted)
        if len(texts) > 1:
            spots.append(Spot(pos, length, length + len(text), tuple(texts)))
        out.append(text)
        length += len(text)
        # One entry per guessed byte: each must pay for itself in best_reading.
        guesses.extend([f"{char!r} ({note})"] * n_guesses)
        pos += span
    return "".join(out), guesses, spots


def _peek(units: list[int], pos: int) -> str:
    """The character that starts at ``pos``, near enough for choosing quotes and joiners."""
    if pos >= len(units):
        return ""
    unit = units[pos]
    if 0 <= unit < 0x80:
        return chr(unit)
    length = _sequence_length(unit)
    raw = bytes(u for u in units[pos : pos + length] if u >= 0)
    try:
        return raw.decode("utf-8")[:1]
    except UnicodeDecodeError:
        return "?"


def _context(raw: bytes) -> frozenset[str]:
    """The non-ASCII letters that decode cleanly, to tell which language a line is in."""
    text = raw.decode("utf-8", errors="ignore")
    return frozenset(ch for ch in text if ord(ch) >= 0x80 and ch.isalpha())


class Decoded(NamedTuple):
    """A line re-read through one page: the text, the bytes guessed, the open choices."""

    text: str
    guesses: list[str]
    spots: list[Spot]


def read_as(line: str, page: CodePage, choices: dict[int, str] | None = None) -> Decoded | None:
    """Re-read ``line`` as UTF-8 misread through ``page``; None if it cannot be.

    ``choices`` settles spots the way :func:`_decode` takes them.
    """
    translated = line.translate(translation_table(page))
    if _NOT_ENCODABLE.search(translated.replace(REPLACEMENT, "")):
        return None
    if REPLACEMENT not in translated:
        raw = translated.encode("latin-1")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            # A line of Latin-1 characters that reads as UTF-8 without a guess is ftfy's own
            # Latin-1 reading, left to ftfy; one that needs guesses ("ÃÃ±igo", Í with its
            # 0x8D lost) is beyond ftfy and read below.
            return None if translated == line else Decoded(text, [], [])
    units = [WILDCARD if ch == REPLACEMENT else ord(ch) for ch in translated]
    context = _context(bytes(u for u in units if u >= 0))
    try:
        text, guesses, spots = _decode(units, page, context, choices)
    except ValueError:
        return None
    multibyte = sum(1 for u in units if u >= 0xC2 and _sequence_length(u))
    # Guessing is for the odd lost byte, not for making arbitrary bytes decode. A U+FFFD is
    # itself a mark of damage, so filling one in is not counted against the limit; nor
    # fully is a space read as NBSP, which needs a lead byte right before it (French
    # "à " loses its 0xA0 wherever it occurs).
    blind = sum(0.5 if "(NBSP)" in g else 1 for g in guesses if "U+FFFD" not in g)
    if blind > max(1, multibyte // 2):
        return None
    # A lost byte restored inside the line's only sequence, which is nothing but the page's
    # letters, is a coincidence of bytes more often than a repair: "aโฃa" (two Thai letters
    # glued into a word) decodes to "a❣a" if one guesses a 0x9D. Real damage shows a second
    # sequence, or a symbol of the fallback page ("โ€" for ”).
    if blind and multibyte == 1 and _letters_only(line):
        return None
    return Decoded(text, guesses, spots)


def _letters_only(line: str) -> bool:
    return all(unicodedata.category(ch)[0] in "LM" for ch in line if ord(ch) >= 0x80)


_JOINERS = frozenset("\u200d\ufe0f")


def _introduces_rare_characters(before: str, after: str) -> bool:
    """Whether a reading brings in characters real copy hardly holds (Samaritan, controls).

    Mojibake repairs land in the scripts news is written in; bytes that decode to a rare
    script are bytes that were never UTF-8.
    """
    return any(char_tier(ch) < 1.0 for ch in set(after) - set(before) - _JOINERS if ord(ch) >= 0x80)


def _introduces_uncommon_characters(before: str, after: str) -> bool:
    return any(char_tier(ch) < 2.0 for ch in set(after) - set(before) - _JOINERS if ord(ch) >= 0x80)


_BOX = re.compile("[\u2500-\u259f]")


def _is_line_art(line: str) -> bool:
    """Box-drawing art ("├┤a┼┐a┼┐") rather than CP437/CP850 mojibake ("M├╝ller")."""
    boxes = len(_BOX.findall(line))
    return boxes >= 3 and boxes * 10 >= 3 * len(line.replace(" ", ""))


def best_reading(
    line: str,
    *,
    defer_to_ftfy: bool = True,
    whole_line: str | None = None,
    lang: str | None = None,
) -> Reading | None:
    """The most plausible re-reading of ``line``, if any is clearly better than the line.

    With ``defer_to_ftfy``, a plain re-reading through a table ftfy also has is left to
    ftfy: it weighed exactly that reading with finer heuristics and declined it (it knows
    "√π" and box-drawing art are not mojibake). Pass False when ftfy did re-read the line,
    so that our reading competes with the one ftfy chose. ``whole_line`` is the line when
    ``line`` is one word of it. ``lang`` is the copy's language when the caller knows it;
    it settles the words a lost byte leaves open (see :mod:`masthead.text.wordchoice`).
    """
    before = suspicion(line)
    if before < MARGIN + GUESS_COST * 0:
        return None
    if _is_line_art(line):
        return None
    before += rarity(line) * RARITY_WEIGHT
    # A plain re-reading that ftfy could have made through one of its own tables, and
    # declined, needs stronger evidence: ftfy knows "√π" and "AHÅ™" are not mojibake.
    ftfy_margin = (
        FTFY_MARGIN
        if defer_to_ftfy and any(possible_encoding(line, enc) for enc in CHARMAP_ENCODINGS)
        else MARGIN
    )
    best: Reading | None = None
    best_spots: list[Spot] = []
    for page in CODE_PAGES:
        result = read_as(line, page)
        if result is None:
            continue
        text, guesses, spots = result
        if spots:
            # The characters left open are settled by the words they make, before the page
            # is weighed: "Ã" must compete as "Í" in "Íñigo", not as the likelier-looking "Á".
            choices = choose_by_words(text, spots, lang=lang, context=whole_line)
            redone = read_as(line, page, choices) if choices else None
            if redone is not None:
                text, guesses, spots = redone
        if _introduces_rare_characters(line, text):
            continue
        after = suspicion(text) + rarity(text) * RARITY_WEIGHT + GUESS_COST * len(guesses)
        gain = before - after
        needed = ftfy_margin if not guesses else MARGIN
        if _introduces_uncommon_characters(line, text):
            # An uncommon symbol (❡, ⠡) out of a short Thai-Latin mix is more likely a
            # coincidence of bytes than a repair: ask for more evidence.
            needed = max(needed, UNCOMMON_MARGIN)
        # A lost byte restored where the line showed little damage ("marcĂł" and "Ălvaro",
        # Spanish read as Windows-1250) still counts when it turns non-words into words.
        if gain < needed and not (
            guesses and gain > 0 and prefers(text, line, lang=lang, strict=True)
        ):
            continue
        if (
            best is None
            or gain > best.gain + 1e-9
            # Pages that read the same text differ in the bytes a U+FFFD may stand for: the
            # one that lacks more of them ("„" is a byte Windows-1254 lacks, 1252 has) may
            # have settled a spot the other could not.
            or (gain > best.gain - 1e-9 and text != best.text and _richer(spots, best_spots))
        ):
            best = Reading(text=text, page=page, guesses=tuple(guesses), gain=gain)
            best_spots = spots
    # Sequences that are mojibake on sight ("ā„¢", "Ã¥") are decoded in place, even where
    # ftfy declined the page or the rest of the line is genuine text no page re-reads
    # ("Ã¥ngström"). Only where ftfy did not re-read the line itself (its reading is
    # consistent, ours would be partial), and only when nothing suspicious is left: other
    # damage means more is going on than a stray sequence. Ties go to whole pages.
    strong = strong_repair(line, context=whole_line) if defer_to_ftfy else None
    if strong is not None and suspicion(strong[0]) == 0:
        text, page = strong
        gain = before - rarity(text) * RARITY_WEIGHT
        if gain >= MARGIN and (best is None or gain > best.gain + 1e-9):
            best = Reading(text=text, page=page, guesses=(), gain=gain)
    return best


def _richer(spots: list[Spot], than: list[Spot]) -> bool:
    """Whether ``spots`` offer every option ``than`` does at the same places, and more."""
    if [s.unit for s in spots] != [s.unit for s in than]:
        return False
    pairs = list(zip(spots, than, strict=True))
    return all(set(b.options) <= set(a.options) for a, b in pairs) and any(
        len(a.options) > len(b.options) for a, b in pairs
    )


_WORDS = re.compile(r"(\s+)")


def piecewise_reading(line: str, *, lang: str | None = None) -> tuple[str, list[Reading]] | None:
    """Re-read damaged words one at a time, for lines that also hold text no page explains.

    A line can mix mojibake with characters its code page never produced (a genuine NBSP run,
    an entity already decoded to ``’``); the whole-line reading then fails, but each damaged
    word can still be read on its own.
    """
    pieces = _WORDS.split(line)
    readings: list[Reading] = []
    for i, piece in enumerate(pieces):
        if i % 2 or piece.isascii():
            continue
        reading = best_reading(piece, whole_line=line, lang=lang)
        if reading is not None:
            pieces[i] = reading.text
            readings.append(reading)
    if not readings:
        return None
    return "".join(pieces), readings

"""The repair pipeline: ftfy for what it knows, our code pages for what it does not.

Order matters. Double escaping is undone first (ftfy would otherwise decode only one
level). Each line then goes through ftfy *and* through :func:`best_reading` on the line as
it arrived, because ftfy sometimes "fixes" Windows-874 or ISO-8859-15 mojibake halfway
through a wrong code page, after which no table can undo it. The more plausible result wins,
with ties going to ftfy. NBSP soup is collapsed last, after the bytes 0xA0 that mojibake
repair needs have been used.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
from ftfy import TextFixerConfig

from masthead.text.codepages import CodePage
from masthead.text.mojibake import Reading, best_reading, piecewise_reading
from masthead.text.normalise import (
    collapse_nbsp_soup,
    folds_width,
    is_clean,
    is_plainly_clean,
    line_needs_work,
    looks_like_html,
    undo_double_escaping,
)
from masthead.text.plausibility import implausibility, suspicion
from masthead.text.symbols import may_hide_lone_symbol, repair_lone_symbols
from masthead.text.wordchoice import prefers

# ftfy's defaults, except that curly quotes stay curly: they are house typography, not damage.
# (Full-width forms are folded only in text without CJK: see normalise.folds_width.)
FTFY_CONFIG = TextFixerConfig(uncurl_quotes=False, explain=True)

# Layers of mojibake we peel before giving up (text double-encoded twice is seen; more isn't).
MAX_LAYERS = 3

_LINES = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")

_FTFY_STEP_NAMES = {
    "unescape_html": ("entities", "decoded HTML entities"),
    "fix_c1_controls": ("control-chars", "read C1 control characters as Windows-1252"),
    "remove_control_chars": ("control-chars", "removed stray control characters"),
    "remove_terminal_escapes": ("control-chars", "removed terminal escape codes"),
    "fix_line_breaks": ("line-breaks", "normalised line breaks to \\n"),
    "fix_surrogates": ("encoding", "joined UTF-16 surrogate pairs"),
    "fix_latin_ligatures": ("ligatures", "expanded typographic ligatures (ﬁ → fi)"),
    "fix_character_width": ("width", "folded full-width Latin and half-width kana"),
    "decode_inconsistent_utf8": ("mojibake", "decoded stray UTF-8 sequences (ftfy)"),
}


@dataclass(frozen=True)
class Repair:
    """One change :func:`repair` made, for the ingest log and ``masthead text check``."""

    step: str
    detail: str

    def __str__(self) -> str:
        return f"{self.step}: {self.detail}"


def repair(text: str, *, lang: str | None = None) -> str:
    """Fix mojibake and normalise ``text``; already-correct text comes back unchanged.

    Handles what ftfy handles (UTF-8 read as Latin-1/Windows-1252 and friends, HTML entities
    in plain text, C1 and other control characters, NFC) plus UTF-8 read as the single-byte
    pages ftfy lacks (Windows-874 first, and the Windows/ISO-8859/DOS/Mac families), with
    bytes dropped or replaced on the way; entities escaped twice; and NBSP soup. Curly
    quotes are kept. Entities are decoded only in text that holds no markup.

    ``lang`` is the copy's language (a tag such as "es" or "de-AT") when the caller knows
    it, as a wire item usually does; without it the language is found from the words. It
    only matters where a lost byte leaves several characters possible ("Íñigo", "Áñigo").
    """
    return _repair(text, lang)[0]


def explain(text: str, *, lang: str | None = None) -> list[Repair]:
    """What :func:`repair` would change in ``text`` and why; empty when it is clean."""
    return _repair(text, lang)[1]


def _repair(text: str, lang: str | None = None) -> tuple[str, list[Repair]]:
    if is_plainly_clean(text):
        return text, []
    if is_clean(text):
        # A symbol read as letters of another script ("2ยฝ") looks clean to every check,
        # so clean copy gets one more scan, for those few readings.
        if not may_hide_lone_symbol(text):
            return text, []
        symbols = repair_lone_symbols(text)
        if symbols is None:
            return text, []
    else:
        symbols = repair_lone_symbols(text)
    log: dict[tuple[str, str], list[int]] = {}

    def note(step: str, detail: str, line_no: int) -> None:
        log.setdefault((step, detail), []).append(line_no)

    def decode_symbols(found: tuple[str, list[tuple[str, CodePage]]]) -> str:
        for symbol, page in found[1]:
            note("mojibake", f"{symbol} beside a number had been read as {page.title}", 0)
        return found[0]

    if symbols is not None:
        text = decode_symbols(symbols)

    fold_width = folds_width(text)
    config = FTFY_CONFIG._replace(
        unescape_html=not looks_like_html(text), fix_character_width=fold_width
    )
    unescaped = undo_double_escaping(text)
    if unescaped != text:
        note("entities", "undid double escaping (&amp;#8217; → &#8217;)", 0)
    out: list[str] = []
    for line_no, line in enumerate(_LINES.split(unescaped), start=1):
        if not line or not line_needs_work(
            line, unescape=bool(config.unescape_html), fold_width=fold_width
        ):
            out.append(line)
            continue
        fixed, notes = _repair_line(line, config, lang)
        for step, detail in notes:
            note(step, detail, line_no)
        out.append(fixed)
    result = "".join(out)
    # Once the rest of a line is repaired, a symbol left as another script's letters is a
    # lone one ("âˆ’5آ°C": ftfy reads the minus sign, and leaves "آ°").
    if result != text and (symbols := repair_lone_symbols(result)) is not None:
        result = decode_symbols(symbols)
    collapsed = collapse_nbsp_soup(result)
    if collapsed != result:
        note("nbsp", "collapsed runs of non-breaking and ordinary spaces", 0)
    result = unicodedata.normalize("NFC", collapsed)
    repairs = [Repair(step, _where(detail, lines)) for (step, detail), lines in log.items()]
    return result, repairs


def _where(detail: str, lines: list[int]) -> str:
    numbered = sorted({n for n in lines if n})
    if not numbered:
        return detail
    if len(numbered) == 1:
        return f"line {numbered[0]}: {detail}"
    shown = ", ".join(str(n) for n in numbered[:10]) + (", …" if len(numbered) > 10 else "")
    return f"lines {shown}: {detail}"


def _ftfy(line: str, config: TextFixerConfig) -> tuple[str, list[tuple[str, str]], bool]:
    """ftfy on one line: (text, notes, whether it changed the encoding)."""
    fixed, steps = ftfy.fix_and_explain(line, config)
    notes: list[tuple[str, str]] = []
    recoded = False
    encodings = [param for action, param in steps or [] if action == "encode"]
    for action, param in steps or []:
        if action in ("encode", "decode", "transcode"):
            recoded = True
        elif action == "apply" and param in _FTFY_STEP_NAMES:
            recoded = recoded or param == "decode_inconsistent_utf8"
            notes.append(_FTFY_STEP_NAMES[param])
        elif action == "normalize":
            notes.append(("unicode", f"normalised to {param}"))
        else:
            notes.append(("ftfy", f"{action} {param}"))
    if encodings:
        pages = ", then ".join(encodings)
        notes.insert(0, ("mojibake", f"UTF-8 that had been read as {pages} (ftfy)"))
    return fixed, notes, recoded


def _repair_line(
    line: str, config: TextFixerConfig, lang: str | None
) -> tuple[str, list[tuple[str, str]]]:
    ftfy_text, ftfy_notes, recoded = _ftfy(line, config)
    text, notes = ftfy_text, ftfy_notes
    reading = best_reading(line, defer_to_ftfy=not recoded, lang=lang)
    if reading is not None:
        ours_text, ours_notes, _ = _ftfy(reading.text, config)
        # ftfy is battle-tested on the pages it knows: it keeps the line unless our reading
        # is strictly more plausible or ftfy did not touch the encoding at all.
        ours_score, ftfy_score = implausibility(ours_text), implausibility(ftfy_text)
        # A repair that invents a line break (ftfy reading U+0085 out of "â€¦") loses ties.
        invented_break = ftfy_text.count("\n") > line.count("\n")
        # So does one that reads a word space as the 0xA0 of a sequence that had lost a
        # byte ("ðŸ‘ and": ftfy's "👠and" against our "👍 and"), gluing two words together.
        swallowed_space = ftfy_text.count(" ") < ours_text.count(" ")
        # Otherwise a tie goes to the repair whose words the copy's language knows: ftfy
        # cannot restore a lost byte, and leaves "Ãñigo" where we read "Íñigo".
        if (
            not recoded
            or ours_score < ftfy_score
            or (
                ours_score == ftfy_score
                and (invented_break or swallowed_space or prefers(ours_text, ftfy_text, lang=lang))
            )
        ):
            text = ours_text
            notes = [("mojibake", _reading_note(reading)), *ours_notes]
    elif suspicion(ftfy_text) > 0 and (pieces := piecewise_reading(ftfy_text, lang=lang)):
        text, more, _ = _ftfy(pieces[0], config)
        notes = [*notes, *(("mojibake", _reading_note(r)) for r in pieces[1]), *more]
    # Peel further layers (mojibake of mojibake, or what ftfy fixed only halfway).
    for _ in range(MAX_LAYERS - 1):
        deeper = best_reading(text, lang=lang)
        if deeper is None:
            break
        text, more, _ = _ftfy(deeper.text, config)
        notes = [*notes, ("mojibake", _reading_note(deeper)), *more]
    return text, _dedupe(notes)


def _reading_note(reading: Reading) -> str:
    summary, guesses = reading.summary, reading.guesses
    if guesses:
        summary += " (" + ", ".join(guesses[:5]) + (", …" if len(guesses) > 5 else "") + ")"
    return summary


def _dedupe(notes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(notes))

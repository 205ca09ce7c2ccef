"""A fast proof that a piece of copy holds nothing for the mojibake heuristics to flag.

:func:`masthead.text.normalise.line_needs_work` asks ftfy's ``badness`` and our
:func:`~masthead.text.plausibility.suspicion` whether a line looks damaged. Both are
alternations of a few dozen look-around patterns that the regular-expression engine tries at
every position, which costs 1-10 MB/s on clean Finnish, Russian or Thai copy: most of what
ingest sees. Hand-written here rather than found in a library because the question is about
*our* heuristics: no package answers "would these two regexes find nothing?" faster.

:func:`cannot_look_damaged` answers that question in a few C-speed scans. It is a
*sufficient* condition: when it says True, neither heuristic can match (so repair leaves the
copy as it is, exactly as before); when it says False the full heuristics run as before. The
argument, branch by branch:

1. Every branch of ftfy's ``BADNESS_RE`` and of our suspicion patterns needs at least one
   character from :data:`TRIGGERS` (C1 controls, ftfy's "bad", currency, numeric, law and
   box characters, its start/end punctuation, our odd symbols and maths), *or* it is made
   only of letters, ASCII and the everyday typography in :data:`TYPOGRAPHY`.
2. Those letter-and-typography branches are listed one by one in :data:`_LETTER_BRANCHES`,
   each rewritten (or widened) to start with a character class, so that the engine skips
   straight to the few places where one could match: an accented capital after a lower-case
   letter, a quotation mark glued to an accented letter, ``Ã``/``Â`` before a space...
3. Letters of two scripts glued together and broken Thai orthography are checked only for
   the scripts the text actually holds.

``tests/text/test_precheck.py`` checks the claim against the full heuristics on
generated text made of exactly the characters that matter.
"""

from __future__ import annotations

import re

from ftfy.badness import MOJIBAKE_CATEGORIES

from masthead.text.plausibility import (
    _ARABIC,
    _CYRILLIC,
    _GREEK,
    _HEBREW,
    _LATIN,
    _LOWER,
    _ODD_SYMBOLS,
    _THAI,
    _THAI_CONSONANT,
    _UPPER,
)
from masthead.text.strong import A_TILDE_FOLLOWERS

_BMP = "".join(chr(cp) for cp in range(0x80, 0x10000) if not 0xD800 <= cp <= 0xDFFF)


def _members(char_class: str) -> set[str]:
    """The characters of the BMP (above ASCII) that a regex character class body matches."""
    return set(re.findall(f"[{char_class}]", _BMP))


#: Typography of everyday copy in any language (English and German quotes, French guillemets,
#: dashes, the ellipsis). They take part in badness branches only next to particular letters,
#: which :data:`_LETTER_BRANCHES` checks, so they need not send a line to the slow path.
TYPOGRAPHY = frozenset("’‘“”«»„–—…")

_CATEGORIES = MOJIBAKE_CATEGORIES
#: Characters without which no badness or suspicion branch but the letter branches can match.
TRIGGERS = frozenset(
    set().union(
        *(
            _members(_CATEGORIES[name])
            for name in (
                "c1",
                "bad",
                "law",
                "currency",
                "start_punctuation",
                "end_punctuation",
                "numeric",
                "box",
                "common",
            )
        ),
        _members(_ODD_SYMBOLS),
        # Suspicion: box drawing, maths and Mac symbols; C1, U+FFFD and private use.
        _members("\u2500-\u259f\u221a\u222b\u220f\u2211\u03a9\u2248\u2260\u25ca\uf8ff"),
        _members("\u0080-\u009f\ufffd\ue000-\uf8ff"),
        # Badness literals outside the categories: degree sign (kaomoji and after capitals),
        # the ligature œ not followed by a Latin letter, MacRoman's √ ≈ ‚.
        set("°Œœ√≈‚"),
    )
    - TYPOGRAPHY
)
_TRIGGER = re.compile("[" + "".join(sorted(re.escape(ch) for ch in TRIGGERS)) + "]")

_UA = _CATEGORIES["upper_accented"]
_LA = _CATEGORIES["lower_accented"]
_LC = _CATEGORIES["lower_common"]
_Q = "«»“”‘„"


def _first_class_union(branches: list[tuple[str, str]]) -> re.Pattern[str]:
    """``[F1]R1|[F2]R2|...`` written as ``[F1F2...](?:(?<=[F1])R1|...)``.

    The same language; but a pattern that begins with one character class lets the engine
    scan for that class in C and try the branches only where one could match, where an
    alternation is tried branch by branch at every position (the difference between 1 and
    500 MB/s on clean copy).
    """
    firsts = "".join(first for first, _ in branches)
    rests = "|".join(f"(?<=[{first}]){rest}" for first, rest in branches)
    return re.compile(f"[{firsts}](?:{rests})")


# The branches that need no trigger character, each widened to begin with a character class.
# After the first character is consumed, ``(?<=[X].)`` looks at the character before it.
_NON_ASCII_LETTER = "[^\\x00-\\x7f\\W\\d_]"
_LETTER_BRANCHES = _first_class_union(
    [
        # badness [LA LC ”»][UA], [a-z][UA][...]; suspicion's capital inside a word.
        (f"{_UPPER}{_UA}", f"(?<=[{_LOWER}{_LA}{_LC}”»].)"),
        # badness [”»][LA]; [LA UA][end][start]; [LA UA][start end]\w.
        (_Q, f"(?:(?=[{_LA}])|(?<=[{_LA}{_UA}].)(?=[\\w{_Q}]))"),
        # badness [ÂÃÎÐ][Šš Ÿž quotes dashes]; [ÃÂ] before a space; Â before quotes.
        ("ÂÃÎÐ", f"(?=[ŠšŸž{_Q}–— ])"),
        # suspicion's strong pairs: Ã before what a continuation byte reads as ("Ã’", "Ã…").
        ("Ã", f"(?=[{re.escape(A_TILDE_FOLLOWERS)}])"),
        # badness Arabic-in-1252 ([ØÙ] x [ØÙ] x); Cyrillic/Greek-in-125x ([ВГРС] x [ВГРС]).
        ("ØÙ", "(?=[–—…’«“‘„»ŸŠ][ØÙ])"),
        ("ВГРСΒΓΞΟ", f"(?=[{_Q}][ВГРСΒΓΞΟ])"),
        # badness вЂ and ГўВЂВ.
        ("Ђ", "(?<=[вВ].)"),
        # suspicion: a non-ASCII letter glued to „ (the one odd symbol not a trigger).
        ("„", f"(?:(?<={_NON_ASCII_LETTER}.)|(?={_NON_ASCII_LETTER}))"),
    ]
)

_SCRIPTS = (_LATIN, _THAI, _CYRILLIC, _GREEK, _HEBREW, _ARABIC)
_ALL_SCRIPTS = "".join(_SCRIPTS)


def _runs_grammar(units: list[str]) -> re.Pattern[str]:
    """Text as a sequence of possessive ``units``: ``fullmatch`` fails where none fits.

    Each unit consumes a whole run in one step and never backtracks, so clean text is read
    in a few operations per word instead of a match attempt at every character.
    """
    return re.compile("(?:" + "|".join(units) + ")*+")


# Suspicion's script glue (a letter of one script touching a letter of another) as a
# grammar: runs of one script's letters, each followed by anything but another script's.
_UNGLUED = _runs_grammar(
    [f"[^{_ALL_SCRIPTS}]++"]
    + [
        f"[{script}]++(?![{''.join(other for other in _SCRIPTS if other != script)}])"
        for script in _SCRIPTS
    ]
)

# Suspicion's Thai orthography, as a grammar of what well-formed Thai is made of: a leading
# vowel before a consonant; a consonant carrying its marks; ฤๅ/ฦๅ; digits not glued to
# Latin letters or quotes; and runs of everything else.
_THAI_PRESENT = re.compile(f"[{_THAI}]")
_THAI_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_THAI_SPECIAL = f"{_THAI_CONSONANT}{_THAI_MARKS}\u0e40-\u0e45\u0e50-\u0e59"
_THAI_WELL_FORMED = _runs_grammar(
    [
        f"[^{_THAI_SPECIAL}]++",
        "[\u0e24\u0e26]\u0e45",
        f"[{_THAI_CONSONANT}][{_THAI_MARKS}]*+",
        f"[\u0e40-\u0e44](?=[{_THAI_CONSONANT}])",
        f"[\u0e50-\u0e59]++(?![{_LATIN}\u0080-\u00ff\u2018-\u201e])",
    ]
)


def cannot_look_damaged(text: str) -> bool:
    """True when neither ftfy's badness nor our suspicion can find anything in ``text``.

    False means "run the full heuristics", not "damaged". Call it on text that has passed the
    cheaper checks (control characters, NFC) already; it does not repeat them.
    """
    if _TRIGGER.search(text) or _LETTER_BRANCHES.search(text):
        return False
    if _THAI_PRESENT.search(text) and _THAI_WELL_FORMED.fullmatch(text) is None:
        return False
    return _UNGLUED.fullmatch(text) is not None

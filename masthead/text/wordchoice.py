"""Settling the places a lost byte leaves open by the words each candidate makes.

A byte lost inside a UTF-8 sequence, or replaced by U+FFFD, leaves several characters that
could have stood there, and :mod:`masthead.text.mojibake` ranks them by the character alone:
how common it is, whether the rest of the line is in a language that uses it. That settles
most places, but not "Íñigo" against "Áñigo" (both are Spanish letters) nor "Gdańsk" against
"Gdałsk". Here each candidate repair of the whole word is weighed by how often that word
occurs in the copy's language (:mod:`masthead.text.lexicon`), and a quotation mark by the
language's convention („…“ in German, “…” in English). Where no candidate makes a word the
lists know, the character heuristics' choice stands, as it did before.
"""

from __future__ import annotations

import difflib
import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from masthead.text.lexicon import (
    alphabet,
    detect_language,
    is_known,
    phrase_score,
    quote_marks,
    tokens,
)


@dataclass(frozen=True)
class Spot:
    """A damaged place in a reading where the bytes leave several characters possible.

    ``options`` are the candidate texts for ``text[start:end]`` of the reading, best first
    by the character heuristics; the reading holds ``options[0]``. An option may end in the
    ASCII a shorter completion leaves unread ("Á " against "à", both read from "Ã ").
    ``unit`` is where the spot starts in the decoder's input, the key of a choice.
    """

    unit: int
    start: int
    end: int
    options: tuple[str, ...]


#: A word must be this much more frequent (in Zipf units, log10) than the character
#: heuristics' choice to replace it: near-ties are no evidence. When that choice is itself
#: a word, it takes ten times the frequency: "hộ" and "họ" are both Vietnamese.
MIN_GAIN = 0.3
KNOWN_MIN_GAIN = 1.0
#: Candidate readings weighed per word at most; a word with several open places tries
#: fewer candidates at each (the character heuristics' best ones, the language's own
#: letters first).
MAX_CANDIDATES = 1024
_QUOTE_LIKE = frozenset("‘’‚‛“”„‟«»‹›¡¿")
_DOUBLE_QUOTES = frozenset("“”„‟«»")
#: Symbols a number carries ("−5 °C", "2½", "±3", "€40", "3–1"): beside a digit, a spot
#: that can be one of these is one.
NUMERIC_SYMBOLS = frozenset("−–—±°½¼¾⅓⅔€£¥%‰×′″")
_BEFORE_NUMBER = frozenset("−±€£¥")
_AFTER_NUMBER = frozenset("°½¼¾⅓⅔%‰′″€")
_BETWEEN_NUMBERS = frozenset("–—×")
_OPENS_AFTER = frozenset("([{ \t\u00a0")
_CLOSES_BEFORE = frozenset(",.;:!?)]} \t\u00a0")
_SENTENCE_END = frozenset(".!?:")


def choose_by_words(
    text: str, spots: Sequence[Spot], *, lang: str | None = None, context: str | None = None
) -> dict[int, str]:
    """The options to take at ``spots`` of ``text`` where words or typography say so.

    ``lang`` is the caller's language tag, if any; otherwise the language is found from the
    words of ``text`` outside the open places, and of ``context`` (the whole line, when
    ``text`` is one word of it). Returns a mapping from :attr:`Spot.unit` to the option.
    """
    groups = _word_groups(text, spots)
    # Where the current choice is no letter, the spot may be a quotation mark or a number's
    # symbol; a word made of its options (the "ú" of "÷řadu") still goes first.
    marks = [spot for spot in spots if not _is_word_char(spot.options[0][0])]
    if not groups and not marks:
        return {}
    outside = list(text)
    for start, end, _ in groups:
        outside[start:end] = " " * (end - start)
    sample = "".join(outside) + " " + (context or "")
    language = detect_language(sample, hint=lang)
    choices: dict[int, str] = {}
    for start, end, group in groups:
        chosen = _best_word(text, start, end, group, language)
        for spot, option in zip(group, chosen, strict=True):
            option = _cased(text, start, end, spot, option)
            if option != spot.options[0]:
                choices[spot.unit] = option
    for spot in marks:
        if spot.unit in choices:
            continue
        mark = _quote_mark(text, spot, language) if spot.options[0] in _QUOTE_LIKE else None
        mark = mark or _numeric_symbol(text, spot)
        if mark is not None:
            choices[spot.unit] = mark
    return choices


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _is_letter_spot(spot: Spot) -> bool:
    return any(option[:1] and _is_word_char(option[0]) for option in spot.options)


def _word_groups(text: str, spots: Sequence[Spot]) -> list[tuple[int, int, list[Spot]]]:
    """The words holding letter spots, as (start, end, spots), neighbouring spots merged."""
    groups: list[tuple[int, int, list[Spot]]] = []
    for spot in spots:
        if not _is_letter_spot(spot):
            continue
        start, end = spot.start, spot.end
        while start > 0 and _is_word_char(text[start - 1]):
            start -= 1
        while end < len(text) and _is_word_char(text[end]):
            end += 1
        if groups and start < groups[-1][1]:
            first, _, members = groups[-1]
            groups[-1] = (first, max(end, groups[-1][1]), [*members, spot])
        else:
            groups.append((start, end, [spot]))
    return groups


def _best_word(text: str, start: int, end: int, group: list[Spot], lang: str) -> tuple[str, ...]:
    """The options for ``group`` (the open places of ``text[start:end]``) that make the most
    likely word, if it is known and clearly likelier than the current one."""
    current = tuple(spot.options[0] for spot in group)
    own = alphabet(lang)
    per_spot = max(2, int(MAX_CANDIDATES ** (1 / len(group))))
    ranked = [
        sorted(spot.options, key=lambda o: not all(ch.isascii() or ch in own for ch in o))[
            :per_spot
        ]
        for spot in group
    ]

    def assemble(combo: Sequence[str]) -> str:
        pieces, at = [], start
        for spot, option in zip(group, combo, strict=True):
            pieces += [text[at : spot.start], option]
            at = spot.end
        pieces.append(text[at:end])
        return "".join(pieces)

    current_score = phrase_score(assemble(current), lang)
    best, best_score = current, current_score
    for combo in itertools.islice(itertools.product(*ranked), MAX_CANDIDATES):
        score = phrase_score(assemble(combo), lang)
        if score > best_score + 1e-9:
            best, best_score = combo, score
    if best == current:
        return current
    known = all(is_known(word, lang) for word in tokens(assemble(current)))
    if best_score < current_score + (KNOWN_MIN_GAIN if known else MIN_GAIN):
        return current
    if not all(is_known(word, lang) for word in tokens(assemble(best))):
        return current
    return best


def _cased(text: str, start: int, end: int, spot: Spot, option: str) -> str:
    """``option``, or the same letter in the other case where its place in the word
    ``text[start:end]`` asks for it.

    Frequencies cannot tell "Łukasz" from "łukasz", and the lost byte was all that did. A
    letter in a word of capitals is a capital, any other letter after the first is small;
    a first letter is a capital at the start of a sentence and left as it is elsewhere (no
    telling a name from a word there).
    """
    if not option[:1].isalpha():
        return option
    swapped = option[0].swapcase() + option[1:]
    if swapped == option or swapped not in spot.options:
        return option
    others = [ch for ch in text[start : spot.start] + text[spot.end : end] if ch.isalpha()]
    if len(others) >= 2 and all(ch.isupper() for ch in others):
        upper = True
    elif spot.start > start:
        upper = False
    else:
        head = text[:start].rstrip(" \t\u00a0" + "".join(_QUOTE_LIKE) + "\"'(")
        if head and head[-1] not in _SENTENCE_END:
            return option
        upper = True
    return (option[0].upper() if upper else option[0].lower()) + option[1:]


def _quote_mark(text: str, spot: Spot, lang: str) -> str | None:
    """The mark ``lang`` writes at the spot (an apostrophe between letters, an opening or
    a closing quote), where the bytes allow it and the current mark is not one of them.

    A single mark stands unless the line quotes with double marks elsewhere: "players’"
    is an apostrophe, but „Wir … sparen‘ is one pair.
    """
    prev = text[spot.start - 1] if spot.start else " "
    nxt = text[spot.end] if spot.end < len(text) else " "
    openers, closers = quote_marks(lang)
    if prev.isalnum() and nxt.isalpha():
        wanted = "’"
    elif prev in _OPENS_AFTER and nxt.isalnum():
        wanted = openers
    elif prev not in _OPENS_AFTER and nxt in _CLOSES_BEFORE:
        wanted = closers
    else:
        return None
    current = spot.options[0]
    doubles = any(ch in _DOUBLE_QUOTES for ch in text[: spot.start] + text[spot.end :])
    if current in wanted and not (doubles and current not in _DOUBLE_QUOTES):
        return None
    available = [mark for mark in wanted if mark in spot.options]
    if doubles:
        available.sort(key=lambda mark: mark not in _DOUBLE_QUOTES)
    return available[0] if available and available[0] != current else None


def _numeric_symbol(text: str, spot: Spot) -> str | None:
    """The plain symbol of a number ("−5", "2½", "41°"), where a spot beside a digit offers
    one and holds something else ("➒5" for a minus sign whose middle byte was lost).

    Which side the digit is on narrows it: ± − € £ come before a number, ° ½ % after it,
    dashes and × between two.
    """
    digit_before = _beside_digit(text[max(0, spot.start - 2) : spot.start], before=True)
    digit_after = _beside_digit(text[spot.end : spot.end + 2], before=False)
    if not (digit_before or digit_after) or spot.options[0] in NUMERIC_SYMBOLS:
        return None
    if digit_before and digit_after:
        fitting = _BETWEEN_NUMBERS
    elif digit_after:
        fitting = _BEFORE_NUMBER
    else:
        fitting = _AFTER_NUMBER
    options = [option for option in spot.options if option in NUMERIC_SYMBOLS]
    options.sort(key=lambda option: option not in fitting)
    return options[0] if options else None


def _beside_digit(neighbours: str, *, before: bool) -> bool:
    """Whether a digit is next to the spot, or one space away ("25 °C", "€ 40")."""
    near = neighbours[::-1] if before else neighbours
    return near[:1].isdigit() or (near[:1] == " " and near[1:2].isdigit())


def prefers(ours: str, theirs: str, *, lang: str | None = None, strict: bool = False) -> bool:
    """Whether the words where ``ours`` and ``theirs`` differ are clearly likelier in ours.

    For two repairs of one line that the character heuristics find equally plausible
    (ftfy's "Ãñigo" and our "Íñigo", its "và o" and our "vào"): the words they share say
    which language the line is in, the words they do not share which repair is right. Ours
    must make only words the lists know; with ``strict``, theirs none (the line as it
    arrived against a reading of it: "marcĂł" against "marcó").
    """
    a, b = ours.split(), theirs.split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    opcodes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if not opcodes:
        return False
    shared = " ".join(
        " ".join(a[i1:i2]) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag == "equal"
    )
    language = detect_language(shared, hint=lang)
    gain = 0.0
    for _, i1, i2, j1, j2 in opcodes:
        # Tokens without a letter ("3–1", "2½") are no words to weigh, here or there.
        mine = " ".join(t for t in a[i1:i2] if any(ch.isalpha() for ch in t))
        other = " ".join(t for t in b[j1:j2] if any(ch.isalpha() for ch in t))
        if not all(is_known(word, language) for word in tokens(mine)):
            return False
        if strict and any(is_known(word, language) for word in tokens(other)):
            return False
        gain += phrase_score(mine, language) - phrase_score(other, language)
    return gain >= MIN_GAIN

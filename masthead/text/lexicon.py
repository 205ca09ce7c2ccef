"""How likely a word is in a language, and which language a line is in.

Where a lost or replaced byte leaves several characters possible, the characters alone
cannot say which one the writer used: Á and Í are both Spanish letters, ń and ł both Polish.
The word can: "Íñigo" is a name and "Áñigo" nothing, "Gdańsk" a city and "Gdałsk" no word.
The frequencies come from ``wordfreq``, which ships its lists for some forty languages and
needs no network. Only its "small" lists are used (about 40,000 words each, some 5 MB in
memory once loaded): a word rarer than that is left to the character heuristics, as before.

``wordfreq`` takes about 0.2 s to import and each list some 10 ms to load, so both happen on
first use, which is only ever on damaged text with candidates to choose between; clean copy
never reaches this module. To find the language, only the head of each list is read (see
:func:`detect_language`), so that only the lists of the languages actually met stay loaded.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

from masthead.text.plausibility import LANGUAGE_LETTERS

#: The wordfreq languages written in scripts our code pages produce.
WORDFREQ_LANGUAGES = frozenset(
    "ar bg ca cs da de el en es fa fi fr he hu id is it lt lv mk ms nb nl pl pt ro ru sh sk "
    "sl sv tr uk vi".split()
)
# Callers' names for them: Serbian, Croatian and Bosnian share the "sh" list, and
# Norwegian is Bokmål.
_ALIASES = {"no": "nb", "nn": "nb", "hr": "sh", "sr": "sh", "bs": "sh"}

# The letter profiles of plausibility.LANGUAGE_LETTERS as wordfreq languages, and the letters
# of the languages it does not list.
_PROFILE_LANGUAGES = {"nordic": ("nb", "da", "sv", "fi", "is"), "hr": ("sh",), "sr": ("sh",)}
_MORE_LETTERS = {
    "it": "àèéìíîòóùÀÈÉÌÒÙ",
    "nl": "éëïöüèáóÉËÏÖÜ",
    "ca": "àèéíïòóúüçÀÈÉÍÏÒÓÚÜÇ",
    "sl": "čšžČŠŽ",
}
_LETTER_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _profile_name, _letters in [*LANGUAGE_LETTERS.items(), *_MORE_LETTERS.items()]:
    for _ch in _letters:
        _known = _LETTER_LANGUAGES.get(_ch, ())
        _new = _PROFILE_LANGUAGES.get(_profile_name, (_profile_name,))
        _LETTER_LANGUAGES[_ch] = _known + tuple(lang for lang in _new if lang not in _known)

#: What an unknown word counts for: rarer than anything on a "small" list (Zipf 3, the
#: lists' floor, is one use per million words).
UNKNOWN_ZIPF = 1.0
#: A word found only in another language's list (a Spanish name in English copy) counts for
#: this much less than one of the line's own language; at most this many others are asked.
FOREIGN_PENALTY = 1.0
_FOREIGN_LANGUAGES = 3

# Words: letters, with apostrophes and hyphens inside ("l’équipe", "Saint-Étienne").
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\u00b7-](?=[^\W\d_]))*")
_INNER = frozenset("'’-\u00b7")
_PARTS = re.compile("['’\u00b7-]")
_PUNCTUATION = "".join(
    chr(cp) for cp in range(0x2100) if unicodedata.category(chr(cp)).startswith("P")
)

# Detection: enough of a line's words to tell languages apart (more only costs time), and
# enough of each language's commonest words to recognise its function words.
_DETECTION_WORDS = 40
_PROFILE_WORDS = 1000
#: What each letter of the text that a language does not use costs it, in Zipf units.
_FOREIGN_LETTER_COST = 1.0
_SCRIPT_OF_LANGUAGE = {
    **dict.fromkeys(("ru", "uk", "bg", "mk"), "cyrl"),
    "el": "grek",
    "he": "hebr",
    **dict.fromkeys(("ar", "fa"), "arab"),
}
_SCRIPT_RANGES = {
    "cyrl": (0x0400, 0x04FF),
    "grek": (0x0370, 0x03FF),
    "hebr": (0x0590, 0x05FF),
    "arab": (0x0600, 0x06FF),
}

#: Quotation marks by language, (openers, closers), the usual ones first: where a lost
#: byte leaves „ “ ” or « ¡ open, the language's convention decides. English is the default.
_QUOTES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("de", "cs", "sk", "sl", "da", "is", "lt", "lv"), ("„‚»", "“‘«")),
    **dict.fromkeys(("pl", "hu", "ro", "sh", "nl"), ("„«»", "”»«")),
    **dict.fromkeys(("fr", "el"), ("«“", "»”")),
    **dict.fromkeys(("es", "ca"), ("«“¡¿", "»”")),
    **dict.fromkeys(("ru", "uk", "bg", "mk", "nb"), ("«„", "»“")),
    **dict.fromkeys(("sv", "fi"), ("”»", "”»")),
}
_ENGLISH_QUOTES = ("“‘", "”’")


def language_of(hint: str | None) -> str | None:
    """The wordfreq language for a caller's language tag ("de-AT", "pt_BR", "no"); None if
    wordfreq has no list for it."""
    if not hint:
        return None
    base = re.split(r"[-_]", hint.strip().lower(), maxsplit=1)[0]
    base = _ALIASES.get(base, base)
    return base if base in WORDFREQ_LANGUAGES else None


@cache
def _wordfreq() -> Any:
    # Imported on first use: it costs 0.2 s, and only damaged text ever needs it.
    import wordfreq

    return wordfreq


@lru_cache(maxsize=1 << 16)
def zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of ``word`` (log10 of uses per billion words), 0 if unknown."""
    # wordfreq splits elisions at the ASCII apostrophe ("l'équipe"), not at copy's ’.
    word = word.replace("’", "'")
    return float(_wordfreq().zipf_frequency(word, lang, wordlist="small"))


def words(text: str) -> list[str]:
    """The words of ``text`` (letters, with inner apostrophes and hyphens), for detection."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


def tokens(text: str) -> list[str]:
    """The space-separated tokens of ``text`` that are words or meant to be, for scoring.

    Punctuation around a token is dropped ("said," is "said"). A symbol or digit *inside*
    a token stays, so that "÷řadu" and "²Vi" count as the non-words they are.
    """
    found = []
    for token in unicodedata.normalize("NFC", text).split():
        token = token.strip(_PUNCTUATION)
        if token:
            found.append(token)
    return found


def letter_languages(text: str, limit: int | None = None) -> list[str]:
    """Languages whose own letters occur in ``text``, those with the most of them first."""
    counts: dict[str, int] = {}
    for ch in dict.fromkeys(text):  # in order of appearance, so that ties are deterministic
        for lang in _LETTER_LANGUAGES.get(ch, ()):
            counts[lang] = counts.get(lang, 0) + 1
    ranked = sorted(counts, key=lambda lang: -counts[lang])
    return ranked[:limit] if limit is not None else ranked


@cache
def alphabet(lang: str) -> frozenset[str]:
    """The non-ASCII letters copy in ``lang`` is written with (none for English)."""
    return frozenset(ch for ch, langs in _LETTER_LANGUAGES.items() if lang in langs)


def word_score(word: str, lang: str) -> float:
    """How plausible ``word`` is in copy written in ``lang``: its Zipf frequency there, or in
    a language its letters belong to (less a penalty), or :data:`UNKNOWN_ZIPF`."""
    if not all(unicodedata.category(ch)[0] in "LM" or ch in _INNER for ch in word):
        return UNKNOWN_ZIPF
    if not all(_cased_like_a_word(part) for part in _PARTS.split(word)):
        return UNKNOWN_ZIPF  # "ĐỐi", "tÊn": the lists ignore case, copy does not
    score = zipf(word, lang)
    if score > 0:
        return score
    for other in letter_languages(word, limit=_FOREIGN_LANGUAGES):
        if other != lang:
            score = max(score, zipf(word, other) - FOREIGN_PENALTY)
    return max(score, UNKNOWN_ZIPF)


def _cased_like_a_word(part: str) -> bool:
    """Small letters, capitals, or a capital and small letters: "wien", "WIEN", "Wien"."""
    return len(part) < 2 or part.islower() or part.isupper() or part[1:].islower()


def is_known(word: str, lang: str) -> bool:
    return word_score(word, lang) > UNKNOWN_ZIPF


def phrase_score(text: str, lang: str) -> float:
    """Log-likelihood (base 10) of the words of ``text`` as independent words of ``lang``.

    Additive across words, so "vào" (one common word) and "và o" (a common word and a rare
    one) compare as readings of the same bytes.
    """
    return sum(word_score(token, lang) - 9.0 for token in tokens(text))


def detect_language(text: str, *, hint: str | None = None) -> str:
    """The language of ``text``: the caller's ``hint`` when wordfreq knows it, else the one
    whose commonest words make up most of ``text``.

    wordfreq has no detector, and loading every language's list to find out would cost
    some 150 MB; the commonest :data:`_PROFILE_WORDS` words of each (function words,
    mostly) tell languages apart as well, and a language whose alphabet lacks letters the
    text holds loses a little for each (English copy rarely has ñ in every other word).
    Only languages of the scripts the text is in are asked. English when nothing is known.
    """
    known = language_of(hint)
    if known is not None:
        return known
    sample = [word.casefold() for word in words(text)][:_DETECTION_WORDS]
    letters = {ch for ch in text if ch.isalpha() and not ch.isascii()}
    scripts = {_script(ch) for ch in letters}
    if any(word.isascii() for word in sample):
        scripts.add("latn")
    best, best_score = "en", 0.0
    for lang in sorted(WORDFREQ_LANGUAGES):
        if _SCRIPT_OF_LANGUAGE.get(lang, "latn") not in scripts:
            continue
        profile, own = _profile(lang), alphabet(lang)
        score = sum(profile.get(word, 0.0) for word in sample)
        score -= _FOREIGN_LETTER_COST * sum(1 for ch in letters if ch.lower() not in own)
        if score > best_score + 1e-9:
            best, best_score = lang, score
    return best


def _script(ch: str) -> str:
    cp = ord(ch)
    for script, (low, high) in _SCRIPT_RANGES.items():
        if low <= cp <= high:
            return script
    return "latn"


@cache
def _profile(lang: str) -> dict[str, float]:
    """The commonest words of ``lang`` with their Zipf frequencies.

    Read straight from wordfreq's file with its ``read_cBpack`` rather than through its
    lookups, which keep the whole list in memory for good; this keeps only the head.
    """
    wordfreq = _wordfreq()
    profile: dict[str, float] = {}
    path = wordfreq.available_languages("small")[lang]
    # cBpack: one list of words per centibel of frequency, commonest first; -900 cB is Zipf 0.
    for index, bucket in enumerate(wordfreq.read_cBpack(path)):
        for word in bucket:
            profile[word] = (900 - index) / 100
        if len(profile) >= _PROFILE_WORDS:
            break
    return profile


def quote_marks(lang: str) -> tuple[str, str]:
    """The opening and the closing quotation marks of ``lang``, the usual ones first."""
    return _QUOTES.get(lang, _ENGLISH_QUOTES)

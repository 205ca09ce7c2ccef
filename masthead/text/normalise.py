"""Cheap checks and the small normalisations ftfy does not do.

The fast path matters: almost every field at ingest is already clean English, and
:func:`is_plainly_clean` lets :func:`masthead.text.repair` return it after one regular
expression scan instead of a trip through ftfy.
"""

from __future__ import annotations

import html.entities
import re
import unicodedata

from ftfy.badness import is_bad

from masthead.text.plausibility import suspicion
from masthead.text.precheck import cannot_look_damaged

# ASCII plus the typography of ordinary English copy. Mojibake always involves some other
# character (â, Ã, Thai, C1 controls...), so text made only of these cannot hold any.
_NOT_PLAIN = re.compile(
    "[^\t\n\r -%'-~\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u20ac\u00a3\u00a9]"
)

# Characters that always deserve a closer look: controls, NBSP-likes, BOMs, U+FFFD, lone
# surrogates, ligatures ftfy expands, invisible format characters. (Full-width forms are not
# here: they are how Chinese and Japanese copy is punctuated, and repair leaves them alone.)
_ATTENTION = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a0\u2007\u202f\ufeff\ufffd\ud800-\udfff"
    "\u0132\u0133\u013f\u0140\u0149\u01c4-\u01cc\u01f1-\u01f3\ufb00-\ufb06\u2028\u2029\u2060-\u206f]"
)

# Full-width Latin and punctuation and half-width kana, which ftfy folds; and the CJK scripts
# in whose copy they are the right characters ("，" "（" "１５日"), so folding them there
# would damage genuine text. In Latin copy they are artefacts ("Ningbo，China").
_WIDTH_FORMS = re.compile("[\uff01-\uff5e\uff61-\uff9f]")
_CJK = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]")

_HTML_TAG = re.compile(r"<[A-Za-z!/?]")

_DOUBLE_ESCAPED = re.compile(
    r"&amp;(?=(?:amp;)*(#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};))"
)
_ENTITY_NAMES = frozenset(name for name in html.entities.html5 if name.endswith(";"))

_NBSP_LIKE = "\u00a0\u2007\u202f"
_SPACE_RUN = re.compile(f"(?:[ \t{_NBSP_LIKE}]|&nbsp;|&#160;|&#[xX][aA]0;){{2,}}")


def is_plainly_clean(text: str) -> bool:
    """True when ``text`` needs no repair at all: ASCII-ish typography, no entities."""
    return "&" not in text and _NOT_PLAIN.search(text) is None


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds markup, in which case entities are its business, not ours."""
    return _HTML_TAG.search(text) is not None


def folds_width(text: str) -> bool:
    """Whether full-width forms in ``text`` are artefacts to fold: it holds no CJK copy."""
    return _CJK.search(text) is None


def is_clean(text: str) -> bool:
    """True when no line of ``text`` needs work (see :func:`line_needs_work`), found cheaply.

    Runs on the whole text at once: the checks are character classes and look-arounds over
    letters, which a line break never satisfies, so the text passes exactly when every line
    would. False only means "look line by line".
    """
    return is_plainly_clean(text) or (
        "&" not in text
        and _ATTENTION.search(text) is None
        and (_WIDTH_FORMS.search(text) is None or not folds_width(text))
        and unicodedata.is_normalized("NFC", text)
        and cannot_look_damaged(text)
    )


def line_needs_work(line: str, *, unescape: bool, fold_width: bool) -> bool:
    """Whether ``line`` could be changed by ftfy or by our code-page repair at all."""
    if is_plainly_clean(line):
        return False
    if _ATTENTION.search(line) or (unescape and "&" in line):
        return True
    if fold_width and _WIDTH_FORMS.search(line):
        return True
    if not unicodedata.is_normalized("NFC", line):
        return True
    if cannot_look_damaged(line):
        return False
    return is_bad(line) or suspicion(line) > 0


def undo_double_escaping(text: str) -> str:
    """``&amp;#8217;`` → ``&#8217;``, ``&amp;amp;`` → ``&amp;``: one escape too many.

    Feeds that escape already-escaped HTML leave readers looking at ``&#8217;``. Only an
    ``&amp;`` in front of something that is itself a character reference is undone, so a
    literal ``&amp;`` in markup stays as it is.
    """

    def unescape_once(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref.startswith("#") or ref in _ENTITY_NAMES:
            return "&"
        return match.group(0)

    previous = None
    while previous != text:
        previous = text
        text = _DOUBLE_ESCAPED.sub(unescape_once, text)
    return text


def collapse_nbsp_soup(text: str) -> str:
    """Runs of spaces mixed with non-breaking spaces become one space.

    Word processors and CMS exports pad text with ``\\u00a0 \\u00a0`` to fake layout; on a
    web page that is just a ragged gap. A single NBSP (``10\\u00a0km``) is deliberate and kept,
    and runs of plain spaces are left alone (that is the template's business).
    """

    def collapse(match: re.Match[str]) -> str:
        run = match.group(0)
        if any(ch in run for ch in _NBSP_LIKE) or "&" in run:
            return " "
        return run

    return _SPACE_RUN.sub(collapse, text)

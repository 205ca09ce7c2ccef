"""The fast precheck never clears text the full mojibake heuristics would flag.

``cannot_look_damaged`` lets clean copy skip ftfy's badness and our suspicion patterns. It is
only sound if it is a sufficient condition: True must imply that neither heuristic matches.
Hypothesis builds text out of exactly the characters those heuristics are about (accented
capitals, quotes, Cyrillic and Greek letters they name, Thai marks, the typography we let
through) so that near-misses are common, and checks the implication.
"""

from __future__ import annotations

import re

from ftfy.badness import MOJIBAKE_CATEGORIES, badness
from hypothesis import example, given, settings
from hypothesis import strategies as st

from masthead.text.plausibility import _SUSPICION_PATTERNS, suspicion
from masthead.text.precheck import (
    _THAI_PRESENT,
    _THAI_WELL_FORMED,
    _UNGLUED,
    TRIGGERS,
    TYPOGRAPHY,
    cannot_look_damaged,
)

_BMP = "".join(chr(cp) for cp in range(0x80, 0x3000))


def _chars(char_class: str) -> list[str]:
    return sorted(set(re.findall(f"[{char_class}]", _BMP)))


NAMED = sorted(
    {
        ch
        for name in ("upper_accented", "lower_accented", "upper_common", "lower_common", "kaomoji")
        for ch in _chars(MOJIBAKE_CATEGORIES[name])
    }
    | set("ÂÃÎÐØÙВГРСΒΓΞΟЂвўŠšŸžŒœ")
)
THAI = _chars("\u0e01-\u0e5b")
OTHER_SCRIPTS = list("שלוםمرحباΑθήναМосква東京한국😂👍")
ASCII = list("aeiouAEZ .,?!-'\"\t09")
POOL = ASCII * 3 + sorted(TYPOGRAPHY) * 2 + NAMED + THAI + OTHER_SCRIPTS + sorted(TRIGGERS)[:40]

texts = st.text(alphabet=st.sampled_from(POOL), min_size=1, max_size=12)
# Words of one script between spaces: clean-looking text, where the precheck says True often.
words = st.lists(
    st.one_of(
        st.text(alphabet=st.sampled_from(NAMED + ASCII[:8] + sorted(TYPOGRAPHY)), max_size=6),
        st.text(alphabet=st.sampled_from(THAI), max_size=6),
    ),
    max_size=6,
).map(" ".join)

_THAI_PATTERNS = _SUSPICION_PATTERNS[4:8]
_GLUE_PATTERN = _SUSPICION_PATTERNS[1]


@settings(max_examples=3000, deadline=None)
@given(st.one_of(texts, words))
@example("Müller’s café, „Über“ — «Москва» Αθήνα กรุงเทพ")
@example("aÉ")
@example("é”a")
@example("Ã ")
@example("Ã’a")
@example(" Ã…lesund")
@example("Ā©")
def test_it_never_clears_text_the_heuristics_flag(text: str) -> None:
    if cannot_look_damaged(text):
        assert badness(text) == 0
        assert suspicion(text) == 0


@settings(max_examples=2000, deadline=None)
@given(st.one_of(texts, words))
@example("aโฃa")
@example("ฤๅ ไก ๑๒a")
def test_it_reads_thai_orthography_and_script_glue_exactly_as_the_patterns_do(text: str) -> None:
    thai_broken = any(p.search(text) for p in _THAI_PATTERNS)
    assert (_THAI_WELL_FORMED.fullmatch(text) is None) == thai_broken or not _THAI_PRESENT.search(
        text
    )
    assert (_UNGLUED.fullmatch(text) is None) == bool(_GLUE_PATTERN.search(text))


def test_it_clears_clean_copy_of_every_script() -> None:
    for text in (
        "Helsingin kaupunginvaltuusto päätti keskiviikkona – ”Emme voi”, hän sanoi.",
        "„Wir müssen sparen“, sagte Bürgermeisterin Jäger.",
        "Le président a déclaré à l’Élysée que « la réforme » serait présentée.",
        "Президент выступил в Москве: «переговоры продолжатся» — но без уступок.",
        "Ο πρωθυπουργός μίλησε στην Αθήνα.",
        "นายกรัฐมนตรีกล่าวในวันพุธว่ารัฐบาลจะจัดการเลือกตั้งใหม่",
        "中国外交部发言人表示，中方坚决反对。",
        "Thủ tướng Phạm Minh Chính thăm Đà Nẵng.",
    ):
        assert cannot_look_damaged(text), text


def test_it_does_not_clear_mojibake() -> None:
    for text in ("Latviaโ€™s", "Andris Sprลซds", "cafÃ©", "donâ€™t", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "HÃ¥kan"):
        assert not cannot_look_damaged(text), text

"""repair() and explain(): the live Windows-874 case, normalisation, and leaving good text alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.text import Repair, explain, repair


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ("Latviaโ€™s", "Latvia’s"),
        ("Andris Sprลซds", "Andris Sprūds"),
        ("(CNN) โ€” Wednesday", "(CNN) — Wednesday"),
        ("someday,โ€ he said", "someday,” he said"),
        ("โ„ข & ยฉ 2025", "™ & © 2025"),
    ],
)
def test_it_fixes_the_cases_seen_on_the_live_site(damaged: str, expected: str) -> None:
    assert repair(damaged) == expected


def test_it_fixes_what_ftfy_fixes() -> None:
    assert repair("Ã©lan vital, donâ€™t") == "élan vital, don’t"


def test_it_keeps_curly_quotes() -> None:
    assert repair("“Yes,” she said — ‘no’.") == "“Yes,” she said — ‘no’."


def test_it_normalises_to_nfc() -> None:
    assert repair("Cafe\u0301 Zu\u0308rich") == "Café Zürich"


def test_it_removes_stray_control_characters() -> None:
    assert repair("Breaking\x00 news\x1b[31m\x07") == "Breaking news"


def test_it_undoes_double_escaped_entities_in_plain_text() -> None:
    assert repair("Don&amp;#8217;t &amp;amp; won&amp;rsquo;t") == "Don’t & won’t"


def test_it_leaves_entities_alone_in_markup_except_the_extra_escape() -> None:
    assert repair("<p>AT&amp;T &amp;#8217;</p>") == "<p>AT&amp;T &#8217;</p>"


def test_it_collapses_nbsp_soup_but_keeps_a_single_nbsp() -> None:
    assert repair("Word\u00a0 \u00a0 word 10\u00a0km") == "Word word 10\u00a0km"


def test_it_explains_what_it_changed() -> None:
    repairs = explain("Latviaโ€™s\nsomeday,โ€ he said")
    assert all(isinstance(r, Repair) for r in repairs)
    text = "\n".join(str(r) for r in repairs)
    assert "line 1: UTF-8 that had been read as Windows-874 (Thai)" in text
    assert "line 2" in text and "lost 0x9D" in text
    assert str(Repair("nbsp", "collapsed")) == "nbsp: collapsed"


def test_it_explains_nothing_for_clean_text() -> None:
    assert explain("Plain, clean copy — with “quotes”.") == []
    assert explain("กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย") == []


def test_it_keeps_line_breaks() -> None:
    assert repair("one\ntwo\n\nthree\n") == "one\ntwo\n\nthree\n"
    assert repair("Latviaโ€™s\r\nnext") == "Latvia’s\nnext"


# Words of real text in the scripts readers of a regional paper meet; hypothesis mixes them
# into sentences. Mixing happens at word level, as it does in real copy.
THAI = [
    "กรุงเทพ",
    "ประเทศไทย",
    "รัฐบาล",
    "เลือกตั้ง",
    "นายกรัฐมนตรี",
    "ข่าว",
    "วันนี้",
    "โคตร",
    "แขก",
    "ลด",
    "รถ",
    "ซื้อ",
    "เมือง",
    "ภาษา",
    "๒๕๖๘",
    "ไทย",
    "ใหม่",
    "ฝน",
    "ฤดู",
    "ฦ",
]
GREEK = ["Αθήνα", "πρωθυπουργός", "μίλησε", "Κυριάκος", "εκλογές", "Θεσσαλονίκη", "ψήφος"]
CYRILLIC = ["Москва", "Київ", "Зеленський", "выборы", "президент", "їжак", "ґанок", "Србија"]
VIETNAMESE = ["Thủ", "tướng", "Phạm", "Chính", "Đà", "Nẵng", "vào", "thứ", "Tư", "người"]
LATIN = ["Müller", "café", "Łódź", "Sprūds", "Rīga", "İstanbul", "Ærø", "São", "naïve", "news"]
EMOJI = ["🎉", "👍", "🇹🇭", "👩‍💻", "❤️", "😂", "🙏🏽"]
PUNCT = [" ", " ", " ", ", ", ". ", " — ", " “", "” ", "’s ", " (", ") ", ": ", " 3–1 "]
WORDS = THAI + GREEK + CYRILLIC + VIETNAMESE + LATIN + EMOJI  # fmt: skip
sentences = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(PUNCT)), min_size=1, max_size=12
).map(lambda parts: "".join(w + p for w, p in parts).strip())


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_it_leaves_real_multilingual_text_unchanged(text: str) -> None:
    assert repair(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_it_is_idempotent(text: str) -> None:
    once = repair(text)
    assert repair(once) == once

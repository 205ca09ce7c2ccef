"""Short mojibake that is evidence on its own, and the look-alikes that must stay as they are.

Three gaps of the first version: ``ā„¢ & Ā©`` (™ and © read as Windows-1257) was left because
ftfy declines that page; ``HÃ¥kan`` (å read as Windows-1252) because nothing else on the line
looked damaged; and ``aโฃa`` was "repaired" to ``a❣a`` by guessing a lost byte inside two Thai
letters glued into a word.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.text import explain, repair
from masthead.text.precheck import cannot_look_damaged
from masthead.text.strong import strong_repair, strong_sequences


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ("ā„¢ & Ā© 2025 Cable News Network.", "™ & © 2025 Cable News Network."),
        ("Ā© 2025", "© 2025"),
        ("(CNN) ā€” Wednesday", "(CNN) — Wednesday"),
        ("β„Ά & Β© 2025", "™ & © 2025"),
    ],
)
def test_it_fixes_a_symbols_mojibake_through_a_page_ftfy_declines(
    damaged: str, expected: str
) -> None:
    assert repair(damaged) == expected


def test_it_explains_the_page_of_a_strong_sequence() -> None:
    [note] = explain("Ā© 2025")
    assert "Windows-1257 (Baltic)" in str(note)


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ("Ã¥", "å"),
        ("HÃ¥kan", "Håkan"),
        ("Ã¥ngström", "ångström"),
        ("HÃ¥kan Müller", "Håkan Müller"),
        ("Ã…lesund", "Ålesund"),
    ],
)
def test_it_fixes_a_lone_latin_1_pair(damaged: str, expected: str) -> None:
    assert repair(damaged) == expected


@pytest.mark.parametrize(
    "text",
    [
        # ftfy's own judgement: a letter, not a symbol; inconsistent lines; a plural.
        "AHÅ™",
        "Bremer/Mccoy – DrÃ¥ber",
        "There are a lot of Ã’s in mojibake text",
        # Genuine Ã ends a Portuguese or Vietnamese syllable, before closing punctuation.
        "SÃO PAULO (Reuters) — Coffee prices rose",
        "“IRMÔ, disse ela.",
        "«IRMÔ e »NÃO«",
        "NÃO…sim, talvez",
        "MÃE—PAI",
        "NGÃ BA",
        "Nhà hàng Ã",
        # Symbols after genuine accented letters, Cyrillic guillemets, Thai ย before ฉ.
        "Pokémon™ cards",
        "Nestlé® brand",
        "В«Москва»",
        "ด้วยฉัน",
        # The line is inconsistent: genuine typography beside the pair.
        "Ã¥ngström “quoted”",
    ],
)
def test_it_leaves_look_alikes_alone(text: str) -> None:
    assert repair(text) == text


def test_it_does_not_read_a_letter_and_a_symbol_as_a_letter() -> None:
    # A strong sequence decodes to a symbol; "Å™" would be ř, which the rule never produces.
    assert strong_repair("AHÅ™") is None
    assert all(len(seq) in (2, 3) for seq in strong_sequences())


PORTUGUESE = ["SÃO", "PAULO", "IRMÃ", "NÃO", "MÃE", "CAPITÃES", "São", "irmã", "não", "Ângela"]
VIETNAMESE = ["NGÃ", "Ngã", "ba", "Thủ", "tướng", "Đà", "Nẵng", "mã", "ngã"]
OTHER = ["Håkan", "ångström", "Müller", "Pokémon™", "Nestlé®", "sim", "talvez", "2025"]
WORDS = PORTUGUESE + VIETNAMESE + OTHER
# What follows a word-final Ã in real copy, glued or not.
GLUE = [" ", ", ", ". ", "…", "… ", " — ", " (", ") ", "?", "!"]
# More of it that ftfy itself (before any rule of ours) reads as Windows-1252 after an Ã:
# "IRMÃ”" → "IRMÔ", "IRMÃ»" → "IRMû", "IRMÃ\xa0Maria" → "IRMàMaria" (and a lone "Ã " as "à ",
# which is why no word here is a bare Ã). Our rule must not add to that, so it is checked on
# its own over these too.
FTFY_GLUE = ["”", "” ", "»", "«", "—", "–", "¹ ", "\u00a0", "\u00ad", "·"]


def _sentences(glue: list[str]) -> st.SearchStrategy[str]:
    return st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from(glue)), min_size=1, max_size=10
    ).map(lambda parts: "".join(w + p for w, p in parts).strip())


@settings(max_examples=400, deadline=None)
@given(_sentences(GLUE))
def test_it_leaves_genuine_portuguese_and_vietnamese_a_tilde_alone(text: str) -> None:
    assert repair(text) == text


@settings(max_examples=400, deadline=None)
@given(_sentences(GLUE + FTFY_GLUE))
def test_it_never_reads_genuine_a_tilde_as_a_strong_sequence(text: str) -> None:
    assert strong_repair(text) is None


def test_it_leaves_a_lone_thai_fragment_glued_into_a_word() -> None:
    assert repair("aโฃa") == "aโฃa"
    assert explain("aโฃa") == []


def test_it_still_restores_a_lost_byte_where_there_is_more_damage() -> None:
    # The same fragment beside a second damaged sequence is mojibake, and ❣ comes back.
    assert repair("Love itโฃ โ€” really") == "Love it❣ — really"
    # One sequence with a guessed byte is enough when it holds a fallback symbol (€).
    assert repair("someday,โ€ he said") == "someday,” he said"


def test_it_never_lets_the_precheck_clear_a_strong_sequence() -> None:
    for seq in strong_sequences():
        for text in (seq, f"x{seq}a", f" {seq}lesund"):
            assert not cannot_look_damaged(text), text

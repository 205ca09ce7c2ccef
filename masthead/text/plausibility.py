"""How likely a character or a line is to be real text rather than mojibake.

ftfy's ``badness`` counts the suspicious sequences its own code pages produce. It has no
opinion on Thai, Hebrew or box-drawing characters glued to Latin letters, which is exactly
what Windows-874, Windows-1255 or CP850 mojibake looks like, so :func:`suspicion` adds those
signals. :func:`char_score` ranks the candidates when a lost byte leaves several possible
characters (``Ł`` or ``Ő``, ``東`` or ``捱``): by how common the character is in news copy and
by which language the rest of the line is in.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from ftfy.badness import badness

from masthead.text.strong import STRONG_PATTERN

# Letters of the languages we see on the wire, most frequent first, so that a lost byte is
# restored as the letter that fits the rest of the line (Polish Ł, Hungarian Ő).
LANGUAGE_LETTERS: dict[str, str] = {
    "pl": "ąęółńśźżćĄĘÓŁŃŚŹŻĆ",
    "cs": "ěáíéřčšžýůúťďňóĚÁÍÉŘČŠŽÝŮÚŤĎŇÓ",
    "sk": "áíéčšžýúťďňóôäĺľŕÁÍÉČŠŽÝÚŤĎŇÓÔĽĹ",
    "hu": "éáőöóüűúíÉÁŐÖÓÜŰÚÍ",
    "lv": "āēīūšžčņļķģĀĒĪŪŠŽČŅĻĶĢ",
    "lt": "ąčęėįšųūžĄČĘĖĮŠŲŪŽ",
    "tr": "ıüşçğöâîİÜŞÇĞÖ",
    "ro": "ăâîșțşţĂÂÎȘȚŞŢ",
    "hr": "čćđšžČĆĐŠŽ",
    "de": "äöüßéÄÖÜ",
    "fr": "éèàçêâôîûùëïœÉÈÀÇÊÂÔÎ",
    "es": "áéíóúñüÁÉÍÓÚÑ¿¡",
    "pt": "ãçáéíóúâêôõàÃÇÁÉÍÓÚÂÊÔÕÀ",
    "nordic": "åäöæøéáíóúýðþÅÄÖÆØÉÁÍÓÚÝÐÞ",
    "vi": "ươăđâêôạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáãèéìíòóõùúýĐƯƠĂÂÊÔ",
    "ru": "оеаинтсрвлкмдпуяызьбгчйхжшюцщэфъёОЕАИНТСРВЛКМДПУЯЫЗЬБГЧЙХЖШЮЦЩЭФЪЁ",
    "uk": "оаніитвреслкудмпзяїбгйчхжцшюєщьфґОАНІИТВРЕСЛКУДМПЗЯЇБГЙЧХЖЦШЮЄЩЬФҐ",
    "sr": "аоеиншртјвкдлупзмгбчцљњћђжфхџАОЕИНШРТЈВКДЛУПЗМГБЧЦЉЊЋЂЖФХЏ",
    "el": "αοετινσρκπυλμηάδέγίόωςθύχήφβώξζψΑΟΕΤΙΝΣΡΚΠΥΛΜΗΆΔΈΓΊΌΩΘΎΧΉΦΒΏΞΖΨ",
}

# Typographic punctuation and symbols at home in news copy.
COMMON_SYMBOLS = "’“”‘—–…•€£©®™°±½¼¾·«»§×÷¢¥‚„′″‹›−"

# The emoji that readers actually send, roughly most used first; a lost byte inside an emoji
# leaves several neighbours (👍 👏 👐 👁 👝) and this is how we pick one.
COMMON_EMOJI = (
    "😂❤🤣👍😭🙏😘🥰😍😊🎉😁💕🥺😅🔥☺🤦♥🤷🙄😆🤗😉🎂🤔👏🙂😳🥳😎👌💜😔💪✨💖👀😋😏😢👉"
    "💗😩💯🌹💞🎈💙😃😡💐😜🙈🤞😄🤤🙌🤪❣😀💋💀👇💔😌💓🤩🙃😬😱😴🤭😐🌞😒😇🌸😈🎶✌🎊🥵😞"
    "💚☀🖤💰😚👑🎁💥🙋☹😑🥴👈💩✅👋🤮😤🤢🌟❗😥🌈💛😝😫😲🖕‼🔴🌻🤯💃👊🤬🏃😕👁⚡☕🍀💦⭐🦋🤨"
    "🌺😹🤘🌷💝💤🤝🐰😓💘🍻😟😣🧐😠🤠😻🌙😛🤙🙊💻📱⚽🏆🇺🇸🇬🇧👩👨🧑"
)

# Han characters that dominate datelines and headlines (places, states, dates). The GB 2312
# and JIS levels below say "common" for some 6,000 characters; this breaks ties among them.
NEWS_HAN = (
    "日本中国人年月大東京北南西上海香港台湾韓朝鮮新政府首相統領総理大臣市長県州省阪名古屋"
    "広島福岡札幌神戸横浜京都沖縄成都重庆武汉深圳杭州天津一二三四五六七八九十百千万億円元"
    "东华会国说时来发经济党民主选举议员警察事件死亡地震台风雨雪火灾军队战争美欧俄英德法"
)

_LETTER_RANK: dict[str, float] = {}
for _letters in LANGUAGE_LETTERS.values():
    for _i, _ch in enumerate(_letters):
        _LETTER_RANK[_ch] = max(_LETTER_RANK.get(_ch, 0.0), 1.0 - _i / (2 * len(_letters)))

_PROFILES_OF: dict[str, frozenset[str]] = {}
for _name, _letters in LANGUAGE_LETTERS.items():
    for _ch in _letters:
        _PROFILES_OF[_ch] = _PROFILES_OF.get(_ch, frozenset()) | {_name}


@cache
def char_tier(ch: str) -> float:
    """0 (never in text) to 3 (common in news copy)."""
    if ch in _LETTER_RANK or ch in COMMON_SYMBOLS or ch in COMMON_EMOJI:
        return 3.0
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"):
        return 0.0
    cp = ord(ch)
    if 0x4E00 <= cp <= 0x9FFF:
        return 3.0 if _is_common_han(ch) else 1.5 if _is_known_han(ch) else 0.5
    if 0xAC00 <= cp <= 0xD7A3:
        return 3.0 if _encodes(ch, "euc_kr") else 1.0
    if 0x0300 <= cp <= 0x036F:  # combining accents: decomposed text is real text
        return 1.5
    if 0x3040 <= cp <= 0x30FF or 0x0E01 <= cp <= 0x0E5B:  # kana, Thai
        return 3.0
    if 0x1F300 <= cp <= 0x1FAFF:
        return 2.0
    if 0x2600 <= cp <= 0x27BF:  # dingbats: the listed emoji are common, the ornaments not
        return 1.5
    if cat.startswith("L"):
        # Letters of the big alphabets are plausible; letters of rarer scripts (Lao, Syriac,
        # Thaana, Ethiopic...) are what garbage bytes decode to far more often than real text.
        if cp < 0x0530 or 0x1E00 <= cp <= 0x1EFF:
            # Letters of no language we list (ŷ, Ħ, ũ) are what a wrong code page yields.
            return 1.5
        if 0x05D0 <= cp <= 0x05EA:
            return 2.0
        if 0x0620 <= cp <= 0x064A:
            return 2.0
        return 0.5
    if cat == "Zs" or cat.startswith(("P", "S", "N")):
        # Punctuation and symbols of the common blocks (Latin, general punctuation, currency,
        # arrows, maths, dingbats, CJK); those of rarer scripts are as suspect as their letters.
        common = (
            cp < 0x0530
            or (0x2000 <= cp <= 0x2BFF and not 0x2800 <= cp <= 0x28FF)  # braille: not copy
            or 0x3000 <= cp <= 0x303F
            or cp >= 0xFF00
        )
        return 1.0 if common else 0.5
    return 0.5  # combining marks and the rest


def _encodes(ch: str, codec: str) -> bytes | None:
    try:
        return ch.encode(codec)
    except UnicodeEncodeError:
        return None


def _is_common_han(ch: str) -> bool:
    """In the first (frequent) level of GB 2312 or of JIS X 0208."""
    gb = _encodes(ch, "gb2312")
    if gb is not None and 0xB0 <= gb[0] <= 0xD7:
        return True
    jis = _encodes(ch, "euc_jp")
    return jis is not None and 0xB0 <= jis[0] <= 0xCF


def _is_known_han(ch: str) -> bool:
    return _encodes(ch, "gb2312") is not None or _encodes(ch, "euc_jp") is not None


def is_emoji(ch: str) -> bool:
    if len(ch) != 1:
        return False
    cp = ord(ch)
    return 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF


def char_score(ch: str, prev: str, nxt: str, context: frozenset[str]) -> float:
    """Score one candidate for a damaged spot; ``context`` holds the line's other letters.

    ``prev`` and ``nxt`` are the neighbouring characters ("" at the ends of the line); they
    decide between quotation marks (’ inside a word, “ before one, ” after one) and allow a
    zero-width joiner only between emoji.
    """
    if ch == "\ufe0f":
        return 3.5 if is_emoji(prev) or prev in "\u2600-\u27bf" else -5.0
    if ch == "\u200d":
        return 3.5 if is_emoji(prev) and (nxt == "" or is_emoji(nxt) or nxt == "?") else -5.0
    score = char_tier(ch)
    if ch in COMMON_EMOJI:
        score += 0.5 * (1.0 - COMMON_EMOJI.index(ch) / len(COMMON_EMOJI))
    if ch in NEWS_HAN:
        score += 0.5
    rank = _LETTER_RANK.get(ch)
    if rank is not None:
        score += 0.5 * rank
        profiles = _PROFILES_OF[ch]
        support = sum(1 for c in context if c != ch and _PROFILES_OF.get(c, frozenset()) & profiles)
        score += min(support, 4) * 0.5
    if ch in "’“”‘":
        before_word = prev in ("", " ", "(", "[", "\t", "\u00a0") and nxt not in ("", " ")
        inside_word = prev.isalpha() and nxt.isalpha()
        after_word = prev not in ("", " ") and (nxt in ("", " ", ",", ".", ";", ":", ")"))
        if inside_word:
            score += {"’": 2.0}.get(ch, 0.0)
        elif before_word:
            score += {"“": 2.0, "‘": 1.0}.get(ch, 0.0)
        elif after_word:
            score += {"”": 2.0, "’": 1.0}.get(ch, 0.0)
    return score


# Signals of mojibake that ftfy's badness does not count. Each pattern is one kind of
# "that never happens in real text"; every match costs one point.
_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_THAI = "\u0e01-\u0e5b"
_THAI_CONSONANT = "\u0e01-\u0e2e"
_CYRILLIC = "\u0400-\u04ff"
_GREEK = "\u0370-\u03ff"
_HEBREW = "\u0590-\u05ff"
_ARABIC = "\u0600-\u06ff"
_SCRIPTS = (_LATIN, _THAI, _CYRILLIC, _GREEK, _HEBREW, _ARABIC)
# Symbols that Windows-125x and DOS/Mac pages put where UTF-8 continuation bytes land, and
# that real copy does not put right against a letter.
_ODD_SYMBOLS = "€‚ƒ„†‡ˆ‰‹˜™›¤¦¨ª¬¯´¸¹²³º¾¶µ×÷\u2500-\u259f\u2320\u2321\u25a0\u02c6-\u02dd\uf8ff"
_UPPER = "".join(
    chr(cp)
    for cp in (*range(0xC0, 0x250), *range(0x370, 0x530), *range(0x1E00, 0x1F00))
    if unicodedata.category(chr(cp)) == "Lu"
)
_LOWER = "".join(
    chr(cp)
    for cp in (
        *range(0x61, 0x7B),
        *range(0xDF, 0x250),
        *range(0x370, 0x530),
        *range(0x1E00, 0x1F00),
    )
    if unicodedata.category(chr(cp)) == "Ll"
)
_SUSPICION_PATTERNS: tuple[re.Pattern[str], ...] = (
    # An accented capital inside a lower-case word: "MÌller", "crÚme", "DÊjà".
    re.compile(f"(?<=[{_LOWER}])[{_UPPER}](?=[{_LOWER}])"),
    # A letter of one script glued to a letter of another, inside one word: "Sprลซds".
    re.compile("|".join(f"[{a}](?=[{''.join(b for b in _SCRIPTS if b != a)}])" for a in _SCRIPTS)),
    # A non-ASCII letter glued to an odd symbol: "โ€", "ยฉ", "ะ’" (with ’ only between two).
    re.compile(f"(?=[^\\x00-\\x7f\\W\\d_][{_ODD_SYMBOLS}]|[{_ODD_SYMBOLS}][^\\x00-\\x7f\\W\\d_])"),
    # Box drawing, maths and Mac-only symbols at all: CP850, KOI8 and MacRoman mojibake.
    re.compile("[\u2500-\u259f\u221a\u222b\u220f\u2211\u03a9\u2248\u2260\u25ca\uf8ff]"),
    # Thai orthography broken: a leading vowel not followed by a consonant ("โ€", "แป" is
    # fine), a vowel or tone mark not on a consonant, Thai digits against Latin letters.
    re.compile(f"[\u0e40-\u0e44](?![{_THAI_CONSONANT}])"),
    re.compile(
        f"(?<![{_THAI_CONSONANT}\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]"
    ),
    re.compile(f"[\u0e50-\u0e59][{_LATIN}\u0080-\u00ff\u2018-\u201e]"),
    re.compile("(?<![\u0e24\u0e26])\u0e45"),
    # C1 controls, replacement characters, private use.
    re.compile("[\u0080-\u009f\ufffd\ue000-\uf8ff]"),
    # Sequences with no legitimate use: "ā„¢" (™), "Ã¥" (å); see masthead.text.strong.
    STRONG_PATTERN,
)


# All the signals in one pattern: clean text (the common case) is cleared in a single scan.
_ANY_SUSPICION = re.compile("|".join(f"(?:{p.pattern})" for p in _SUSPICION_PATTERNS))


def suspicion(text: str) -> float:
    """How much ``text`` looks like mojibake: 0 for ordinary text, about 1 per damaged spot."""
    if text.isascii():
        return 0.0
    score = float(badness(text))
    if not score and _ANY_SUSPICION.search(text) is None:
        return 0.0
    for pattern in _SUSPICION_PATTERNS:
        score += len(pattern.findall(text))
    return score


def implausibility(text: str) -> float:
    """Suspicion plus half the rarity: the yardstick for comparing two repairs of a line."""
    return suspicion(text) + 0.5 * rarity(text)


def rarity(text: str) -> float:
    """Penalty for characters real news copy rarely holds (Lao, rare Han, control codes)."""
    total = 0.0
    for ch in text:
        if ord(ch) < 0x80:
            continue
        tier = char_tier(ch)
        if tier < 2.0:
            total += 2.0 - tier
    return total

"""Real sentences damaged the way decoder chains damage UTF-8, with bytes lost on the way.

:func:`cases` yields a :class:`Case` for every sentence below read through every family, in
each way of losing bytes that the repair models (see :mod:`masthead.text.mojibake`): a
continuation byte the decoder dropped ("drop"), one a strict decoder turned into U+FFFD
("fffd"), the byte 0xA0 (NBSP in most pages) turned into a plain space ("nbsp"). Which of the
damageable bytes are damaged is drawn from a seeded ``random.Random``, so the set is the same
on every run and a change to it is a change here. Two kinds are added for symbols beside
numbers: English misread whole with no byte lost ("plain": "2ยฝ" is all there is to see),
and a lone symbol misread inside otherwise clean copy ("symbol").

The decoders are written from Python's codecs, not from the repair's own tables, so that the
test does not grade the repair against itself. Only damage that is recoverable in principle
is generated: at most one byte per UTF-8 sequence, never a lead byte (a lost lead byte
leaves nothing to say which character stood there), and never on a page where one character
stands for two bytes (the "ambiguous" pages of ``test_codepage_roundtrip``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import NamedTuple

SEED = 15  # the number; any fixed value will do

# News-style sentences with the names and places wire copy is full of. Each language's
# letters reach the bytes each page lacks in different places (Í and Á, č, Ł, Đ and ờ, ”).
SENTENCES: dict[str, list[str]] = {
    "de": [
        "„Wir müssen sparen“, sagte Bürgermeisterin Jäger am Mittwoch in Düsseldorf.",
        "Die Straße zwischen Würzburg und Nürnberg bleibt bis Ende März gesperrt.",
        "Der Österreicher Dominic Thiem verlor in Wien gegen den Serben Novak Đoković.",
        "Ärzte in München warnen vor einer Grippewelle, die größer ausfallen könnte.",
        "Übermorgen entscheidet der Bundestag über das Gesetz zur Förderung von Wärmepumpen.",
        "Die Polizei in Köln nahm nach dem Fußballspiel zwölf Männer fest.",
        "Im Süden Bayerns fielen über Nacht dreißig Zentimeter Neuschnee.",
        "Der Außenminister reiste nach Kraków und traf dort seinen polnischen Amtskollegen.",
        "Ölpreise stiegen am Freitag, nachdem die Förderländer ihre Quoten gekürzt hatten.",
        "Für die Rückkehr der Fähre nach Sylt gibt es noch keinen Termin.",
        "Die Grünen fordern mehr Geld für Schulen in Thüringen und Sachsen.",
        "„Das ist ein schwarzer Tag für Europa“, erklärte der Kanzler in Brüssel.",
    ],
    "es": [
        "Íñigo Errejón presentó su dimisión el jueves en Madrid.",
        "El alcalde de Bilbao, Juan María Aburto, inauguró el nuevo puente sobre la ría.",
        "Las lluvias obligaron a evacuar a más de mil vecinos en Málaga y Córdoba.",
        "“No vamos a subir los impuestos”, afirmó la ministra de Hacienda en el Congreso.",
        "Ángel Martín ganó la etapa reina de la Vuelta en los Pirineos.",
        "El Gobierno aprobó una ayuda de 200 millones de euros para los agricultores de Almería.",
        "Ésta es la tercera huelga de médicos en Andalucía desde enero.",
        "Álvaro Morata marcó el gol de la victoria en el último minuto.",
        "La Policía Nacional detuvo en Cádiz a un hombre acusado de estafa.",
        "Según el Instituto Nacional de Estadística, el paro bajó en otoño.",
        "Los incendios en Galicia calcinaron más de tres mil hectáreas este verano.",
        "El presidente viajó a Bogotá para reunirse con su homólogo colombiano.",
        "Íñigo Urkullu recibió en Vitoria a los representantes de los sindicatos.",
    ],
    "fr": [
        "Le président a déclaré mercredi à l’Élysée que la réforme serait présentée avant l’été.",
        "Les syndicats appellent à une nouvelle journée de grève jeudi à Paris et à Marseille.",
        "« Nous ne céderons pas », a affirmé la Première ministre devant l’Assemblée nationale.",
        "À Lyon, les pompiers ont maîtrisé l’incendie après cinq heures d’efforts.",
        "Le maire de Besançon a inauguré vendredi une nouvelle ligne de tramway.",
        "Les prix de l’électricité augmenteront au 1er février, selon le gouvernement.",
        "Élisabeth Borne s’est rendue à Saint-Étienne pour rencontrer des élus locaux.",
        "Une tempête a privé d’électricité des milliers de foyers en Bretagne.",
        "L’équipe de France s’est qualifiée pour la finale après une victoire à Nîmes.",
        "Le tribunal de Créteil a condamné l’ancien directeur à deux ans de prison.",
        "Les agriculteurs ont bloqué l’autoroute près de Valence pour protester.",
        "Ce projet coûtera près de trois milliards d’euros, d’après la Cour des comptes.",
    ],
    "pl": [
        "Prezydent spotkał się w środę w Gdańsku z premierem.",
        "Łukasz Wałęsa otworzył nową wystawę w Muzeum Solidarności w Gdańsku.",
        "W Krakowie i Łodzi w piątek spadł pierwszy śnieg tej zimy.",
        "Rząd zapowiedział podwyżkę płacy minimalnej od stycznia przyszłego roku.",
        "Policja w Poznaniu zatrzymała dwóch mężczyzn podejrzanych o kradzież.",
        "Premier powiedział, że Polska nie zgodzi się na żadne ustępstwa.",
        "Ślęża to najwyższy szczyt Przedgórza Sudeckiego.",
        "Na lotnisku w Katowicach odwołano w niedzielę kilkanaście lotów.",
        "Mieszkańcy Wrocławia protestowali przeciwko wycince drzew w parku.",
        "Źródła w ministerstwie twierdzą, że ustawa trafi do Sejmu jesienią.",
        "Reprezentacja Polski wygrała z Czechami w Warszawie.",
        "Żołnierze z Białegostoku pomagali przy usuwaniu skutków powodzi.",
        "Łódź otrzyma pieniądze na remont dworca Łódź Fabryczna.",
    ],
    "cs": [
        "Předseda vlády Petr Fiala řekl, že Česká republika podpoří návrh Evropské komise.",
        "Škoda Auto v pondělí oznámila rekordní zisk za první čtvrtletí.",
        "V Brně se ve středu sešli zástupci měst a obcí z celého kraje.",
        "Policie v Ostravě zadržela muže podezřelého z loupeže.",
        "Čeští hokejisté porazili ve čtvrtfinále Švédsko.",
        "Ceny energií se podle Českého statistického úřadu v září snížily.",
        "Ředitel nemocnice v Plzni odstoupil po kritice ministra zdravotnictví.",
        "Ústecký kraj dostane na opravu silnic další dvě miliardy korun.",
        "Dálnice D1 mezi Prahou a Brnem bude o víkendu částečně uzavřena.",
        "Prezident Petr Pavel jmenoval nového guvernéra České národní banky.",
        "Obyvatele Ďáblic čeká rozsáhlá rekonstrukce tramvajové trati.",
        "Vltava se v Českých Budějovicích vylila z břehů.",
    ],
    "tr": [
        "İstanbul’da çarşamba günü Beşiktaş taraftarları toplandı.",
        "Cumhurbaşkanı, Ankara’da düzenlenen törende konuştu.",
        "İzmir’de meydana gelen depremde can kaybı yaşanmadı.",
        "Merkez Bankası faiz oranını yüzde 50’de sabit tuttu.",
        "Galatasaray, Şampiyonlar Ligi’nde Bayern Münih’i yendi.",
        "Öğretmenler maaş artışı talebiyle İstanbul’da yürüyüş yaptı.",
        "Trabzon’da şiddetli yağış nedeniyle bazı köy yolları ulaşıma kapandı.",
        "Dışişleri Bakanı, Bakü’de Azerbaycanlı mevkidaşıyla görüştü.",
        "Ülkede enflasyon ekim ayında yüzde 61 olarak açıklandı.",
        "Çanakkale Köprüsü’nden geçen araç sayısı geçen yıla göre arttı.",
        "Gaziantep’te düzenlenen fuara binlerce ziyaretçi katıldı.",
        "“Seçim sonuçlarını bekliyoruz”, dedi parti sözcüsü.",
    ],
    "vi": [
        "Thủ tướng Phạm Minh Chính thăm Đà Nẵng vào thứ Tư.",
        "Hà Nội sẽ cấm xe máy ở các quận nội thành từ năm 2030.",
        "Bão số 3 đổ bộ vào Quảng Ninh và Hải Phòng, gây mưa lớn.",
        "Ông Nguyễn Văn Nên được bầu làm Bí thư Thành ủy Thành phố Hồ Chí Minh.",
        "Giá xăng dầu trong nước tiếp tục giảm trong kỳ điều chỉnh chiều nay.",
        "Đội tuyển Việt Nam thắng Thái Lan tại sân Mỹ Đình.",
        "Người dân Huế đổ ra đường đón năm mới.",
        "Bộ Y tế khuyến cáo người dân tiêm vắc xin phòng cúm.",
        "Xuất khẩu gạo của Việt Nam đạt mức kỷ lục trong năm nay.",
        "Sân bay Long Thành dự kiến đi vào hoạt động cuối năm tới.",
        "Cảnh sát Cần Thơ bắt giữ hai đối tượng buôn lậu.",
        "Lũ lụt ở miền Trung khiến hàng nghìn hộ dân phải sơ tán.",
    ],
    "nb": [
        "Statsministeren besøkte Ærø og Tromsø i forrige uke.",
        "Strømprisene i Sør-Norge steg kraftig på mandag.",
        "Bergen kommune vil bygge en ny bybane til Åsane.",
        "Politiet i Oslo pågrep en mann etter knivstikkingen på Grønland.",
        "Nordmenn kjøpte færre elbiler i år enn i fjor, ifølge opplysningsrådet.",
        "Været på Vestlandet blir vått og kaldt resten av uken.",
        "Regjeringen foreslår å øke barnetrygden fra neste år.",
        "Ålesund fikk besøk av over tre hundre cruiseskip i sommer.",
        "Det ble født færre barn i Norge enn noen gang før.",
        "Statens vegvesen stengte E6 over Dovrefjell på grunn av uvær.",
        "Kronprinsesse Mette-Marit åpnet den nye utstillingen på Bygdøy.",
        "«Vi er svært fornøyde», sa ordføreren i Førde.",
    ],
}

# Sentences whose only non-ASCII characters, or only damaged ones, are a symbol with a number
# beside it: "2½", "±3", "41°C", "€120", "3–1". Through Windows-874 such a symbol reads as two
# Thai letters ("2ยฝ"), which look like real text until one sees the English around them.
SYMBOL_SENTENCES: dict[str, list[str]] = {
    "en": [
        "The river rose 2½ metres overnight, the Environment Agency said.",
        "Temperatures in Seville reached 41°C on Sunday afternoon.",
        "The poll has a margin of error of ±3 percentage points.",
        "Tickets for the final will cost €120 each, organisers said.",
        "Arsenal won 3–1 at home on Saturday to go top of the league.",
        "The 2014—2018 programme was never finished.",
        "Shares fell 1½ per cent in early trading in London.",
        "The storm brought winds of 120 km/h and temperatures of −5°C.",
    ],
    "de": ["Die Temperatur stieg in Würzburg auf 38°C, meldete der Wetterdienst."],
    "es": ["La inflación se situó en el 3,5 %, con un margen de ±0,2 puntos según Íñigo Ruiz."],
    "fr": ["Le billet coûte désormais €45 à Besançon."],
    "pl": ["W Gdańsku termometry pokazały 35°C w cieniu."],
}

# Text that is already right, in the scripts whose letters the code pages' mojibake is made
# of: repair must return every one of these byte for byte.
OTHER_SCRIPTS: dict[str, list[str]] = {
    "th": [
        "นายกรัฐมนตรีกล่าวในวันพุธว่ารัฐบาลจะจัดการเลือกตั้งใหม่ภายในสิ้นปีนี้",
        "กรุงเทพมหานครจะเป็นเจ้าภาพการประชุมสุดยอดผู้นำอาเซียนในเดือนหน้า",
        "ราคาน้ำมันดีเซลปรับขึ้น 50 สตางค์ต่อลิตร มีผลตั้งแต่วันพรุ่งนี้",
        "อุณหภูมิที่เชียงใหม่ลดลงเหลือ 12 องศาเซลเซียส",
    ],
    "el": [
        "Ο πρωθυπουργός Κυριάκος Μητσοτάκης μίλησε την Τετάρτη στην Αθήνα.",
        "«Θα συνεχίσουμε τις μεταρρυθμίσεις», δήλωσε ο υπουργός Οικονομικών.",
        "Η θερμοκρασία στη Θεσσαλονίκη έφτασε τους 39 βαθμούς.",
    ],
    "ru": [
        "Президент выступил во вторник в Москве с заявлением о переговорах.",
        "Как сообщает ТАСС, встреча прошла в Кремле — без журналистов.",
        "Президент України Володимир Зеленський провів зустріч у Києві.",
        "Влада Србије усвојила је нови закон о медијима.",
    ],
    "ja": [
        "東京電力は１５日、福島第一原子力発電所の処理水の放出を再開すると発表した。",
        "「安全性は確認されている」と同社の担当者は記者会見で述べた。",
        "大阪・関西万博の来場者は２千万人を超えた。",
    ],
    "ar": [
        "قال رئيس الوزراء يوم الأربعاء إن الحكومة ستجري انتخابات جديدة.",
        "ارتفعت أسعار النفط بنسبة 3 في المئة في تعاملات اليوم.",
        "وصل وزير الخارجية إلى القاهرة في زيارة رسمية تستمر يومين.",
    ],
    "en": [
        "The river rose 2½ metres; the margin of error is ±3 points at 41°C and €120.",
        "“We will rebuild it someday,” the mayor said — but not this year (3–1).",
        "Apple’s iPhone™ sold well in Zürich, São Paulo and Gdańsk.",
    ],
}


class Case(NamedTuple):
    clean: str
    damaged: str
    family: str
    lang: str
    mode: str
    #: The damage took the only byte that told a capital from a small letter, at the start
    #: of a word inside a sentence ("že Česká" and "že česká" damage to the same text): the
    #: bytes and the word are the same either way, so no frequency list can say which it was.
    case_only: bool = False


class Family(NamedTuple):
    """A decoder chain: UTF-8 bytes read as ``codec``, the bytes it lacks as Windows-1252."""

    name: str
    codec: str
    #: Whether the bytes ``codec`` lacks (and, for ISO-8859, the C1 range) are read as
    #: Windows-1252, as browsers and Windows do; pages without it are read strictly.
    cp1252_fallback: bool = True


FAMILIES: tuple[Family, ...] = (
    Family("cp1252", "cp1252"),
    Family("latin-1", "latin-1", cp1252_fallback=False),
    Family("cp874", "cp874"),
    Family("cp1250", "cp1250"),
    Family("cp1251", "cp1251"),
    Family("cp1253", "cp1253"),
    Family("cp1254", "cp1254"),
    Family("cp1255", "cp1255"),
    Family("cp1256", "cp1256"),
    Family("cp1257", "cp1257"),
    Family("cp1258", "cp1258"),
    Family("iso8859_2", "iso8859_2"),
    Family("iso8859_3", "iso8859_3"),
    Family("iso8859_5", "iso8859_5"),
    Family("iso8859_6", "iso8859_6"),
    Family("iso8859_8", "iso8859_8"),
    Family("iso8859_9", "iso8859_9"),
    Family("mac_roman", "mac_roman", cp1252_fallback=False),
    Family("cp437", "cp437", cp1252_fallback=False),
)
MODES = ("drop", "fffd", "nbsp")
# The share of damageable bytes that are damaged; at least one always is.
DAMAGE_RATE = 0.7


def _byte_as(codec: str, byte: int) -> str | None:
    try:
        char = bytes([byte]).decode(codec)
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


def _read(family: Family, byte: int) -> str | None:
    """What the decoder chain makes of one byte; None where no decoder in it defines it."""
    if family.cp1252_fallback:
        if family.codec.startswith("iso8859") and 0x80 <= byte < 0xA0:
            return _byte_as("cp1252", byte)
        return _byte_as(family.codec, byte) or _byte_as("cp1252", byte)
    return _byte_as(family.codec, byte)


# The bytes Windows-1252 lacks: a Latin-1 reading keeps them as C1 controls, and whatever
# later reads those controls as Windows-1252 (as ftfy and browsers do) has nothing to put there.
_CP1252_UNDEFINED = frozenset(b for b in range(0x80, 0xA0) if _byte_as("cp1252", b) is None)


def _droppable(family: Family, byte: int) -> bool:
    if family.codec == "latin-1":
        return byte in _CP1252_UNDEFINED
    return _read(family, byte) is None


def _sequences(text: str) -> list[bytes]:
    return [ch.encode("utf-8") for ch in text]


def damage(text: str, family: Family, mode: str, rng: random.Random) -> str | None:
    """``text`` through ``family`` with damage of kind ``mode``; None if it cannot have any."""
    damaged = _damage(text, family, mode, rng)
    return None if damaged is None else damaged[0]


def _damage(text: str, family: Family, mode: str, rng: random.Random) -> tuple[str, bool] | None:
    """``text`` through ``family`` with damage of kind ``mode``, and whether the damage left
    only the case of a word's first letter open (:attr:`Case.case_only`); None if the text
    cannot be damaged that way.

    Bytes no decoder of the chain defines come through as C1 controls (a "sloppy" decoder)
    unless they are damaged. "drop" drops some of them; "fffd" reads the text strictly with
    ``codec`` alone (``errors="replace"``), so every byte the page lacks is U+FFFD; "nbsp"
    turns some of the 0xA0 bytes the page reads as NBSP into spaces.
    """
    seqs = _sequences(text)
    # (sequence index, byte index) of each byte this mode could damage.
    spots: list[tuple[int, int]] = []
    for i, seq in enumerate(seqs):
        for j, byte in enumerate(seq[1:], start=1):
            if mode == "drop" and _droppable(family, byte):
                spots.append((i, j))
            elif mode == "fffd" and _byte_as(family.codec, byte) is None:
                spots.append((i, j))
            elif mode == "nbsp" and byte == 0xA0 and _read(family, byte) == "\u00a0":
                spots.append((i, j))
    if mode == "fffd":
        # A strict decoder replaces every byte it lacks; only lead bytes make it unrecoverable.
        if any(_byte_as(family.codec, seq[0]) is None for seq in seqs if len(seq) > 1):
            return None
        chosen = set(spots)
    else:
        chosen = {spot for spot in spots if rng.random() < DAMAGE_RATE}
        if spots and not chosen:
            chosen = {rng.choice(spots)}
    if not chosen or len({i for i, _ in chosen}) < len(chosen):
        return None  # nothing to damage, or two bytes of one sequence (not recoverable)
    case_only = any(_case_only(text, i, j, family, mode) for i, j in chosen)
    out: list[str] = []
    for i, seq in enumerate(seqs):
        if len(seq) == 1:
            out.append(seq.decode("ascii"))
            continue
        for j, byte in enumerate(seq):
            if (i, j) in chosen:
                out.append({"drop": "", "fffd": "\ufffd", "nbsp": " "}[mode])
                continue
            char = _byte_as(family.codec, byte) if mode == "fffd" else _read(family, byte)
            out.append(chr(byte) if char is None else char)
    return "".join(out), case_only


def _case_only(text: str, i: int, j: int, family: Family, mode: str) -> bool:
    """Whether damaging byte ``j`` of character ``i`` leaves its case, and only its case, open:
    the other case differs in that byte alone, which the same damage takes, and the letter
    starts a word inside a sentence (at a sentence's start a capital is plain)."""
    char = text[i]
    other = char.swapcase()
    if len(other) != 1 or other == char:
        return False
    mine, theirs = char.encode("utf-8"), other.encode("utf-8")
    if len(mine) != len(theirs) or any(
        a != b for k, (a, b) in enumerate(zip(mine, theirs, strict=True)) if k != j
    ):
        return False
    damageable = (
        _droppable(family, theirs[j])
        if mode == "drop"
        else _byte_as(family.codec, theirs[j]) is None
    )
    if mode not in ("drop", "fffd") or not damageable:
        return False
    if i and text[i - 1].isalpha():
        return False  # inside a word: small, unless the word is in capitals
    head = text[:i].rstrip(" „“”«»\"'(")
    return bool(head) and head[-1] not in ".!?:"


def cases(seed: int = SEED) -> Iterator[Case]:
    """Every sentence through every family and mode that can damage it."""
    rng = random.Random(seed)
    for sentences in (SENTENCES, SYMBOL_SENTENCES):
        for lang, items in sentences.items():
            for clean in items:
                for family in FAMILIES:
                    for mode in MODES:
                        result = _damage(clean, family, mode, rng)
                        if result is not None and result[0] != clean:
                            yield Case(clean, result[0], family.name, lang, mode, result[1])
    # English with a symbol is the issue's own case: read through Windows-874 with no byte
    # lost, "2½" is "2ยฝ", and that is all there is to see.
    for clean in SYMBOL_SENTENCES["en"]:
        for family in FAMILIES:
            damaged = "".join(_read(family, b) or chr(b) for b in clean.encode("utf-8"))
            if damaged != clean:
                yield Case(clean, damaged, family.name, "en", "plain")
    yield from symbol_cases(rng)


# Pages whose reading of a symbol is a run of another script's letters: Thai "ยฝ" for ½,
# Cyrillic "Т°" and so on.
SYMBOL_FAMILIES = ("cp874", "cp1251", "cp1253", "cp1255", "cp1256", "iso8859_5")
_SYMBOLS = "½±°€–—"


def symbol_cases(rng: random.Random) -> Iterator[Case]:
    """A lone symbol damaged inside otherwise clean copy (the rest of the line was re-typed)."""
    families = {f.name: f for f in FAMILIES}
    for lang, items in SYMBOL_SENTENCES.items():
        if lang == "en":
            continue  # English lines are damaged whole in cases(): the symbol is all there is
        for clean in items:
            for name in SYMBOL_FAMILIES:
                family = families[name]
                pieces = []
                for ch in clean:
                    damaged = damage(ch, family, "drop", rng) if ch in _SYMBOLS else None
                    if ch in _SYMBOLS and damaged is None:
                        damaged = "".join(_read(family, b) or chr(b) for b in ch.encode())
                    pieces.append(damaged if damaged is not None else ch)
                damaged_line = "".join(pieces)
                if damaged_line != clean:
                    yield Case(clean, damaged_line, name, lang, "symbol")


def clean_texts() -> Iterator[tuple[str, str]]:
    """(lang, text) for every sentence above, undamaged."""
    for sentences in (SENTENCES, SYMBOL_SENTENCES, OTHER_SCRIPTS):
        for lang, items in sentences.items():
            for text in items:
                yield lang, text

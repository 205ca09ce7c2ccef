"""Entity attacks, size limits and format detection: refused as typed, quarantined errors."""

from __future__ import annotations

import pytest

from masthead.wire.adapters import detect
from masthead.wire.adapters.base import parse_when, parse_xml
from masthead.wire.cleaning import split_dateline
from masthead.wire.ingest import ingest_bytes
from masthead.wire.items import MalformedInput, UnsafeInput, UnsupportedFormat
from masthead.wire.models import IngestLog

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><item><title>&lol3;</title></item></channel></rss>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE nitf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<nitf><head><docdata><doc-id id-string="x"/></docdata></head>
<body><body.head><hedline><hl1>&xxe;</hl1></hedline></body.head></body></nitf>"""
DTD_FETCH = b"""<?xml version="1.0"?>
<!DOCTYPE newsItem [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g" version="1"/>"""


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, XXE, DTD_FETCH, BILLION_LAUGHS.decode().encode("utf-16")]
)
def test_it_refuses_entity_attacks(data):
    with pytest.raises(UnsafeInput, match="declares XML entities"):
        detect(data).parse(data)


@pytest.mark.django_db
def test_it_quarantines_an_entity_attack_in_the_ingest_log():
    summary = ingest_bytes(XXE, file="evil.xml")
    assert summary.errors == 1
    log = IngestLog.objects.get()
    assert log.action == "error" and "entities" in log.reason and log.file == "evil.xml"


@pytest.mark.django_db
def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.MASTHEAD_WIRE_MAX_FILE_BYTES = 100
    summary = ingest_bytes(b"<rss>" + b" " * 200 + b"</rss>", file="big.xml")
    assert summary.errors == 1 and "over the 100-byte limit" in summary.results[0].reason


def test_it_does_not_load_an_external_dtd():
    root = parse_xml(b'<!DOCTYPE nitf SYSTEM "http://127.0.0.1:9/nitf.dtd"><nitf/>')
    assert root.tag == "nitf"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"/>', "rss_atom"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"/>', "rss_atom"),
        (b"<rdf:RDF xmlns:rdf='x'/>", "rss_atom"),
        (b"\xef\xbb\xbf<newsMessage/>", "newsml_g2"),
        (b"<!-- c --><!DOCTYPE nitf><nitf/>", "nitf"),
        (b'  {"uri": "x"}', "ninjs"),
        (b"[]", "ninjs"),
    ],
)
def test_it_detects_the_format_from_content(data, name):
    assert detect(data).name == name


def test_it_names_an_unsupported_format():
    with pytest.raises(UnsupportedFormat, match="NewsML 1.x"):
        detect(b"<NewsML Version='1.2'/>")
    with pytest.raises(MalformedInput, match="empty"):
        detect(b"   ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-10-23T12:00:00Z", "2018-10-23T12:00:00+00:00"),
        ("20020225T143000-0500", "2002-02-25T14:30:00-05:00"),
        ("2016-01-12 12:35:40", "2016-01-12T12:35:40+00:00"),
        ("2026-11-23", "2026-11-23T00:00:00+00:00"),
        ("Next Monday", None),
        ("YYYYMMDD000000-HHMM", None),
        ("", None),
    ],
)
def test_it_reads_wire_timestamps(value, expected):
    parsed = parse_when(value)
    assert (parsed.isoformat() if parsed else None) == expected


@pytest.mark.parametrize(
    ("body", "dateline", "rest"),
    [
        ("<p>RIGA, Latvia (HLW) — The vote.</p>", "RIGA, Latvia", "<p>The vote.</p>"),
        ("<p>LIEPĀJA, Latvia (CP) — Boats.</p>", "LIEPĀJA, Latvia", "<p>Boats.</p>"),
        ("LONDON (Reuters) - Shares fell.", "LONDON", "Shares fell."),
        ("<p>PORT ALDER, Ore. — The council.</p>", "PORT ALDER, Ore.", "<p>The council.</p>"),
        ("<p>The council - voted.</p>", "", "<p>The council - voted.</p>"),
        ("<p>US stocks — rose.</p>", "", "<p>US stocks — rose.</p>"),
    ],
)
def test_it_lifts_a_wire_dateline_out_of_the_body(body, dateline, rest):
    assert split_dateline(body) == (dateline, rest)

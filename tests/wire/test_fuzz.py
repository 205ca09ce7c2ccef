"""Any bytes through any adapter: parsed items or a typed IngestError, never another exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.wire.adapters import adapter_names, detect, get_adapter
from masthead.wire.items import IngestError, Unchanged, WireItem

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

XML_TEMPLATES = {
    "rss_atom": '<rss version="2.0"><channel><item><title>{0}</title><guid>{1}</guid>'
    "<description>{2}</description></item></channel></rss>",
    "newsml_g2": '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="{1}" version="{1}">'
    '<itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:{0}"/>'
    "<versionCreated>{2}</versionCreated><embargoed>{2}</embargoed></itemMeta>"
    "<contentMeta><headline>{0}</headline></contentMeta></newsItem>",
    "nitf": '<nitf><head><docdata management-status="{0}"><doc-id id-string="{1}"/>'
    '<date.issue norm="{2}"/><du-key version="{1}"/></docdata></head><body><body.head>'
    "<hedline><hl1>{0}</hl1></hedline></body.head><body.content>{2}</body.content>"
    "</body></nitf>",
}


def _check(adapter_name: str, data: bytes) -> None:
    adapter = get_adapter(adapter_name)
    try:
        entries = adapter.parse(data)
    except IngestError:
        return
    for entry in entries:
        assert isinstance(entry, WireItem | IngestError | Unchanged)


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(sorted(adapter_names())))
def test_it_survives_random_bytes_in_every_adapter(data, name):
    _check(name, data)


@FUZZ
@given(
    parts=st.lists(st.text(max_size=40), min_size=3, max_size=3),
    name=st.sampled_from(sorted(XML_TEMPLATES)),
)
def test_it_survives_arbitrary_text_in_xml_fields(parts, name):
    from xml.sax.saxutils import escape

    doc = XML_TEMPLATES[name].format(*(escape(p, {'"': "&quot;"}) for p in parts))
    _check(name, doc.encode("utf-8", "surrogatepass"))


@FUZZ
@given(
    parts=st.lists(st.text(max_size=30), min_size=3, max_size=3),
    cut=st.integers(min_value=0, max_value=400),
    name=st.sampled_from(sorted(XML_TEMPLATES)),
)
def test_it_survives_truncated_xml(parts, cut, name):
    doc = XML_TEMPLATES[name].format(*parts).encode("utf-8", "surrogatepass")
    _check(name, doc[:cut])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
NINJS_KEYS = [
    "uri",
    "guid",
    "version",
    "versioncreated",
    "pubstatus",
    "embargoed",
    "headline",
    "headlines",
    "bodies",
    "body_html",
    "subjects",
    "subject",
    "by",
    "bylines",
    "located",
    "associations",
    "type",
    "item",
    "infosources",
    "copyrightholder",
]


@FUZZ
@given(
    doc=st.dictionaries(st.sampled_from(NINJS_KEYS), json_values, max_size=10)
    | st.lists(st.dictionaries(st.sampled_from(NINJS_KEYS), json_values, max_size=6), max_size=3)
)
def test_it_survives_any_ninjs_shaped_json(doc):
    _check("ninjs", json.dumps(doc).encode())


@FUZZ
@given(data=st.binary(max_size=500))
def test_it_detects_or_refuses_any_bytes(data):
    try:
        adapter = detect(data)
    except IngestError:
        return
    _check(adapter.name, data)

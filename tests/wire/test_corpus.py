"""Every shared-corpus file MANIFEST.tsv lists for the wire formats, with what it exercises.

Each file has an expectation below; a file added to the manifest without one fails
`test_it_has_an_expectation_for_every_manifest_file`, so nothing is silently untested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from masthead.wire.items import (
    Ignored,
    MalformedInput,
    MissingField,
    PubStatus,
    UnsupportedFormat,
    WireItem,
)

UTC = dt.UTC
Check = Callable[[list[WireItem]], None]


def one(check: Callable[[WireItem], object]) -> Check:
    def run(items: list[WireItem]) -> None:
        assert len(items) == 1, items
        assert check(items[0]) is not False

    return run


def headline(text: str) -> Check:
    return one(lambda i: text in i.headline or pytest.fail(f"{i.headline!r} lacks {text!r}"))


def count(n: int, check: Callable[[list[WireItem]], object] = lambda items: True) -> Check:
    def run(items: list[WireItem]) -> None:
        assert len(items) == n, [i.headline for i in items]
        assert check(items) is not False

    return run


# file -> (adapter, check on items, expected error class or None, expected error text)
EXPECT: dict[str, tuple[str, Check | None, type | None, str]] = {
    # --- NewsML-G2 ---
    "newsmlg2/iptc_LISTING_1_news_item_embargoed_update.xml": (
        "newsml_g2",
        one(
            lambda i: (
                i.version == 11
                and i.embargo_until == dt.datetime(2018, 10, 23, 12, tzinfo=UTC)
                and "STRICTLY EMBARGOED" in i.ednote
                and i.copyright.startswith("Copyright 2017-18")
                and any(s.iptc_number == "04000000" for s in i.subjects)
                and i.headline == 'Fed to halt QE to avert "bubble"'
                and i.dateline == "Berlin"
                and i.country_code == "DE"
            )
        ),
        None,
        "",
    ),
    "newsmlg2/iptc_LISTING_2_text_with_inline_nitf.xml": (
        "newsml_g2",
        one(
            lambda i: (
                "<p>" in i.body_html and "nitf" not in i.body_html and "xmlns" not in i.body_html
            )
        ),
        None,
        "",
    ),
    "newsmlg2/iptc_LISTING_3_photo.xml": ("newsml_g2", count(0), Ignored, "picture"),
    "newsmlg2/iptc_LISTING_4_video_renditions.xml": ("newsml_g2", count(0), Ignored, "video"),
    "newsmlg2/iptc_LISTING_6_simple_package.xml": ("newsml_g2", count(0), Ignored, "packageItem"),
    "newsmlg2/iptc_LISTING_9_seq_package.xml": ("", None, UnsupportedFormat, "<groupSet>"),
    "newsmlg2/iptc_LISTING_11_person_concept_item.xml": (
        "newsml_g2",
        count(0),
        Ignored,
        "conceptItem",
    ),
    "newsmlg2/iptc_LISTING_24_newsmessage_skeleton.xml": (
        "newsml_g2",
        count(0),
        MissingField,
        "no itemMeta",
    ),
    "newsmlg2/iptc_LISTING_28_located_dateline.xml": ("", None, UnsupportedFormat, "contentMeta"),
    "newsmlg2/iptc_LISTING_29_hop_history.xml": ("newsml_g2", count(0), MissingField, "headline"),
    "newsmlg2/iptc_ap_metadata_example_iso8859-1.xml": ("newsml_g2", count(0), Ignored, "video"),
    "newsmlg2/iptc_test_001_incomplete_file.xml": (
        "newsml_g2",
        count(0),
        MissingField,
        "no itemMeta",
    ),
    "newsmlg2/iptc_test_002_ruby_text.xml": (
        "newsml_g2",
        one(lambda i: i.embargo_until is not None and i.version == 11),
        None,
        "",
    ),
    "newsmlg2/iptc_test_CR00138_signal_severity.xml": (
        "newsml_g2",
        count(0),
        MissingField,
        "headline",
    ),
    "newsmlg2/sd_reuters_KBN0FL0NM_v10_package.xml": (
        "newsml_g2",
        count(0),
        Ignored,
        "5 referenced",
    ),
    "newsmlg2/sd_reuters_KBN0FL0NN_v5_text.xml": (
        "newsml_g2",
        one(
            lambda i: (
                i.version == 5
                and i.headline.startswith("Confident Assad")
                and len(i.body_html) > 1000
            )
        ),
        None,
        "",
    ),
    "newsmlg2/sd_reuters_KBN0FL0ZP_v2_text.xml": (
        "newsml_g2",
        one(lambda i: i.version == 2),
        None,
        "",
    ),
    "newsmlg2/sd_reuters_ISS149709_new_table.xml": (
        "newsml_g2",
        one(
            lambda i: (
                ("<table" in i.body_html or "<pre" in i.body_html or "<p" in i.body_html)
                and i.headline.startswith("Soccer-Turkish")
            )
        ),
        None,
        "",
    ),
    "newsmlg2/sd_reuters_L4N1FL0N0_update_table.xml": (
        "newsml_g2",
        headline("PRECIOUS-Gold"),
        None,
        "",
    ),
    "newsmlg2/sd_reuters_MTZXEE13ZXCZES_2_commented_embargo.xml": (
        "newsml_g2",
        one(
            lambda i: i.embargo_until is None and i.pubstatus == PubStatus.USABLE and i.version == 2
        ),
        None,
        "",
    ),
    "newsmlg2/sd_reuters_GM1EA7M13RP01_picture.xml": ("newsml_g2", count(0), Ignored, "picture"),
    "newsmlg2/sd_reuters_text_edStat_N.xml": ("newsml_g2", headline("Benitez"), None, ""),
    "newsmlg2/sd_reuters_video_newsmessage.xml": (
        "newsml_g2",
        count(1, lambda items: "Cardinals" in items[0].headline),
        Ignored,
        "",
    ),
    "newsmlg2/sd_reuters_snep_package.xml": ("newsml_g2", count(0), Ignored, "10 referenced"),
    "newsmlg2/sd_ansa_culture_sig_update.xml": (
        "newsml_g2",
        one(lambda i: i.version == 2 and i.language.startswith("it")),
        None,
        "",
    ),
    "newsmlg2/sd_ansa_text_routing_signal.xml": ("newsml_g2", headline("Catalan"), None, ""),
    "newsmlg2/sd_stt_finnish_update.xml": ("newsml_g2", one(lambda i: i.version == 4), None, ""),
    "newsmlg2/sd_stt1_update.xml": (
        "newsml_g2",
        one(lambda i: i.version == 2 and "Revenio" in i.headline),
        None,
        "",
    ),
    "newsmlg2/sd_scoop_bom_empty_embargo.xml": ("newsml_g2", count(0), MissingField, "headline"),
    # --- NITF ---
    "nitf/sd_nitf_fishing_canceled.xml": (
        "nitf",
        one(
            lambda i: (
                i.pubstatus == PubStatus.CANCELED
                and i.guid == "iptc.321656141.b"
                and i.replaces == "iptc.321656141.a"
                and any(s.iptc_number == "17000000" for s in i.subjects)
            )
        ),
        None,
        "",
    ),
    "nitf/guardian_nitf_3.5_fishing_replaces_canceled.xml": (
        "nitf",
        one(lambda i: i.pubstatus == PubStatus.USABLE and i.replaces == "iptc.321656141.a"),
        None,
        "",
    ),
    "nitf/guardian_nitf_3.6_foreign_namespaces.xml": (
        "nitf",
        one(
            lambda i: (
                i.guid.startswith("nitf-sha256:")
                and "spacewalk" in i.headline
                and "georss" not in i.body_html
            )
        ),
        None,
        "",
    ),
    "nitf/sd_aap_story.xml": ("nitf", one(lambda i: i.guid == "AAP.115314987.5417374"), None, ""),
    "nitf/sd_aap_story_same_id_other_text.xml": (
        "nitf",
        one(lambda i: i.guid == "AAP.115314987.5417374" and i.headline == "F1 Test"),
        None,
        "",
    ),
    "nitf/sd_aap_finance_single_line.xml": ("nitf", headline("Samsung"), None, ""),
    "nitf/sd_ap_nitf.xml": ("nitf", one(lambda i: "—" in i.body_html), None, ""),
    "nitf/sd_ap_media_text.nitf.xml": ("nitf", headline("Top Ten"), None, ""),
    "nitf/sd_pa1_iso8859-1.xml": ("nitf", headline("PA SPORT TRIVIA"), None, ""),
    "nitf/sd_pa3_embargoed_status.xml": (
        "nitf",
        one(lambda i: i.embargo_until is not None or i.pubstatus == PubStatus.EMBARGOED),
        None,
        "",
    ),
    "nitf/sd_pa5_real_latin1_pound.xml": ("nitf", one(lambda i: "£" in i.headline), None, ""),
    "nitf/sd_mapping_test_declared_latin1_utf8_danish.xml": (
        # Declared Latin-1, stored UTF-8: read as the UTF-8 it is.
        "nitf",
        one(lambda i: "41-årig" in i.headline),
        None,
        "",
    ),
    "nitf/sd_efe_nitf_no_decl.xml": ("nitf", headline("Honduran"), None, ""),
    "nitf/sd_invalid_date_placeholders.xml": (
        "nitf",
        one(
            lambda i: (
                i.embargo_until is None
                and i.version_at is not None
                and i.version_at.utcoffset() == dt.timedelta(hours=-4)
            )
        ),
        None,
        "",
    ),
    "nitf/iptc_LISTING_25_nitf_in_inlinexml_fragment.xml": (
        "",
        None,
        UnsupportedFormat,
        "<contentSet>",
    ),
    # --- ninjs ---
    "ninjs/iptc_3.0_ntb_text.json": (
        "ninjs",
        one(lambda i: i.version == 6 and i.language == "no" or "kjøpt" in i.headline),
        None,
        "",
    ),
    "ninjs/iptc_3.0_tt_text_image.json": ("ninjs", headline("Militärövning"), None, ""),
    "ninjs/iptc_3.0_ap_image.json": ("ninjs", count(0), Ignored, "picture"),
    "ninjs/iptc_3.0_businesswire_nonascii.json": (
        "ninjs",
        one(lambda i: i.language.startswith("zh") and "供應商" in i.headline),
        None,
        "",
    ),
    "ninjs/iptc_3.0_addb_nitf_body.json": (
        "ninjs",
        one(lambda i: i.version == 2 and "<p" in i.body_html),
        None,
        "",
    ),
    "ninjs/iptc_3.0_simple_text.json": (
        "ninjs",
        one(lambda i: i.version is None and i.pubstatus == PubStatus.USABLE),
        None,
        "",
    ),
    "ninjs/iptc_1.4_complex2.json": ("ninjs", one(lambda i: "<p" in i.body_html), None, ""),
    "ninjs/iptc_1.0_pass_embargoed.json": ("ninjs", count(0), MissingField, "headline"),
    "ninjs/iptc_1.0_pass_embargoed_bad_datetime.json": (
        "ninjs",
        one(lambda i: i.embargo_until is None and i.pubstatus == PubStatus.EMBARGOED),
        None,
        "",
    ),
    "ninjs/iptc_1.0_pass_embargoed_date_only.json": ("ninjs", count(0), MissingField, "headline"),
    "ninjs/iptc_1.0_pass_pubstatus_withheld.json": (
        "ninjs",
        one(lambda i: i.pubstatus == PubStatus.WITHHELD),
        None,
        "",
    ),
    "ninjs/iptc_1.0_pass_pubstatus_canceled.json": (
        "ninjs",
        one(lambda i: i.pubstatus == PubStatus.CANCELED),
        None,
        "",
    ),
    "ninjs/iptc_1.0_pass_versioncreated_bad_datetime.json": (
        "ninjs",
        count(0),
        MissingField,
        "headline",
    ),
    "ninjs/iptc_1.0_fail_pubstatus_cancelled_spelling.json": (
        "ninjs",
        one(lambda i: i.pubstatus == PubStatus.CANCELED),
        None,
        "",
    ),
    "ninjs/iptc_1.2_fail_pubstatus_replaced.json": (
        "ninjs",
        count(0),
        MalformedInput,
        "unknown pubstatus 'replaced'",
    ),
    "ninjs/iptc_1.0_fail_version_number.json": ("ninjs", count(0), MissingField, "headline"),
    "ninjs/iptc_1.0_fail_no_uri_empty_object.json": ("ninjs", count(0), MissingField, "uri"),
    "ninjs/sd_ninjs_embargoed_v11.json": (
        "ninjs",
        one(
            lambda i: (
                i.version == 11 and i.embargo_until == dt.datetime(2022, 6, 29, 2, 30, tzinfo=UTC)
            )
        ),
        None,
        "",
    ),
    "ninjs/sd_ninjs4_german_assoc.json": (
        "ninjs",
        one(lambda i: i.guid.startswith("https://") and "behauptet" in i.headline),
        None,
        "",
    ),
    "ninjs/sd_ninjs2_assoc_v4.json": (
        "ninjs",
        one(lambda i: i.version == 4 and any(s.iptc_number == "04005004" for s in i.subjects)),
        None,
        "",
    ),
    "ninjs/sd_ninjs3_picture.json": ("ninjs", count(0), Ignored, "picture"),
    "ninjs/sd_bbc_ninjs_variant_text.json": ("ninjs", count(0), Ignored, "advisory"),
    # --- RSS / Atom ---
    "rss_atom/rssparser_guardian_us.rss": (
        "rss_atom",
        count(
            55,
            lambda items: (
                all(i.guid and i.version_at for i in items)
                and any(i.image_url for i in items)
                and any(i.bylines for i in items)
            ),
        ),
        None,
        "",
    ),
    "rss_atom/rssparser_jn_pt_iso8859-1.rss": (
        "rss_atom",
        count(40, lambda items: "Mãe" in items[0].headline),
        None,
        "",
    ),
    "rss_atom/rssparser_instant_article.rss": ("rss_atom", one(lambda i: i.body_html), None, ""),
    "rss_atom/rssparser_content_encoded.rss": (
        "rss_atom",
        count(7, lambda items: len(items[0].body_html) > len(items[0].summary)),
        None,
        "",
    ),
    "rss_atom/rssparser_rss092_oreilly_bad_dates.rss": ("rss_atom", count(2), None, ""),
    "rss_atom/rssparser_leading_newline_before_decl.rss": ("rss_atom", count(1), None, ""),
    "rss_atom/rssparser_craigslist_rss1_rdf.rss": ("rss_atom", count(25), None, ""),
    "rss_atom/rssparser_feedburner.atom": (
        "rss_atom",
        count(25, lambda items: items[0].guid.startswith("tag:blogger.com")),
        None,
        "",
    ),
    "rss_atom/rssparser_incomplete_fields.atom": (
        "rss_atom",
        count(0),
        MissingField,
        "neither title nor description",
    ),
    "rss_atom/rssparser_unrecognized_not_a_feed.rss": ("", None, UnsupportedFormat, "<head>"),
    "rss_atom/feedparser_large_russian_atom.xml": (
        "rss_atom",
        count(15, lambda items: "Невидимая" in items[0].headline),
        None,
        "",
    ),
    "rss_atom/feedparser_utf-8-bom.xml": ("rss_atom", count(0), None, ""),
    "rss_atom/feedparser_utf-16be_declared.xml": ("rss_atom", count(0), None, ""),
    "rss_atom/feedparser_utf-32le-bom.xml": ("rss_atom", count(0), None, ""),
    "rss_atom/feedparser_big5.xml": ("rss_atom", count(0), None, ""),
    "rss_atom/feedparser_euc-kr.xml": ("rss_atom", count(0), None, ""),
    "rss_atom/feedparser_chardet_koi8r_undeclared.xml": ("rss_atom", count(1), None, ""),
    "rss_atom/feedparser_chardet_shiftjis_undeclared.xml": ("rss_atom", count(1), None, ""),
    "rss_atom/feedparser_chardet_windows1255_undeclared.xml": ("rss_atom", count(1), None, ""),
    "rss_atom/feedparser_demoronize_win1252_points.xml": (
        "rss_atom",
        one(lambda i: i.headline == "don\u2019t"),
        None,
        "",
    ),
    "rss_atom/feedparser_double_encoded_html.xml": ("rss_atom", count(1), None, ""),
    "rss_atom/feedparser_bozo_bogus_encoding.xml": ("rss_atom", count(0), None, ""),
    "rss_atom/feedparser_bozo_invalid_bytes_with_bom.xml": (
        "",
        None,
        MalformedInput,
        "malformed feed",
    ),
    "rss_atom/feedparser_bozo_linenoise.xml": ("rss_atom", count(1), None, ""),
    "rss_atom/feedparser_bozo_encoding_mismatch_crash.xml": ("rss_atom", count(1), None, ""),
    "rss_atom/feedparser_http_charset_overrides_decl.xml": ("rss_atom", count(0), None, ""),
    "rss_atom/feedparser_illformed_empty_document.xml": (
        "",
        None,
        MalformedInput,
        "no root element",
    ),
    "rss_atom/feedparser_illformed_incomplete_cdata.xml": (
        "rss_atom",
        count(0),
        MissingField,
        "neither title",
    ),
    "rss_atom/feedparser_illformed_undeclared_namespace.xml": (
        "",
        None,
        MalformedInput,
        "unbound prefix",
    ),
    "rss_atom/feedparser_illformed_high_bit_date.xml": ("rss_atom", count(0), None, ""),
    "rss_atom/feedparser_illformed_corrupted_ampersands.xml": (
        "rss_atom",
        count(0),
        MissingField,
        "neither title",
    ),
    "rss_atom/feedparser_strip_invalid_doctype.xml": ("rss_atom", count(0), None, ""),
    "rss_atom/feedparser_rss_guid_not_permalink_not_url.xml": (
        "rss_atom",
        count(0),
        MissingField,
        "neither title",
    ),
    "rss_atom/feedparser_rss_guid_permalink_conflict_link.xml": (
        "rss_atom",
        count(0),
        MissingField,
        "neither title",
    ),
    "rss_atom/feedparser_rss_item_expirationDate.xml": (
        "rss_atom",
        count(0),
        MissingField,
        "neither title",
    ),
    "rss_atom/feedparser_atom10_entry_id.xml": ("rss_atom", count(0), MissingField, "neither"),
    "rss_atom/feedparser_atom10_entry_id_no_normalization_1.xml": (
        "rss_atom",
        count(0),
        MissingField,
        "neither",
    ),
    # --- other/ (formats out of scope: refused with a clear reason) ---
    "other/sd_newsml12_afp.xml": ("", None, UnsupportedFormat, "NewsML 1.x"),
    "other/sd_newsml12_afp20_declared_latin1_utf8_bytes.xml": (
        "",
        None,
        UnsupportedFormat,
        "NewsML 1.x",
    ),
    "other/sd_newsml12_ana_greek_multilang.xml": ("", None, UnsupportedFormat, "NewsML 1.x"),
    "other/iptc_newsml1_businesswire_nonascii.xml": ("", None, UnsupportedFormat, "NewsML 1.x"),
    "other/sd_anpa1312_1.tst": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_anpa1312_2.tst": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_ap_anpa1312_1.tst": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_ap_anpa1312_6_latin1.tst": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_ap_anpa1312_5_tiny.tst": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_iptc7901.txt": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_iptc7901_latin1.txt": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_dpa_iptc7901_nbsp_latin1.txt": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_email_simple.eml": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_email_windows1252_raw_utf8_subject.eml": (
        "",
        None,
        UnsupportedFormat,
        "unsupported format",
    ),
    "other/sd_email_charset_in_subject.eml": ("", None, UnsupportedFormat, "unsupported format"),
    "other/sd_ap_media_api_text_item.json": ("", None, UnsupportedFormat, "JSON API envelope"),
    "other/sd_ap_media_api_feed.json": ("", None, UnsupportedFormat, "JSON API envelope"),
    "other/sd_ritzau_news.xml": ("", None, UnsupportedFormat, "<RBNews>"),
    "other/sd_wenn_feed.xml": (
        "rss_atom",
        count(2, lambda items: items[0].headline.startswith("Suge Knight")),
        None,
        "",
    ),
    "other/sd_wordpress_wxr.xml": ("rss_atom", count(5), None, ""),
}

WIRE_DIRS = ("newsmlg2/", "nitf/", "ninjs/", "rss_atom/", "other/")


def manifest_files(corpora: Path) -> list[str]:
    rows = (corpora / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return sorted({r.split("\t", 1)[0] for r in rows if r.startswith(WIRE_DIRS)})


def test_it_has_an_expectation_for_every_manifest_file(corpora):
    listed = manifest_files(corpora)
    assert len(listed) >= 120
    assert sorted(set(listed) - set(EXPECT)) == []
    assert sorted(set(EXPECT) - set(listed)) == []


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_it_reads_each_corpus_file_as_expected(corpora, parse_file, name):
    adapter, check, error_class, error_text = EXPECT[name]
    got_adapter, items, errors = parse_file(corpora / name)
    assert got_adapter == adapter
    if check is not None:
        check(items)
    else:
        assert items == []
    if error_class is None:
        assert errors == [], [e.reason for e in errors]
    else:
        assert errors, f"expected a {error_class.__name__}"
        assert any(isinstance(e, error_class) and error_text in e.reason for e in errors), [
            (type(e).__name__, e.reason) for e in errors
        ]

"""What a wire editor relies on: identity, versions, updates, corrections, kills, embargoes,
duplicates, categorisation, editor locks, credit and the text pipeline."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from masthead.newsroom.models import Article, ArticleRevision, Source
from masthead.newsroom.signals import article_changed
from masthead.wire.ingest import ingest_bytes
from masthead.wire.models import Feed, IngestLog, WireItemVersion
from tests import wire_documents
from tests.factories import SectionFactory, TagFactory
from tests.wire_documents import ninjs_story

NOW = dt.datetime(2026, 11, 28, 18, 0, tzinfo=dt.UTC)
pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def ninjs(uri="urn:test:story-1", version="1", when="2026-11-28T10:00:00Z", **extra) -> bytes:
    """The ferry-plan story every test here starts from, as a ninjs file; `extra` changes it."""
    fields = {
        "firstcreated": "2026-11-28T09:00:00Z",
        "bylines": [{"byline": "By Ana Ruiz"}],
        "located": "Port Alder, Oregon",
        "copyrightholder": "Test Press Agency",
        "copyrightnotice": "© 2026 Test Press Agency",
        "subjects": [
            {"uri": "http://cv.iptc.org/newscodes/mediatopic/04000000", "name": "economy"},
            {"name": "Ferries", "uri": "https://x.example/t/f"},
        ],
        **extra,
    }
    story = ninjs_story(
        uri=uri,
        version=version,
        versioncreated=when,
        headline="Harbour council approves ferry plan",
        body_html="<p>PORT ALDER, Ore. (CP) — The council voted.</p><p>More.</p>",
        source="Test Press",
        **fields,
    )
    return wire_documents.ninjs(story)


def ingest(data: bytes, **kwargs):
    return ingest_bytes(data, file="test.json", **kwargs)


def test_it_creates_a_story_and_its_source_on_first_sight():
    summary = ingest(ninjs())
    assert summary.line() == "ingested 1 new, 0 updated, 0 killed, 0 skipped, 0 errors"
    article = Article.objects.get()
    source = Source.objects.get()
    assert (source.name, source.credit_line) == ("Test Press", "Test Press Agency")
    assert article.source == source and article.wire_guid == "urn:test:story-1"
    assert article.dateline == "Port Alder, Oregon"
    assert article.body.startswith("<p>The council voted.")  # dateline not shown twice
    assert article.byline_names == ["Ana Ruiz"]
    assert article.copyright == "© 2026 Test Press Agency"
    assert article.is_visible()
    assert summary.results[0].url == article.get_absolute_url()


def test_it_skips_identical_content_cheaply_and_does_not_log_it(django_assert_max_num_queries):
    ingest(ninjs())
    with django_assert_max_num_queries(4):
        summary = ingest(ninjs())
    assert summary.line() == "ingested 0 new, 0 updated, 0 killed, 1 skipped, 0 errors"
    assert IngestLog.objects.filter(action="skipped").count() == 0


def test_it_updates_in_place_keeping_slug_and_a_revision():
    ingest(ninjs())
    article = Article.objects.get()
    slug = article.slug
    received = []
    article_changed.connect(
        lambda **kw: received.append(kw["change"]), weak=False, dispatch_uid="t-upd"
    )
    try:
        summary = ingest(
            ninjs(
                version="2",
                when="2026-11-28T12:00:00Z",
                headlines=[{"role": "main", "value": "Council approves plan"}],
            )
        )
    finally:
        article_changed.disconnect(dispatch_uid="t-upd")
    assert summary.updated == 1
    article.refresh_from_db()
    assert article.slug == slug and article.headline == "Council approves plan"
    assert article.wire_version == 2 and article.was_updated
    assert article.updated_at == dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
    revision = ArticleRevision.objects.get(article=article)
    assert revision.snapshot["headline"] == "Harbour council approves ferry plan"
    assert received == ["updated"]


def test_it_never_lets_an_older_version_overwrite_a_newer_one():
    ingest(ninjs(version="3", when="2026-11-28T12:00:00Z"))
    summary = ingest(
        ninjs(
            version="2",
            when="2026-11-28T11:00:00Z",
            headlines=[{"role": "main", "value": "Old headline"}],
        )
    )
    assert summary.skipped == 1 and "older version" in summary.results[0].reason
    assert Article.objects.get().headline == "Harbour council approves ferry plan"


def test_it_keeps_the_first_of_two_different_items_with_the_same_version():
    ingest(ninjs())
    summary = ingest(ninjs(headlines=[{"role": "main", "value": "Other text, same version"}]))
    assert summary.skipped == 1 and "same version" in summary.results[0].reason
    assert IngestLog.objects.filter(action="skipped").count() == 1


def test_it_applies_a_correction_with_its_time():
    ingest(ninjs())
    ingest(
        ninjs(
            version="2",
            when="2026-11-28T13:00:00Z",
            ednote="CORRECTION: corrects the spelling of the mayor's name",
        )
    )
    article = Article.objects.get()
    (correction,) = article.corrections.all()
    assert correction.note.startswith("CORRECTION: corrects the spelling")
    assert correction.actor == f"wire: {article.source.name}"
    assert article.corrected_at == correction.published_at
    assert article.corrected_at == dt.datetime(2026, 11, 28, 13, tzinfo=dt.UTC)


def test_a_note_repeated_by_later_versions_is_one_correction_and_a_new_note_another():
    first = "CORRECTION: corrects the spelling of the mayor's name"
    ingest(ninjs())
    ingest(ninjs(version="2", when="2026-11-28T13:00:00Z", ednote=first))
    ingest(ninjs(version="3", when="2026-11-28T14:00:00Z", ednote=first, located="Port Alder"))
    ingest(ninjs(version="4", when="2026-11-28T15:00:00Z", ednote="Correction: the vote was 5-2"))
    article = Article.objects.get()
    assert [(c.note[:14], c.published_at.hour) for c in article.corrections.all()] == [
        ("CORRECTION: co", 13),
        ("Correction: th", 15),
    ]
    assert article.corrected_at == dt.datetime(2026, 11, 28, 15, tzinfo=dt.UTC)


def test_it_kills_a_story_and_never_resurrects_it():
    ingest(ninjs())
    summary = ingest(ninjs(version="2", pubstatus="canceled", ednote="Legal withdrawal"))
    assert summary.killed == 1
    article = Article.objects.get()
    assert article.status == Article.Status.KILLED and article.kill_reason == "Legal withdrawal"
    assert not Article.objects.published().exists()
    for version in ("1", "3"):
        again = ingest(
            ninjs(
                version=version,
                when="2026-11-28T15:00:00Z",
                headlines=[{"role": "main", "value": f"v{version}"}],
            )
        )
        assert again.skipped == 1
    article.refresh_from_db()
    assert article.is_killed and article.headline == "Harbour council approves ferry plan"


def test_it_keeps_a_kill_for_an_unknown_story_so_a_late_older_version_stays_dead():
    summary = ingest(ninjs(version="2", pubstatus="canceled"))
    assert summary.killed == 1
    late = ingest(ninjs(version="1"))
    assert late.skipped == 1
    assert not Article.objects.published().exists()


def test_it_holds_an_embargoed_story_until_its_time():
    ingest(ninjs(embargoed="2026-11-28T20:00:00Z"))
    article = Article.objects.get()
    assert not Article.objects.published().exists()
    assert Article.objects.published(now=NOW + dt.timedelta(hours=3)).get() == article


def test_it_holds_a_story_with_an_unreadable_embargo_as_a_draft():
    ingest(ninjs(embargoed="Next Monday"))
    assert Article.objects.get().status == Article.Status.DRAFT


def test_it_withdraws_a_withheld_version_from_readers():
    ingest(ninjs())
    ingest(ninjs(version="2", pubstatus="withheld"))
    assert Article.objects.get().status == Article.Status.DRAFT


def test_it_makes_one_article_of_the_same_story_sent_under_a_new_guid():
    ingest(ninjs())
    summary = ingest(ninjs(uri="urn:test:resent", version="1"))
    assert summary.skipped == 1 and "duplicate of" in summary.results[0].reason
    assert Article.objects.count() == 1


def test_it_flags_a_near_duplicate_for_editors():
    ingest(ninjs())
    other_body = [{"contenttype": "text/html", "value": "<p>Different words entirely.</p>"}]
    summary = ingest(ninjs(uri="urn:test:other", bodies=other_body))
    assert summary.new == 1 and "near-duplicate" in summary.results[0].reason


def test_it_maps_iptc_codes_and_feed_defaults_to_existing_sections_only():
    business = SectionFactory(name="Business", slug="business")
    local = SectionFactory(name="Local", slug="local")
    feed = Feed.objects.create(
        name="CP",
        slug="cp",
        keyword_rules=[
            {"keyword": "ferry", "sections": ["ferries-desk"], "tags": ["Ferries rule"]}
        ],
    )
    feed.default_sections.set([local])
    feed.default_tags.set([TagFactory(name="Wire")])
    ingest(ninjs(), feed=feed)
    article = Article.objects.get()
    assert list(article.sections.order_by("slug")) == [business, local]
    assert article.section == local
    assert {t.name for t in article.tags.all()} == {"Wire", "Ferries", "Ferries rule"}
    assert not Article.objects.filter(sections__slug="ferries-desk").exists()


def test_it_prefers_an_agency_desk_subject_over_a_broad_politics_code():
    SectionFactory(name="World", slug="world")
    SectionFactory(name="Politics", slug="politics")
    ingest(
        ninjs(
            subjects=[
                {"uri": "http://cv.iptc.org/newscodes/mediatopic/11000000", "name": "politics"},
                {"uri": "https://cp.example/desk/world", "name": "World"},
            ]
        )
    )
    assert [s.slug for s in Article.objects.get().sections.all()] == ["world"]


def test_it_leaves_an_editors_headline_sections_and_tags_alone_on_update():
    world = SectionFactory(name="World", slug="world")
    SectionFactory(name="Business", slug="business")
    ingest(ninjs())
    article = Article.objects.get()
    article.headline = "Editor's headline"
    article.editor_locked_fields = ["headline", "sections", "tags"]
    article.save()
    article.sections.set([world])
    article.tags.set([TagFactory(name="Picked")])
    ingest(
        ninjs(
            version="2",
            when="2026-11-28T12:00:00Z",
            bodies=[{"contenttype": "text/html", "value": "<p>New body.</p>"}],
        )
    )
    article.refresh_from_db()
    assert article.headline == "Editor's headline" and article.body == "<p>New body.</p>"
    assert list(article.sections.all()) == [world]
    assert [t.name for t in article.tags.all()] == ["Picked"]


def test_it_uses_the_named_source_and_the_feeds_fiction_flag():
    feed = Feed.objects.create(name="Demo", slug="demo", marks_fiction=True)
    ingest(ninjs(), source_name="Harbor Light Wire", feed=feed)
    article = Article.objects.get()
    assert article.source.name == "Harbor Light Wire" and article.is_fiction


def test_it_cleans_text_and_sanitises_html():
    body = [
        {
            "contenttype": "text/html",
            "value": '<p onclick="x()">CafÃ© opens</p><script>alert(1)</script>',
        }
    ]
    ingest(ninjs(bodies=body, headlines=[{"role": "main", "value": "CafÃ© <b>opens</b>"}]))
    article = Article.objects.get()
    assert article.headline == "Café opens"
    assert "script" not in article.body and "onclick" not in article.body
    assert "Café" in article.body
    log = IngestLog.objects.get(action="new")
    assert log.repairs and any("headline" in r for r in log.repairs)


def test_it_quarantines_a_bad_item_and_lets_the_rest_in():
    good = json.loads(ninjs())
    data = wire_documents.ninjs(
        [good, {"pubstatus": "usable"}, {"uri": "x", "pubstatus": "replaced"}]
    )
    summary = ingest(data)
    assert (summary.new, summary.errors) == (1, 2)
    reasons = set(IngestLog.objects.filter(action="error").values_list("reason", flat=True))
    assert reasons == {"ninjs item has no uri or guid", "unknown pubstatus 'replaced'"}


def test_it_records_each_applied_version():
    ingest(ninjs())
    ingest(
        ninjs(
            version="2",
            when="2026-11-28T12:00:00Z",
            bodies=[{"contenttype": "text/html", "value": "<p>v2</p>"}],
        )
    )
    assert list(WireItemVersion.objects.order_by("id").values_list("version", flat=True)) == [1, 2]


def test_it_follows_an_nitf_replacement_chain_and_kill(corpora):
    from masthead.wire.ingest import ingest_file

    ingest_file(
        corpora / "nitf/guardian_nitf_3.5_fishing_replaces_canceled.xml", source_name="IPTC"
    )
    summary = ingest_file(corpora / "nitf/sd_nitf_fishing_canceled.xml", source_name="IPTC")
    assert summary.killed == 1
    assert Article.objects.get().is_killed


def test_it_repairs_a_wrongly_declared_encoding(corpora):
    from masthead.wire.ingest import ingest_file

    ingest_file(corpora / "nitf/sd_mapping_test_declared_latin1_utf8_danish.xml")
    assert "41-årig" in Article.objects.get().headline

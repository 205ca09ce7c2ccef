"""Near-duplicates: the same event told twice by two wires is linked for editors, not merged."""

from __future__ import annotations

import pytest
import time_machine

from masthead.newsroom.models import Article
from masthead.wire.ingest import ingest_bytes
from masthead.wire.models import IngestLog, NearDuplicate
from tests.wire_documents import rss, rss_item

pytestmark = pytest.mark.django_db

LEAD = (
    "The county board voted five to two on Tuesday night to close the Port Alder ferry "
    "terminal for repairs through the spring, ending weeks of argument over the budget"
)


def feed(guid: str, headline: str, body: str) -> bytes:
    return rss(rss_item(title=headline, guid=guid, body=body))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2026-11-28 12:00Z", tick=False):
        yield


def ingest(guid: str, headline: str, body: str, source: str):
    summary = ingest_bytes(feed(guid, headline, body), file=f"{guid}.xml", source_name=source)
    assert summary.errors == 0, summary.results
    return summary.results[0]


def test_it_links_two_wires_stories_with_the_same_lead_under_other_headlines():
    first = ingest(
        "a-1", "Ferry terminal to close", f"<p>{LEAD}.</p><p>Alpha's own tail.</p>", "Alpha Wire"
    )
    second = ingest(
        "b-1",
        "Board shuts ferry dock for repairs",
        f"<p>{LEAD}.</p><p>Beta adds reaction from riders and the union.</p>",
        "Beta Wire",
    )
    assert (first.action, second.action) == ("new", "new")
    link = NearDuplicate.objects.get(article_id=second.article_id)
    assert link.other_id == first.article_id
    assert link.same_lead and not link.same_headline
    assert 0.4 < link.similarity < 1.0
    # Both ways, so either story's page shows the other.
    assert NearDuplicate.objects.filter(
        article_id=first.article_id, other_id=second.article_id
    ).exists()
    log = IngestLog.objects.get(guid="b-1")
    assert Article.objects.get(pk=first.article_id).get_absolute_url() in log.reason


def test_it_links_stories_with_the_same_headline_and_other_text():
    first = ingest(
        "a-2", "Storm closes coast highway", "<p>Rain and slides near Tillamook.</p>", "Alpha Wire"
    )
    second = ingest(
        "b-2",
        "Storm closes coast highway",
        "<p>A different account entirely, from the south end.</p>",
        "Beta Wire",
    )
    link = NearDuplicate.objects.get(article_id=second.article_id)
    assert (link.other_id, link.same_headline, link.same_lead) == (first.article_id, True, False)


def test_it_merges_the_same_text_instead_of_linking_it():
    first = ingest("a-3", "Ferry terminal to close", f"<p>{LEAD}.</p>", "Alpha Wire")
    again = ingest("b-3", "Ferry terminal to close", f"<p>{LEAD}.</p>", "Beta Wire")
    assert again.action == "skipped" and again.article_id == first.article_id
    assert not NearDuplicate.objects.exists()


def test_it_does_not_link_unrelated_or_killed_stories():
    ingest(
        "a-4",
        "Library opens new wing",
        "<p>Readers queued from dawn for the opening.</p>",
        "Alpha Wire",
    )
    killed = ingest("a-5", "Ferry terminal to close", f"<p>{LEAD}.</p>", "Alpha Wire")
    Article.objects.filter(pk=killed.article_id).update(status=Article.Status.KILLED)
    twin = ingest("b-5", "Board shuts ferry dock", f"<p>{LEAD}.</p><p>More.</p>", "Beta Wire")
    assert twin.action == "new"
    assert not NearDuplicate.objects.exists()


def test_editors_see_the_links_on_the_article_page_and_in_the_wire_admin(admin_client):
    first = ingest("a-6", "Ferry terminal to close", f"<p>{LEAD}.</p><p>Alpha.</p>", "Alpha Wire")
    second = ingest("b-6", "Board shuts ferry dock", f"<p>{LEAD}.</p><p>Beta.</p>", "Beta Wire")
    page = admin_client.get(f"/admin/newsroom/article/{second.article_id}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "near-duplicates" in html
    assert f'href="/admin/newsroom/article/{first.article_id}/change/"' in html
    listing = admin_client.get("/admin/wire/nearduplicate/").content.decode()
    assert "Ferry terminal to close" in listing and "Board shuts ferry dock" in listing
    assert admin_client.get("/admin/wire/nearduplicate/add/").status_code == 403

"""The HMAC-authenticated push endpoint."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest

from masthead.newsroom.models import Article
from masthead.wire import views
from masthead.wire.ingest import ingest_bytes
from masthead.wire.models import Feed, IngestLog
from masthead.wire.push_signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    expected_signature,
    signed_headers,
)
from tests.factories import SourceFactory
from tests.wire_documents import ninjs, ninjs_story, rss, rss_item

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
STAMP = int(NOW.timestamp())
ITEM = ninjs(ninjs_story(uri="urn:push:1", headline="Pushed story", body_html="<p>Hi</p>"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def feed():
    return Feed.objects.create(
        name="Push",
        slug="push",
        push_secret="s3cret",
        source=SourceFactory(name="Push Press"),
        marks_fiction=True,
    )


def post(client, body, *, slug="push", headers=None, **extra):
    """POST `body` signed now with the feed's secret, unless `headers` are given."""
    sent = signed_headers("s3cret", body) if headers is None else headers
    return client.post(
        f"/wire/push/{slug}/", data=body, content_type="application/json", headers=sent, **extra
    )


def test_it_ingests_a_correctly_signed_push(client, feed):
    client.handler.enforce_csrf_checks = True
    response = post(client, ITEM)
    assert response.status_code == 200
    assert response.json()["summary"].startswith("ingested 1 new")
    article = Article.objects.get()
    assert article.is_fiction and article.source == feed.source


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=00",
        "sha1=abc",
        # The old protocol's signature, over the body alone.
        "sha256=" + hmac.new(b"s3cret", ITEM, hashlib.sha256).hexdigest(),
    ],
)
def test_it_refuses_a_missing_or_bad_signature(client, feed, signature):
    headers = {TIMESTAMP_HEADER: str(STAMP)}
    if signature is not None:
        headers[SIGNATURE_HEADER] = signature
    response = post(client, ITEM, headers=headers)
    assert response.status_code == 403
    assert response.json() == {"error": "bad or missing signature"}
    assert not Article.objects.exists()


def test_it_refuses_a_body_signed_with_another_secret(client, feed):
    assert post(client, ITEM, headers=signed_headers("other", ITEM)).status_code == 403


def test_it_refuses_pushes_to_a_feed_without_a_secret(client, feed):
    feed.push_secret = ""
    feed.save()
    response = post(client, ITEM, headers=signed_headers("", ITEM))
    assert response.status_code == 403 and "error" in response.json()


def test_it_answers_404_for_an_unknown_or_disabled_feed(client, feed):
    assert post(client, ITEM, slug="nope").status_code == 404
    feed.enabled = False
    feed.save()
    assert post(client, ITEM).status_code == 404


def test_it_only_accepts_post(client, feed):
    assert client.get("/wire/push/push/").status_code == 405


def test_it_reports_a_quarantined_item_without_failing_the_push(client, feed):
    response = post(client, b"{broken")
    assert response.status_code == 200
    assert response.json()["items"][0]["action"] == "error"


# -- one source per push feed -----------------------------------------------------------------


def other_agencys_story() -> Article:
    ingest_bytes(
        ninjs(
            ninjs_story(
                uri="urn:other:1",
                headline="Other agency's story",
                body_html="<p>Their words.</p>",
                source="Other Agency",
            )
        )
    )
    return Article.objects.get(wire_guid="urn:other:1")


def takeover(**changes: object) -> bytes:
    """A push naming the other agency's source and guid, to kill or rewrite its story."""
    story = ninjs_story(
        uri="urn:other:1",
        headline="Rewritten",
        body_html="<p>Words put in their mouth.</p>",
        version="2",
        versioncreated="2026-11-28T11:00:00Z",
        source="Other Agency",
    )
    return ninjs({**story, **changes})


def test_it_refuses_pushes_to_a_feed_without_a_fixed_source(client, feed):
    theirs = other_agencys_story()
    feed.source = None
    feed.save()
    response = post(client, takeover(pubstatus="canceled"))
    assert response.status_code == 403
    assert "fixed source" in response.json()["error"]
    theirs.refresh_from_db()
    assert not theirs.is_killed and theirs.headline == "Other agency's story"


@pytest.mark.parametrize("change", [{"pubstatus": "canceled"}, {}])
def test_it_files_an_item_naming_another_source_under_the_feeds_own(client, feed, change):
    theirs = other_agencys_story()
    response = post(client, takeover(**change))
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert not theirs.is_killed and theirs.headline == "Other agency's story"
    assert theirs.body == "<p>Their words.</p>"
    # What the push did, it did to the feed's own source's story of that guid.
    ours = Article.objects.get(source=feed.source)
    assert ours.wire_guid == "urn:other:1"
    assert ours.is_killed == bool(change)


def test_a_feed_with_a_push_secret_needs_a_fixed_source():
    feed = Feed(name="Push", slug="push", push_secret="s3cret")
    with pytest.raises(ValidationError) as caught:
        feed.full_clean()
    assert "source" in caught.value.message_dict
    feed.source = SourceFactory()
    feed.full_clean()
    Feed(name="Polled", slug="polled", location="https://wire.example/feed.xml").full_clean()


# -- timestamps and replays ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "stamp",
    [
        None,
        "",
        "soon",
        f"+{STAMP}",
        f" {STAMP}",
        f"{STAMP}.5",
        f"{STAMP:_}",
        str(STAMP).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    ],
)
def test_it_refuses_a_missing_or_malformed_timestamp(client, feed, stamp):
    headers = {SIGNATURE_HEADER: expected_signature("s3cret", stamp or "", ITEM)}
    if stamp is not None:
        headers[TIMESTAMP_HEADER] = stamp
    response = post(client, ITEM, headers=headers)
    assert response.status_code == 403
    assert TIMESTAMP_HEADER in response.json()["error"]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("signed_at", "accepted"),
    [(-300, True), (-301, False), (300, True), (301, False)],
)
def test_it_accepts_a_timestamp_only_within_five_minutes_of_now(
    client, feed, clock, signed_at, accepted
):
    headers = signed_headers("s3cret", ITEM, timestamp=STAMP)
    clock.shift(-signed_at)  # a push signed `signed_at` seconds from the server's now
    response = post(client, ITEM, headers=headers)
    assert response.status_code == (200 if accepted else 403)
    assert Article.objects.exists() == accepted


def test_it_refuses_a_timestamp_the_signature_does_not_cover(client, feed):
    headers = signed_headers("s3cret", ITEM, timestamp=STAMP - 60)
    headers[TIMESTAMP_HEADER] = str(STAMP)
    assert post(client, ITEM, headers=headers).status_code == 403


def test_it_accepts_each_signature_once(client, feed, clock):
    headers = signed_headers("s3cret", ITEM)
    assert post(client, ITEM, headers=headers).status_code == 200
    again = post(client, ITEM, headers=headers)
    assert again.status_code == 403 and again.json()["error"].startswith("replayed")
    # The same document signed anew (a second later: the timestamp is in seconds) is a
    # re-send, not a replay.
    clock.shift(1)
    resent = post(client, ITEM)
    assert resent.status_code == 200 and resent.json()["items"][0]["action"] == "skipped"


def test_it_remembers_a_signature_as_long_as_its_timestamp_is_acceptable(client, feed, clock):
    headers = signed_headers("s3cret", ITEM, timestamp=STAMP + 300)  # a fast agency clock
    assert post(client, ITEM, headers=headers).status_code == 200
    clock.shift(599)
    assert post(client, ITEM, headers=headers).status_code == 403


def test_a_replayed_push_cannot_revert_a_correction(client, feed, clock):
    # RSS items without dates carry no version: only the replay protection stops an old copy.
    v1 = rss(rss_item(title="Fire at the docks", guid="urn:rss:1", body="<p>Ten hurt.</p>"))
    v2 = rss(rss_item(title="Fire at the docks", guid="urn:rss:1", body="<p>Two hurt.</p>"))
    captured = signed_headers("s3cret", v1)
    assert post(client, v1, headers=captured).json()["summary"].startswith("ingested 1 new")
    clock.shift(60)
    assert post(client, v2).json()["summary"].startswith("ingested 0 new, 1 updated")
    clock.shift(60)
    replay = post(client, v1, headers=captured)
    assert replay.status_code == 403 and "replayed" in replay.json()["error"]
    assert Article.objects.get().body == "<p>Two hurt.</p>"


# -- size ---------------------------------------------------------------------------------------


def test_it_accepts_a_push_bigger_than_djangos_form_upload_limit(client, feed, settings):
    paragraphs = "".join(f"<p>Paragraph {i} of the long read.</p>" for i in range(90_000))
    body = ninjs(ninjs_story(uri="urn:push:long", headline="A long read", body_html=paragraphs))
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 3_000_000 < len(body)
    assert len(body) < settings.MASTHEAD_WIRE_MAX_FILE_BYTES
    response = post(client, body)
    assert response.status_code == 200
    assert response.json()["summary"].startswith("ingested 1 new")


def test_it_refuses_a_body_over_the_limit_with_json(client, feed, settings):
    settings.MASTHEAD_WIRE_MAX_FILE_BYTES = 1000
    body = ninjs(ninjs_story(uri="urn:push:big", headline="Big", body_html="<p>x</p>" * 200))
    response = post(client, body)
    assert response.status_code == 413
    assert "1000-byte limit" in response.json()["error"]
    assert not Article.objects.exists() and not IngestLog.objects.exists()


class EndlessBody:
    """A request body that never ends, counting what is read of it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        assert size >= 0, "the whole body was asked for"
        self.read_bytes += size
        return b" " * size

    def close(self) -> None:
        pass


@pytest.mark.parametrize("content_length", [None, b"10", b"1000"])
def test_it_refuses_an_over_limit_body_whatever_its_content_length_says(
    feed, settings, content_length
):
    # Under ASGI the stream is the body as received, not cut at the declared length.
    settings.MASTHEAD_WIRE_MAX_FILE_BYTES = 1000
    body = EndlessBody()
    headers = [(k.lower().encode(), v.encode()) for k, v in signed_headers("s3cret", b"").items()]
    if content_length is not None:
        headers.append((b"content-length", content_length))
    scope = {"type": "http", "method": "POST", "path": "/wire/push/push/", "headers": headers}
    response = views.push(ASGIRequest(scope, body), slug="push")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert body.read_bytes == 1001

"""The HMAC-authenticated push endpoint."""

from __future__ import annotations

import pytest

from masthead.newsroom.models import Article
from masthead.wire.models import Feed
from masthead.wire.views import expected_signature
from tests.wire_documents import ninjs, ninjs_story

pytestmark = pytest.mark.django_db
ITEM = ninjs(ninjs_story(uri="urn:push:1", headline="Pushed story", body_html="<p>Hi</p>"))


@pytest.fixture
def feed():
    return Feed.objects.create(name="Push", slug="push", push_secret="s3cret", marks_fiction=True)


def post(client, slug, body, signature):
    headers = {"HTTP_X_MASTHEAD_SIGNATURE": signature} if signature is not None else {}
    return client.post(f"/wire/push/{slug}/", data=body, content_type="application/json", **headers)


def test_it_ingests_a_correctly_signed_push(client, feed):
    client.handler.enforce_csrf_checks = True
    response = post(client, "push", ITEM, expected_signature("s3cret", ITEM))
    assert response.status_code == 200
    assert response.json()["summary"].startswith("ingested 1 new")
    assert Article.objects.get().is_fiction


@pytest.mark.parametrize("signature", [None, "", "sha256=00", "sha1=abc"])
def test_it_refuses_a_missing_or_bad_signature(client, feed, signature):
    assert post(client, "push", ITEM, signature).status_code == 403
    assert not Article.objects.exists()


def test_it_refuses_a_body_signed_with_another_secret(client, feed):
    assert post(client, "push", ITEM, expected_signature("other", ITEM)).status_code == 403


def test_it_refuses_pushes_to_a_feed_without_a_secret(client, feed):
    feed.push_secret = ""
    feed.save()
    assert post(client, "push", ITEM, expected_signature("", ITEM)).status_code == 403


def test_it_answers_404_for_an_unknown_or_disabled_feed(client, feed):
    assert post(client, "nope", ITEM, expected_signature("s3cret", ITEM)).status_code == 404
    feed.enabled = False
    feed.save()
    assert post(client, "push", ITEM, expected_signature("s3cret", ITEM)).status_code == 404


def test_it_only_accepts_post(client, feed):
    assert client.get("/wire/push/push/").status_code == 405


def test_it_reports_a_quarantined_item_without_failing_the_push(client, feed):
    body = b"{broken"
    response = post(client, "push", body, expected_signature("s3cret", body))
    assert response.status_code == 200
    assert response.json()["items"][0]["action"] == "error"

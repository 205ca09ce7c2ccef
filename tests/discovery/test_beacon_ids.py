"""The beacon's id: any run of digits reaches the view, only a published story's reads count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.discovery import popular
from masthead.discovery.models import PopularScore, ViewBucket
from masthead.newsroom.models import Article

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
OVERFLOW = 2**63  # one past a 64-bit primary key


def beacon(client, article_id: int, ip: str = "203.0.113.7"):
    return client.get(f"/b/{article_id}.gif", REMOTE_ADDR=ip, HTTP_USER_AGENT=BROWSER)


@pytest.mark.parametrize("article_id", [OVERFLOW, 10**30, 0, 987654])
def test_it_answers_a_bad_id_with_the_same_pixel_and_no_query(client, db, article_id):
    with CaptureQueriesContext(connection) as queries:
        response = beacon(client, article_id)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert "no-store" in response["Cache-Control"]
    assert len(queries) == 0


def test_it_does_not_count_an_id_out_of_range(client, db):
    beacon(client, OVERFLOW)
    assert popular.get_buffer().drain() == {}


def test_it_still_writes_genuine_reads_after_an_overflowing_id(client, make_story, frozen):
    story = make_story()
    beacon(client, OVERFLOW)
    beacon(client, 987654)  # in range, but no such story
    beacon(client, story.pk)
    assert popular.flush() == 2  # the made-up id drained and dropped, the read written
    assert ViewBucket.objects.get().article_id == story.pk
    assert ViewBucket.objects.get().views == 1
    beacon(client, story.pk, ip="198.51.100.1")
    assert popular.flush() == 1  # and nothing was put back to fail the next flush
    assert ViewBucket.objects.get().views == 2


def test_it_drops_ids_out_of_range_at_flush_and_writes_the_rest(make_story, frozen):
    # What a buffer filled before this fix (or by another machine's older code) holds.
    story = make_story()
    popular.write_counts({(OVERFLOW, 1): 5, (-1, 1): 1, (987654, 1): 3, (story.pk, 1): 2})
    assert list(ViewBucket.objects.values_list("article_id", "views")) == [(story.pk, 2)]
    assert list(PopularScore.objects.values_list("article_id", flat=True)) == [story.pk]


def test_it_drops_reads_of_stories_that_are_not_published(client, make_story, frozen):
    draft = make_story(status=Article.Status.DRAFT)
    killed = make_story()
    Article.objects.filter(pk=killed.pk).update(status=Article.Status.KILLED)
    published = make_story()
    for story in (draft, killed, published):
        beacon(client, story.pk)
    popular.flush()
    assert list(ViewBucket.objects.values_list("article_id", flat=True)) == [published.pk]


def test_it_survives_an_overflowing_id_in_the_shared_buffer(client, make_story, frozen, settings):
    """The Redis buffer round-trips ids as text; the flush must drop the bad one there too."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    story = make_story()
    buffer = popular.get_buffer()
    assert isinstance(buffer, popular.RedisBuffer)
    buffer.add(OVERFLOW, 1)
    beacon(client, story.pk)
    popular.flush()
    assert ViewBucket.objects.get().article_id == story.pk

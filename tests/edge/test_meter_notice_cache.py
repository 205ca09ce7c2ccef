"""The meter's notice with the origin's page cache on: one cached face, each reader's own count.

The face (whole or walled) is stored once for every anonymous reader given it; the notice is
put in per read (masthead/accounts/meter_notice.py), never into the stored bytes.
"""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.accounts import meter_notice
from masthead.edge import pagecache
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

NOTICE = '<aside class="meter-notice"'


@pytest.fixture(autouse=True)
def _meter(settings):
    settings.MASTHEAD_PAGE_CACHE = True
    settings.MASTHEAD_METER_FREE_ARTICLES = 3
    settings.MASTHEAD_METER_ADDRESS_FREE_ARTICLES = 100
    settings.MASTHEAD_METER_WINDOW_DAYS = 30
    settings.MASTHEAD_CRAWLER_DNS_CHECK = False


@pytest.fixture
def world():
    return SectionFactory(name="World", slug="world", on_home=True, in_nav=True)


@pytest.fixture
def stories(world):
    return [
        ArticleFactory(
            headline=f"Council budget vote {n}",
            body=f"<p>Lead sentence {n} of the story.</p>" + "<p>Hidden detail.</p>" * 8,
            section=world,
            sections=[world],
        )
        for n in range(3)
    ]


def stored_face(story, face: str, name: str = "face") -> bytes:
    """What the origin's cache keeps of the story's face (ArticleView.render_face)."""
    entry = pagecache.get(f"{name}:testserver:{story.pk}:{face}")
    assert entry is not None, "the face was not cached"
    return entry.content


def test_it_gives_two_readers_their_own_count_from_one_cached_face(stories):
    story = stories[0]
    first_reader, second_reader = Client(REMOTE_ADDR="10.1.1.1"), Client(REMOTE_ADDR="10.2.2.2")
    second_reader.get(stories[1].get_absolute_url())
    second_reader.get(stories[2].get_absolute_url())
    first = first_reader.get(story.get_absolute_url())
    second = second_reader.get(story.get_absolute_url())
    assert second["X-Origin-Cache"] == "hit"
    assert "You have 2 free stories left this month." in first.content.decode()
    assert "This is your last free story this month." in second.content.decode()
    assert "Hidden detail." in second.content.decode()
    for response in (first, second):
        assert "private" in response["Cache-Control"] and "xkey" not in response
        assert meter_notice.PLACEHOLDER not in response.content.decode()
    # The stored face has the placeholder and no one's count.
    stored = stored_face(story, "whole")
    assert meter_notice.PLACEHOLDER.encode() in stored and NOTICE.encode() not in stored
    # A third reader, with one story read: one left, from the same stored face.
    third_reader = Client(REMOTE_ADDR="10.3.3.3")
    third_reader.get(stories[2].get_absolute_url())
    third = third_reader.get(story.get_absolute_url())
    assert third["X-Origin-Cache"] == "hit"
    assert "You have 1 free story left this month." in third.content.decode()


def test_it_counts_each_read_of_a_cached_face_down_to_the_wall(stories, world):
    for reader in (Client(REMOTE_ADDR="10.4.4.4"), Client(REMOTE_ADDR="10.5.5.5")):
        seen = [reader.get(story.get_absolute_url()).content.decode() for story in stories]
        assert "You have 2 free stories left" in seen[0]
        assert "You have 1 free story left" in seen[1]
        assert "This is your last free story" in seen[2]
        walled = reader.get(ArticleFactory(section=world, sections=[world]).get_absolute_url())
        assert NOTICE not in walled.content.decode()
        assert "Access this article for free." in walled.content.decode()


def test_it_fills_a_cached_esi_fragment_per_reader(stories):
    esi = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}
    face_url = f"{stories[0].get_absolute_url()}face/"
    fresh, ahead = Client(REMOTE_ADDR="10.6.6.6"), Client(REMOTE_ADDR="10.7.7.7")
    ahead.get(f"{stories[1].get_absolute_url()}face/", **esi)
    first = fresh.get(face_url, **esi)
    second = ahead.get(face_url, **esi)
    assert second["X-Origin-Cache"] == "hit"
    assert "You have 2 free stories left" in first.content.decode()
    assert "You have 1 free story left" in second.content.decode()
    assert meter_notice.PLACEHOLDER.encode() in stored_face(stories[0], "whole", "fragment")
    # The shell every reader shares holds no count (and is the edge's to keep).
    shell = fresh.get(stories[0].get_absolute_url(), **esi)
    assert NOTICE not in shell.content.decode() and "public" in shell["Cache-Control"]


def test_it_never_sends_another_readers_count_with_a_304(stories):
    first_reader, second_reader = Client(REMOTE_ADDR="10.8.8.8"), Client(REMOTE_ADDR="10.9.9.9")
    second_reader.get(stories[1].get_absolute_url())
    first = first_reader.get(stories[0].get_absolute_url())
    second = second_reader.get(stories[0].get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["X-Origin-Cache"] == "hit"
    assert second["ETag"] != first["ETag"]
    assert "You have 1 free story left" in second.content.decode()

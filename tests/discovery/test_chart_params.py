"""The editors' views chart from a hand-edited URL: bad stories or periods are a note, not a 500."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.discovery import popular

pytestmark = pytest.mark.django_db

CHART = "/admin/discovery/viewbucket/"


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.org", "pw-tests-only")
    client.force_login(editor)
    return client


def notes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("value", [str(2**63), "9" * 40, "²", "-3", "0", "abc", "1\x00"])
def test_it_ignores_an_impossible_story_id_and_says_so(editor_client, make_story, frozen, value):
    story = make_story(headline="Chosen story")
    now_hour = popular.hour_of(dt.datetime.now(dt.UTC).timestamp())
    popular.write_counts({(story.pk, now_hour - 1): 4})
    response = editor_client.get(CHART, {"article": [value, str(story.pk)]})
    assert response.status_code == 200
    assert "Chosen story — 4 reads" in response.content.decode()
    [note] = notes(response)
    assert "Ignored the story id" in note


@pytest.mark.parametrize(
    ("value", "hours", "note"),
    [
        ("9" * 40, 24 * 14, "showing 336"),
        ("-5", 6, "showing 6"),
        ("²", 48, "not a number of hours"),
        ("1e3", 48, "not a number of hours"),
        # Past int()'s digit limit: a ValueError, not a huge number.
        pytest.param("1" * 5000, 48, "not a number of hours", id="5000-digits"),
    ],
)
def test_it_clamps_or_ignores_a_bad_period_and_says_so(editor_client, db, value, hours, note):
    response = editor_client.get(CHART, {"hours": value})
    assert response.status_code == 200
    assert response.context["hours"] == hours
    [message] = notes(response)
    assert note in message


def test_it_has_nothing_to_say_about_a_good_url(editor_client, make_story, frozen):
    story = make_story()
    response = editor_client.get(CHART, {"article": str(story.pk), "hours": "24"})
    assert response.status_code == 200
    assert response.context["hours"] == 24
    assert notes(response) == []

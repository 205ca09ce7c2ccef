"""The search page's filters from the query string: unusable ones are ignored and said so."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@pytest.fixture
def harbor_story(django_capture_on_commit_callbacks):
    """A story the index knows of (it is refreshed after commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        return ArticleFactory(headline="Harbor wall repaired")


def notes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31",  # the next day's midnight, for the inclusive end, used to overflow
        "0001-01-01",
        "99999-01-01",
        "2026-02-30",
        "yesterday",
        "²",
        "2026-01-01\x00",
    ],
)
@pytest.mark.parametrize("name", ["from", "to"])
def test_it_ignores_an_unusable_date_and_says_so(client, harbor_story, name, value):
    response = client.get(SEARCH, {"q": "harbor", name: value})
    assert response.status_code == 200
    assert [h.article.pk for h in response.context["hits"]] == [harbor_story.pk]
    assert name not in response.context["filters"]
    [note] = notes(response)
    assert "was ignored" in note and "YYYY-MM-DD" in note
    assert "was ignored" in response.content.decode()


def test_it_accepts_the_widest_dates_it_can_bound(client, harbor_story):
    response = client.get(SEARCH, {"q": "harbor", "from": "0001-01-02", "to": "9999-12-30"})
    assert response.status_code == 200
    assert [h.article.pk for h in response.context["hits"]] == [harbor_story.pk]
    assert response.context["filters"] == {"from": "0001-01-02", "to": "9999-12-30"}
    assert notes(response) == []


@pytest.mark.parametrize("name", ["section", "tag", "source"])
def test_it_ignores_a_slug_no_url_could_carry(client, harbor_story, name):
    # PostgreSQL refuses a NUL in a query parameter with an error (a 500), not a non-match.
    SectionFactory(name="Harbor", slug="harbor")
    response = client.get(SEARCH, {"q": "harbor", name: "harbor\x00"})
    assert response.status_code == 200
    assert [h.article.pk for h in response.context["hits"]] == [harbor_story.pk]
    assert name not in response.context["filters"]


def test_it_still_filters_by_a_real_section(client, harbor_story):
    SectionFactory(name="Harbor", slug="harbor")
    response = client.get(SEARCH, {"q": "harbor", "section": "harbor"})
    assert response.context["filters"] == {"section": "harbor"}
    assert response.context["hits"] == []

"""The newsroom's and the accounts' admin lists from hand-edited URLs: an unusable filter (the
admin's redirect to `?e=1`), never a 500. The checked changelist is `masthead.lib.admin`."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.org", "pw-tests-only")
    client.force_login(editor)
    ArticleFactory()
    return client


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/admin/newsroom/article/", "published_at"),
        ("/admin/accounts/meterread/", "first_read_at"),
    ],
)
@pytest.mark.parametrize(
    "query",
    [
        {"__year": "9999"},
        {"__year": "9999", "__month": "12", "__day": "31"},
        {"__year": "9" * 30},
        {"__year": "2026", "__month": "13"},
    ],
)
def test_it_refuses_a_date_drilldown_it_cannot_bound(editor_client, path, field, query):
    response = editor_client.get(path, {field + part: value for part, value in query.items()})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_it_still_drills_down_to_a_real_day(editor_client):
    response = editor_client.get(
        "/admin/newsroom/article/",
        {"published_at__year": "2026", "published_at__month": "11", "published_at__day": "20"},
    )
    assert response.status_code == 200

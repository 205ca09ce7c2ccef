"""The wire desk's admin lists from hand-edited URLs: an unusable filter, never a 500."""

from __future__ import annotations

import pytest

from masthead.wire.models import IngestLog, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_superuser("ed", "ed@example.org", "pw-tests-only")
    client.force_login(editor)
    IngestLog.objects.create(action=Outcome.NEW, guid="g1")
    return client


@pytest.mark.parametrize("path", ["/admin/wire/ingestlog/", "/admin/wire/nearduplicate/"])
@pytest.mark.parametrize(
    "drilldown",
    [
        {"year": "9999"},  # the year's end is year 10000
        {"year": "9999", "month": "12"},
        {"year": "9999", "month": "12", "day": "31"},  # one day past date.max
        {"year": "9" * 30},  # past a C long
        {"year": "2026", "month": "9" * 30},
        {"year": "2026", "month": "2", "day": "9" * 30},
        {"year": "1"},  # in UTC, a zone east of it starts in year 0
        {"year": "²"},
        {"year": "2026", "month": "13"},
    ],
)
def test_it_refuses_a_date_drilldown_it_cannot_bound(editor_client, path, drilldown):
    field = "created" if "ingestlog" in path else "detected_at"
    query = {f"{field}__{part}": value for part, value in drilldown.items()}
    response = editor_client.get(path, query)
    # The admin's answer to any unusable filter: the unfiltered list, flagged.
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_it_refuses_a_nul_in_a_filter(editor_client):
    # PostgreSQL refuses a NUL in a text parameter with an error instead of matching nothing.
    response = editor_client.get("/admin/wire/ingestlog/", {"guid": "g1\x00"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "drilldown",
    [{}, {"year": "2026"}, {"year": "2026", "month": "11"}, {"year": "9998", "month": "12"}],
)
def test_it_still_drills_down_by_date(editor_client, drilldown):
    query = {f"created__{part}": value for part, value in drilldown.items()}
    response = editor_client.get("/admin/wire/ingestlog/", query)
    assert response.status_code == 200
    assert "Wire activity, last 48 hours" in response.content.decode()

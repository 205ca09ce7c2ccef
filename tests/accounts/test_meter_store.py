"""The meter's store: the check-and-record step holds under concurrent requests.

Runs on the store the settings pick: the database (SQLite in the first pass, PostgreSQL in
the second when no Redis answers) or Redis.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from masthead.accounts import meter_store
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(days=30)


def test_it_grants_no_more_than_the_budget_to_racing_requests():
    articles = [ArticleFactory().pk for _ in range(12)]
    store = meter_store.get_store()
    results: list[bool] = []
    start = threading.Barrier(len(articles))

    def race(article_id: int) -> None:
        start.wait()
        try:
            granted = store.grant(
                article_id, limits={"c:racer": 3, "a:shared": 5}, now=NOW, window=WINDOW
            )
            results.append(granted)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(pk,)) for pk in articles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 9 + [True] * 3
    found = store.histories(["c:racer", "a:shared"], since=NOW - WINDOW)
    assert len(found["c:racer"]) == 3 and found["c:racer"].keys() == found["a:shared"].keys()


def test_it_counts_a_story_read_again_once_and_forgets_reads_outside_the_window():
    first, second, third = (ArticleFactory().pk for _ in range(3))
    store = meter_store.get_store()
    old = NOW - WINDOW - dt.timedelta(hours=1)
    assert store.grant(first, limits={"c:r": 1}, now=old, window=WINDOW)
    assert store.grant(second, limits={"c:r": 1}, now=NOW, window=WINDOW)  # the first is out
    assert store.grant(second, limits={"c:r": 1}, now=NOW, window=WINDOW)  # the same story
    assert not store.grant(third, limits={"c:r": 1}, now=NOW, window=WINDOW)
    assert not store.grant(third, limits={"c:r": None, "a:x": 0}, now=NOW, window=WINDOW)
    assert store.histories(["c:r", "c:none"], since=NOW - WINDOW) == {
        "c:r": {second: NOW},
        "c:none": {},
    }

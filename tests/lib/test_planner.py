"""SQLite's planner statistics: gathered when due, so that a rare tag's page reads its stories."""

from __future__ import annotations

import pytest
from django.db import connection

from masthead.lib import planner
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db


def _stats_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'newsroom_article_tags'")
        return cursor.fetchone()[0]


def test_it_gathers_sqlite_statistics_when_due_and_not_again_until_then(monkeypatch):
    if connection.vendor != "sqlite":
        assert planner.refresh_planner_statistics(force=True) is False  # autovacuum's job there
        return
    ArticleFactory.create_batch(3, tags=[TagFactory()])
    monkeypatch.setattr(planner, "_last", {})
    clock = iter([1000.0, 1000.0 + 60, 1000.0 + planner.ANALYZE_EVERY + 1])
    monkeypatch.setattr(planner.time, "monotonic", lambda: next(clock))
    assert planner.refresh_planner_statistics() is True
    assert _stats_rows() > 0
    assert planner.refresh_planner_statistics() is False  # a minute later: not due
    assert planner.refresh_planner_statistics() is True  # hours later: due again

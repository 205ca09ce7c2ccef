"""Every query a reader's page runs is an index lookup, not a walk through the archive.

The query-count pin keeps the number of queries constant; this keeps each one cheap as the
archive grows: every SELECT that the reader-facing pages run is put to SQLite's planner
(the embedded default), and no step may scan a table that grows with the archive.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.newsroom import selectors
from tests.site.test_query_counts import populate

pytestmark = pytest.mark.django_db

# Tables that grow with the archive or the readership; the rest (sections, sources, feeds)
# hold tens of rows, where a scan is the right plan.
GROWING = (
    "newsroom_article",
    "newsroom_authorship",
    "newsroom_author",
    "newsroom_tag",
    "newsroom_correction",
    "discovery_",
    "wire_",
    "accounts_",
)


def _scans(sql: str, params) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        steps = [row[-1] for row in cursor.fetchall()]
    return [
        s
        for s in steps
        if s.startswith("SCAN ")
        and s.split()[1].startswith(GROWING)
        and "USING" not in s
        and "VIRTUAL TABLE" not in s  # a full-text MATCH is the index lookup
    ]


def test_it_reads_every_reader_page_through_indexes(
    client, settings, django_capture_on_commit_callbacks
):
    if connection.vendor != "sqlite":
        pytest.skip("the plans checked are SQLite's (the embedded default)")
    settings.MASTHEAD_PAGE_SIZE = 3  # so that fronts have a second page
    with django_capture_on_commit_callbacks(execute=True):
        data = populate(20)  # and their search entries and Related lists, as after commit
    article, tag = data["articles"][0], data["tags"][1]
    urls = [
        "/",
        "/section/world/",
        "/section/world/?page=2",
        "/corrections/",
        "/corrections/?page=2",
        tag.get_absolute_url(),
        article.get_absolute_url(),
        "/search/?q=wire+report",  # hits
        "/search/?q=wire+report&section=world",
        "/search/?q=harbr",  # no hits: suggestions
        "/feeds/rss/",
        "/feeds/section/world/atom/",
        f"/feeds/tag/{tag.slug}/rss/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-sections.xml",
        "/news-sitemap.xml",
    ]
    statements: list[tuple[str, str, object]] = []
    for url in urls:
        seen: list[tuple[str, object]] = []

        def keep(execute, sql, params, many, context, _seen=seen):
            _seen.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            response = client.get(url)
        assert response.status_code == 200, url
        statements += [(url, sql, params) for sql, params in seen if sql.startswith("SELECT")]
    assert len(statements) > 20
    found = {}
    for url, sql, params in statements:
        scans = _scans(sql, params)
        if scans:
            found.setdefault(url, []).append((scans, sql[:300]))
    assert found == {}


def test_it_finds_the_local_block_by_its_own_index_even_with_no_local_story():
    """SQLite cannot look a bare boolean term up in an ordinary index: the Local block walked
    every story by date (the whole archive when none is local) until a partial index."""
    if connection.vendor != "sqlite":
        pytest.skip("the plans checked are SQLite's (the embedded default)")
    with CaptureQueriesContext(connection) as queries:
        selectors.local_stories(limit=6)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[0]["sql"])
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "USING INDEX article_local_newest" in plan
    assert "TEMP B-TREE" not in plan  # newest first straight from the index

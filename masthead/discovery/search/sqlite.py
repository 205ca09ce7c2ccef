"""SQLite FTS5 backend: the embedded default.

`discovery_fts` is an external-content FTS5 table over `discovery_searchentry`, kept in step by
triggers (see the migration), so indexing is an ordinary ORM save of the entry row.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from masthead.discovery.search.base import (
    RECENCY_SCALE_DAYS,
    RECENCY_WEIGHT,
    SearchBackend,
    SearchRequest,
    filter_clauses,
)
from masthead.discovery.search.text import MARK_END, MARK_START

# bm25 column weights: headline, summary, body, meta (dateline, byline, tags, sections).
BM25 = "bm25(discovery_fts, 10.0, 4.0, 1.0, 3.0)"


def _match_expression(terms: list[str], operator: str = " ") -> str:
    # Every term is quoted, so FTS5 reads it as a string (a phrase when it has spaces), never as
    # query syntax; parse_query() has already reduced terms to word characters.
    return operator.join('"' + term.replace('"', "") + '"' for term in terms)


class Fts5Backend(SearchBackend):
    vendor = "sqlite"

    def _where(self, request: SearchRequest) -> tuple[str, list[Any]]:
        now = request.now or timezone.now()
        f = request.filters
        sql = ["discovery_fts MATCH %s"]
        params: list[Any] = [_match_expression(request.terms)]
        extra_sql, extra_params = filter_clauses(f, now, connection.ops.adapt_datetimefield_value)
        sql += extra_sql
        params += extra_params
        return " AND ".join(sql), params

    def count(self, request: SearchRequest) -> int:
        where, params = self._where(request)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM discovery_fts"  # noqa: S608 - fixed SQL; values are parameters
                " JOIN discovery_searchentry e ON e.article_id = discovery_fts.rowid"
                f" WHERE {where}",
                params,
            )
            return int(cursor.fetchone()[0])

    def ranked_ids(self, request: SearchRequest, *, offset: int, limit: int) -> list[int]:
        where, params = self._where(request)
        now = connection.ops.adapt_datetimefield_value(request.now or timezone.now())
        sql = (
            "SELECT e.article_id FROM discovery_fts"  # noqa: S608 - fixed SQL; values are parameters
            " JOIN discovery_searchentry e ON e.article_id = discovery_fts.rowid"
            f" WHERE {where}"
            f" ORDER BY -{BM25} * (1.0 + {RECENCY_WEIGHT}"
            f" / (1.0 + (julianday(%s) - julianday(e.published_at)) / {RECENCY_SCALE_DAYS}))"
            " DESC, e.published_at DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, now, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def snippets(self, terms: list[str], article_ids: list[int]) -> dict[int, str]:
        if not article_ids or not terms:
            return {}
        placeholders = ", ".join(["%s"] * len(article_ids))
        sql = (
            "SELECT rowid, snippet(discovery_fts, 2, %s, %s, '…', 24) FROM discovery_fts"  # noqa: S608 - fixed SQL; values are parameters
            f" WHERE discovery_fts MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [MARK_START, MARK_END, _match_expression(terms), *article_ids])
            return {row[0]: row[1] for row in cursor.fetchall()}

    def document_frequency(self, term: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM discovery_fts WHERE discovery_fts MATCH %s",
                [_match_expression([term])],
            )
            return int(cursor.fetchone()[0])

    def similar(self, terms: list[str], *, limit: int) -> list[tuple[int, float]]:
        if not terms:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, -{BM25} AS score FROM discovery_fts WHERE discovery_fts MATCH %s"  # noqa: S608 - fixed SQL; values are parameters
                " ORDER BY score DESC LIMIT %s",
                [_match_expression(terms, " OR "), limit],
            )
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

"""PostgreSQL backend: a generated, weighted tsvector column with a GIN index.

The column (`document`) is added by the migration on PostgreSQL only: headline weighs A, summary
and meta B, body C. `websearch_to_tsquery` is fed terms already reduced to word characters.
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

CONFIG = "english"


def _query_text(terms: list[str]) -> str:
    # websearch_to_tsquery: quoted phrases stay phrases, bare words are ANDed; never an error.
    return " ".join(f'"{t}"' if " " in t else t for t in terms)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def _where(self, request: SearchRequest) -> tuple[str, list[Any]]:
        now = request.now or timezone.now()
        f = request.filters
        sql = ["e.document @@ q"]
        params: list[Any] = []
        extra_sql, extra_params = filter_clauses(f, now, lambda value: value)
        sql += extra_sql
        params += extra_params
        return " AND ".join(sql), params

    def count(self, request: SearchRequest) -> int:
        where, params = self._where(request)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM discovery_searchentry e,"  # noqa: S608 - fixed SQL; values are parameters
                f" websearch_to_tsquery('{CONFIG}', %s) q WHERE {where}",
                [_query_text(request.terms), *params],
            )
            return int(cursor.fetchone()[0])

    def ranked_ids(self, request: SearchRequest, *, offset: int, limit: int) -> list[int]:
        where, params = self._where(request)
        now = request.now or timezone.now()
        sql = (
            f"SELECT e.article_id FROM discovery_searchentry e,"  # noqa: S608 - fixed SQL; values are parameters
            f" websearch_to_tsquery('{CONFIG}', %s) q WHERE {where}"
            f" ORDER BY ts_rank_cd(e.document, q, 32) * (1.0 + {RECENCY_WEIGHT}"
            f" / (1.0 + extract(epoch FROM (%s - e.published_at)) / 86400.0"
            f" / {RECENCY_SCALE_DAYS})) DESC, e.published_at DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_query_text(request.terms), *params, now, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def snippets(self, terms: list[str], article_ids: list[int]) -> dict[int, str]:
        if not article_ids or not terms:
            return {}
        options = (
            f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=30, MinWords=12,'
            ' MaxFragments=2, FragmentDelimiter=" … "'
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id, ts_headline('{CONFIG}', body,"  # noqa: S608 - fixed SQL; values are parameters
                f" websearch_to_tsquery('{CONFIG}', %s), %s)"
                " FROM discovery_searchentry WHERE article_id = ANY(%s)",
                [_query_text(terms), options, list(article_ids)],
            )
            return {row[0]: row[1] for row in cursor.fetchall()}

    def document_frequency(self, term: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM discovery_searchentry"  # noqa: S608 - fixed SQL; values are parameters
                f" WHERE document @@ plainto_tsquery('{CONFIG}', %s)",
                [term],
            )
            return int(cursor.fetchone()[0])

    def similar(self, terms: list[str], *, limit: int) -> list[tuple[int, float]]:
        if not terms:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.article_id, ts_rank(e.document, q) AS score"  # noqa: S608 - fixed SQL; values are parameters
                f" FROM discovery_searchentry e, websearch_to_tsquery('{CONFIG}', %s) q"
                " WHERE e.document @@ q ORDER BY score DESC LIMIT %s",
                [" or ".join(terms), limit],
            )
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

"""One search interface over two engines (SQLite FTS5, PostgreSQL full text).

A backend answers three questions about the index in `SearchEntry`: which stories match a
reader's query (ranked, filtered, a page at a time), how many do, and which stories are most like
a list of key terms (for Related). Everything above it — the view, snippets of walled stories,
suggestions — is the same on both databases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A story's relevance is multiplied by 1 + RECENCY_WEIGHT / (1 + age / RECENCY_SCALE_DAYS):
# today's story counts double, a week-old one 1.5 times, a year-old one barely more than once.
# Hyperbolic rather than exponential because it is plain arithmetic in both SQL dialects, so it
# costs nothing per matched row.
RECENCY_WEIGHT = 1.0
RECENCY_SCALE_DAYS = 7.0


@dataclass(frozen=True)
class SearchFilters:
    section_id: int | None = None
    tag_id: int | None = None
    source_id: int | None = None
    date_from: dt.datetime | None = None
    date_to: dt.datetime | None = None  # exclusive


@dataclass(frozen=True)
class SearchRequest:
    terms: list[str]
    filters: SearchFilters = field(default_factory=SearchFilters)
    now: dt.datetime | None = None


class SearchBackend:
    """The interface; see `sqlite.Fts5Backend` and `postgres.PostgresBackend`."""

    vendor: str = ""

    def count(self, request: SearchRequest) -> int:
        raise NotImplementedError

    def ranked_ids(self, request: SearchRequest, *, offset: int, limit: int) -> list[int]:
        raise NotImplementedError

    def snippets(self, terms: list[str], article_ids: list[int]) -> dict[int, str]:
        """Body snippets with MARK_START/MARK_END around matches, by article id."""
        raise NotImplementedError

    def document_frequency(self, term: str) -> int:
        """How many indexed stories contain `term` (after the engine's stemming)."""
        raise NotImplementedError

    def similar(self, terms: list[str], *, limit: int) -> list[tuple[int, float]]:
        """Stories matching any of `terms`, best first, with the engine's relevance score."""
        raise NotImplementedError


def filter_clauses(
    filters: SearchFilters, now: dt.datetime, adapt: Callable[[dt.datetime], Any]
) -> tuple[list[str], list[Any]]:
    """The WHERE clauses both engines share over the entry `e`: visible at `now` (published,
    out of embargo), then the reader's filters.

    `adapt` turns a datetime into the engine's parameter (SQLite stores ISO text)."""
    sql = ["e.published_at <= %s", "(e.embargo_until IS NULL OR e.embargo_until <= %s)"]
    params: list[Any] = [adapt(now), adapt(now)]
    if filters.source_id is not None:
        sql.append("e.source_id = %s")
        params.append(filters.source_id)
    if filters.date_from is not None:
        sql.append("e.published_at >= %s")
        params.append(adapt(filters.date_from))
    if filters.date_to is not None:
        sql.append("e.published_at < %s")
        params.append(adapt(filters.date_to))
    if filters.section_id is not None:
        sql.append(
            "e.article_id IN (SELECT article_id FROM newsroom_article_sections"
            " WHERE section_id = %s)"
        )
        params.append(filters.section_id)
    if filters.tag_id is not None:
        sql.append(
            "e.article_id IN (SELECT article_id FROM newsroom_article_tags WHERE tag_id = %s)"
        )
        params.append(filters.tag_id)
    return sql, params

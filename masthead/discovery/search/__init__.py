"""Full-text search: one interface (`get_backend()`), SQLite FTS5 or PostgreSQL underneath."""

from __future__ import annotations

from django.db import connection

from masthead.discovery.search.base import SearchBackend, SearchFilters, SearchRequest
from masthead.discovery.search.postgres import PostgresBackend
from masthead.discovery.search.sqlite import Fts5Backend

__all__ = ["SearchBackend", "SearchFilters", "SearchRequest", "get_backend"]


def get_backend() -> SearchBackend:
    """The backend for the default database's engine."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return Fts5Backend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")

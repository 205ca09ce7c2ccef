"""Full-text search: one interface (`get_backend()`), SQLite FTS5 or PostgreSQL underneath."""

from __future__ import annotations

from django.db import connection

from masthead.discovery.search.base import SearchBackend, SearchFilters, SearchRequest

__all__ = ["SearchBackend", "SearchFilters", "SearchRequest", "get_backend"]


def get_backend() -> SearchBackend:
    """The backend for the default database's engine."""
    # Each backend's module is loaded only for its own engine (the other's SQL and imports are
    # of no use, and the backends import this package's base).
    if connection.vendor == "postgresql":
        from masthead.discovery.search.postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from masthead.discovery.search.sqlite import Fts5Backend

        return Fts5Backend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")

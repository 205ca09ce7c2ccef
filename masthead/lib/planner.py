"""Keeping the embedded database's query planner informed.

SQLite keeps no statistics until `ANALYZE` runs, and without them it guesses: a tag page
walked every visible story newest first, checking each for the tag, instead of reading the
tag's few stories (several times slower on a big archive: benchmarks/bench_pages.py). A full
ANALYZE is cheap next to that, so the worker runs it every few hours. PostgreSQL's autovacuum keeps
its own statistics; nothing is done there.
"""

from __future__ import annotations

import time

from django.db import DEFAULT_DB_ALIAS, connections

ANALYZE_EVERY = 6 * 3600  # seconds; the archive's shape changes slowly

_last: dict[str, float] = {}


def refresh_planner_statistics(using: str = DEFAULT_DB_ALIAS, *, force: bool = False) -> bool:
    """Run SQLite's ANALYZE when it is due (or `force`); whether it ran."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    now = time.monotonic()
    if not force and now - _last.get(using, -ANALYZE_EVERY) < ANALYZE_EVERY:
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _last[using] = now
    return True

"""The wire's reads stay index lookups however big the archive grows.

A wire desk ingests all day into an archive of years: a lookup that scans the stories table
costs nothing on a test database and a second per item on a real one. So every SELECT an
ingest run makes on the story and version tables is put to the database's own planner. On
SQLite that check is exact; PostgreSQL may serve a condition on an index's second column by
walking the index, which its plan does not tell from a lookup, so there only sequential and
condition-less index scans are caught.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.wire.ingest import ingest_bytes
from tests.wire_documents import ninjs, ninjs_story

pytestmark = pytest.mark.django_db

WATCHED = ('"newsroom_article"', '"wire_wireitemversion"')


def _ninjs(uri: str, version: str, headline: str, **extra) -> bytes:
    story = ninjs_story(
        uri=uri,
        version=version,
        versioncreated=f"2026-11-28T1{version}:00:00Z",
        headline=headline,
        body_html=f"<p>{headline}, in full.</p>",
        source="Plan Press",
        **extra,
    )
    return ninjs(story)


def _full_scans(sql: str) -> list[str]:
    """The plan's steps that read a watched table whole (a scan of the table or of a whole
    index), by the database's own planner."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            steps = [row[-1] for row in cursor.fetchall()]
            return [s for s in steps if s.startswith(("SCAN newsroom_article", "SCAN wire_"))]
        # PostgreSQL prefers a sequential scan of a small table whatever its indexes; with
        # that turned off it still scans when no index can serve the query, which is the bug.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return list(_pg_scans(plan[0]["Plan"]))


def _pg_scans(node: dict):
    table = node.get("Relation Name", "")
    if table == "newsroom_article" or table.startswith("wire_"):
        if node["Node Type"] == "Seq Scan":
            yield f"Seq Scan on {table}"
        elif node["Node Type"] in {"Index Scan", "Index Only Scan"} and "Index Cond" not in node:
            yield f"whole index {node.get('Index Name')} on {table}"
    for child in node.get("Plans", []):
        yield from _pg_scans(child)


def test_it_reads_stories_and_versions_through_indexes_only():
    assert ingest_bytes(_ninjs("urn:plan:1", "1", "Ferry plan approved")).new == 1
    assert ingest_bytes(_ninjs("urn:plan:2", "1", "Bridge repairs start")).new == 1
    with CaptureQueriesContext(connection) as queries:
        updated = ingest_bytes(_ninjs("urn:plan:1", "2", "Ferry plan approved, with changes"))
        killed = ingest_bytes(_ninjs("urn:plan:2", "2", "Bridge repairs", pubstatus="canceled"))
        unchanged = ingest_bytes(_ninjs("urn:plan:1", "2", "Ferry plan approved, with changes"))
        fresh = ingest_bytes(_ninjs("urn:plan:3", "1", "Harbour dredging to begin"))
    assert (updated.updated, killed.killed, unchanged.skipped, fresh.new) == (1, 1, 1, 1)
    selects = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and any(t in q["sql"] for t in WATCHED)
    ]
    assert len(selects) >= 6  # the guid lookups, row locks, fingerprints and slugs were seen
    scans = {sql: found for sql in selects if (found := _full_scans(sql))}
    assert scans == {}

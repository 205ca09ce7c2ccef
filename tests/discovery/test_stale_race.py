"""The stale-story queue across processes: a drain that starts while a writer's transaction is
still open waits for it instead of finishing without its story, and the stories an ingest
killed with SIGKILL committed are all refreshed by the worker.

Real connections, so real processes or threads: SQLite through a file database in a
subprocess (the test database lives in memory, where threads share one cache and a lock is an
error, not a wait), PostgreSQL through threads on the test database.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.killed_ingest import count, ingest_and_kill, masthead, masthead_env
from tests.wire_documents import ninjs_stories

REPO = Path(__file__).resolve().parents[2]


def race() -> dict[str, Any]:
    """A writer marks a story and keeps its transaction open, relying on a drain queued before
    it that has not started; the drain starts meanwhile. What happened, for the caller to judge.

    Needs the database queue, and a database the threads' connections really share.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from masthead.discovery import receivers
    from masthead.discovery.models import SearchEntry, StaleArticle
    from masthead.discovery.tasks import refresh_stale
    from tests.factories import ArticleFactory

    receivers._memo.learn(timezone.now() + dt.timedelta(hours=1))
    marked, release = threading.Event(), threading.Event()
    story: list[int] = []
    drained: list[int] = []

    def writer() -> None:
        try:
            with transaction.atomic():
                story.append(ArticleFactory(headline="Harbour pilots strike").pk)
                marked.set()
                release.wait(60)
        finally:
            marked.set()
            connection.close()

    def drain() -> None:
        try:
            drained.append(refresh_stale())
        finally:
            connection.close()

    writing = threading.Thread(target=writer)
    writing.start()
    marked.wait(60)
    draining = threading.Thread(target=drain)
    draining.start()
    # Long enough for a drain that does not wait to have finished many times over.
    draining.join(timeout=1.0)
    waited = draining.is_alive()
    release.set()
    writing.join(60)
    draining.join(60)
    return {
        "waited": waited,
        "drained": drained,
        "indexed": bool(story) and SearchEntry.objects.filter(article_id=story[0]).exists(),
        "stale": StaleArticle.objects.count(),
        "drains_queued_by_writer": _drains_queued(),
    }


def _drains_queued() -> int:
    from django_tasks_db.models import DBTaskResult

    from masthead.discovery.tasks import refresh_stale_task

    return DBTaskResult.objects.filter(task_path=refresh_stale_task.module_path).count()


def _assert_the_drain_waited_for_the_writer(outcome: dict[str, Any]) -> None:
    assert outcome["drains_queued_by_writer"] == 0  # it relied on the one in its memo
    assert outcome["waited"], "the drain finished while a marking transaction was open"
    assert outcome["drained"] == [1]
    assert outcome["indexed"]
    assert outcome["stale"] == 0


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return masthead_env(data_dir, MASTHEAD_TASKS_BACKEND="django_tasks_db.DatabaseBackend", **extra)


def test_a_drain_waits_for_an_open_marking_transaction_on_sqlite(tmp_path: Path):
    env = _env(tmp_path / "var")
    subprocess.run(masthead("migrate", "-v0"), env=env, check=True, timeout=300)
    script = (
        "import json, django; django.setup(); "
        "from tests.discovery.test_stale_race import race; print(json.dumps(race()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    _assert_the_drain_waited_for_the_writer(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.django_db(transaction=True)
def test_a_drain_waits_for_an_open_marking_transaction_on_postgresql(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's barrier; runs in the PostgreSQL pass (SQLite's: the test above)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _assert_the_drain_waited_for_the_writer(race())


ITEMS = 300


def test_the_stories_a_killed_ingest_committed_are_all_refreshed(tmp_path: Path):
    big = tmp_path / "big.json"
    big.write_bytes(ninjs_stories(ITEMS, uri_prefix="urn:stale-kill:", source="Stale Kill Wire"))
    env = _env(tmp_path / "var", MASTHEAD_STALE_DRAIN_DELAY="0.2")
    db = ingest_and_kill(big, env=env, after=ITEMS // 5)
    written = count(db, "SELECT COUNT(*) FROM newsroom_article")
    assert 0 < written < ITEMS

    # Every story that committed is marked, and a drain is queued for the worker.
    assert count(db, "SELECT COUNT(*) FROM discovery_stalearticle") == written
    with sqlite3.connect(db) as conn:
        due = [
            dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
            for (value,) in conn.execute(
                "SELECT run_after FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
                " AND task_path LIKE '%refresh_stale_task'"
            )
        ]
    assert due
    # The worker runs what is due; the drains were queued at most their delay ago.
    wait = (max(due) - dt.datetime.now(dt.UTC)).total_seconds()
    time.sleep(max(0.0, wait) + 0.05)
    worker = subprocess.run(
        masthead("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0"),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    assert count(db, "SELECT COUNT(*) FROM discovery_stalearticle") == 0
    assert count(db, "SELECT COUNT(*) FROM discovery_searchentry") == written

"""A worker killed with SIGKILL mid-run leaves no half-written story, and the next run finishes
the job with no duplicates. Runs the real `masthead ingest` in a subprocess on its own SQLite
database (the embedded deployment), kills it with -9 while it writes, and runs it again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ITEMS = 400


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(MASTHEAD_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="masthead.settings")
    return env


def _masthead(*args: str) -> list[str]:
    return [sys.executable, "-m", "masthead", *args]


def _count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _ninjs() -> bytes:
    items = [
        {
            "uri": f"urn:kill:{n}",
            "version": "1",
            "versioncreated": "2026-11-28T10:00:00Z",
            "headline": f"Story number {n} about the harbour",
            "body_html": f"<p>Body of story {n}.</p>" * 5,
            "byline": f"Reporter {n % 7}",
            "keywords": [f"Topic {n % 11}"],
            "source": "Kill Test Wire",
        }
        for n in range(ITEMS)
    ]
    return json.dumps(items).encode()


def _rss() -> bytes:
    """Big enough to be parsed in chunks by helper processes (`masthead.wire.parallel`)."""
    items = "".join(
        f"<item><title>Story number {n} about the harbour</title>"
        f"<guid isPermaLink='false'>urn:kill:{n}</guid>"
        "<pubDate>Sat, 28 Nov 2026 10:00:00 GMT</pubDate>"
        f"<dc:creator>Reporter {n % 7}</dc:creator><category>Topic {n % 11}</category>"
        f"<description>{f'Body of story {n}. ' * 5}</description></item>"
        for n in range(ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Kill Test Wire</title>'
        f"{items}</channel></rss>"
    ).encode()


def _processes_naming(path: Path) -> list[str]:
    found = subprocess.run(["pgrep", "-f", str(path)], capture_output=True, text=True)  # noqa: S607
    return found.stdout.split()


@pytest.mark.parametrize("name, document", [("big.json", _ninjs), ("big.xml", _rss)])
def test_it_survives_sigkill_mid_run_without_duplicates_or_half_stories(
    tmp_path: Path, name, document
):
    big = tmp_path / name
    big.write_bytes(document())
    data_dir = tmp_path / "var"
    env = _env(data_dir)
    # The commands run are our own CLI with fixed arguments (S603 is about untrusted input).
    subprocess.run(_masthead("migrate", "-v0"), env=env, check=True, timeout=300)  # noqa: S603
    db = data_dir / "masthead.sqlite3"

    proc = subprocess.Popen(
        _masthead("ingest", str(big)),
        env=env,  # noqa: S603
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _count(db, "SELECT COUNT(*) FROM newsroom_article") < ITEMS // 5:
        assert proc.poll() is None, "ingest finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # No parse helper outlives its writer: a helper reading its next chunk gets end-of-file.
    deadline = time.monotonic() + 20
    while _processes_naming(big):
        assert time.monotonic() < deadline, "a parse helper outlived the killed ingest"
        time.sleep(0.1)
    written = _count(db, "SELECT COUNT(*) FROM newsroom_article")
    assert 0 < written < ITEMS

    # Every story that exists is whole: its byline, tag and version record were written in
    # the same transaction as the story itself.
    half = (
        "SELECT COUNT(*) FROM newsroom_article a WHERE "
        "NOT EXISTS (SELECT 1 FROM newsroom_authorship w WHERE w.article_id = a.id) OR "
        "NOT EXISTS (SELECT 1 FROM newsroom_article_tags t WHERE t.article_id = a.id) OR "
        "NOT EXISTS (SELECT 1 FROM wire_wireitemversion v WHERE v.article_id = a.id)"
    )
    assert _count(db, half) == 0

    rerun = subprocess.run(
        _masthead("ingest", str(big)),
        env=env,  # noqa: S603
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    new = ITEMS - written
    assert rerun.stdout.strip().splitlines()[-1] == (
        f"ingested {new} new, 0 updated, 0 killed, {written} skipped, 0 errors"
    )
    assert _count(db, "SELECT COUNT(*) FROM newsroom_article") == ITEMS
    assert _count(db, "SELECT COUNT(DISTINCT wire_guid) FROM newsroom_article") == ITEMS
    assert _count(db, half) == 0

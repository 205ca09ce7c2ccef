"""A worker killed with SIGKILL mid-run leaves no half-written story, and the next run finishes
the job with no duplicates. Runs the real `masthead ingest` in a subprocess on its own SQLite
database (the embedded deployment), kills it with -9 while it writes, and runs it again."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.killed_ingest import count, ingest_and_kill, masthead, masthead_env
from tests.wire_documents import ninjs_stories, rss, rss_item

ITEMS = 400


def _ninjs() -> bytes:
    return ninjs_stories(ITEMS, uri_prefix="urn:kill:", source="Kill Test Wire")


def _rss() -> bytes:
    """Big enough to be parsed in chunks by helper processes (`masthead.wire.parallel`)."""
    items = (
        rss_item(
            title=f"Story number {n} about the harbour",
            guid=f"urn:kill:{n}",
            permalink=False,
            pub_date="Sat, 28 Nov 2026 10:00:00 GMT",
            creator=f"Reporter {n % 7}",
            categories=[f"Topic {n % 11}"],
            description=f"Body of story {n}. " * 5,
        )
        for n in range(ITEMS)
    )
    return rss(*items, title="Kill Test Wire")


def _processes_naming(path: Path) -> list[str]:
    found = subprocess.run(["pgrep", "-f", str(path)], capture_output=True, text=True)  # noqa: S607
    return found.stdout.split()


@pytest.mark.parametrize("name, document", [("big.json", _ninjs), ("big.xml", _rss)])
def test_it_survives_sigkill_mid_run_without_duplicates_or_half_stories(
    tmp_path: Path, name, document
):
    big = tmp_path / name
    big.write_bytes(document())
    env = masthead_env(tmp_path / "var")
    db = ingest_and_kill(big, env=env, after=ITEMS // 5)
    # No parse helper outlives its writer: a helper reading its next chunk gets end-of-file.
    deadline = time.monotonic() + 20
    while _processes_naming(big):
        assert time.monotonic() < deadline, "a parse helper outlived the killed ingest"
        time.sleep(0.1)
    written = count(db, "SELECT COUNT(*) FROM newsroom_article")
    assert 0 < written < ITEMS

    # Every story that exists is whole: its byline, tag and version record were written in
    # the same transaction as the story itself.
    half = (
        "SELECT COUNT(*) FROM newsroom_article a WHERE "
        "NOT EXISTS (SELECT 1 FROM newsroom_authorship w WHERE w.article_id = a.id) OR "
        "NOT EXISTS (SELECT 1 FROM newsroom_article_tags t WHERE t.article_id = a.id) OR "
        "NOT EXISTS (SELECT 1 FROM wire_wireitemversion v WHERE v.article_id = a.id)"
    )
    assert count(db, half) == 0

    rerun = subprocess.run(
        masthead("ingest", str(big)),
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
    assert count(db, "SELECT COUNT(*) FROM newsroom_article") == ITEMS
    assert count(db, "SELECT COUNT(DISTINCT wire_guid) FROM newsroom_article") == ITEMS
    assert count(db, half) == 0

"""The real `masthead ingest`, run in a subprocess on its own SQLite file database (the embedded
deployment) and killed with SIGKILL while it writes: shared by the wire's and discovery's crash
tests. The commands run are our own CLI with fixed arguments (S603 is about untrusted input).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


def masthead_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment, pointed at a fresh data dir (SQLite), never at the suite's servers."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(MASTHEAD_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="masthead.settings")
    env.update(extra)
    return env


def masthead(*args: str) -> list[str]:
    return [sys.executable, "-m", "masthead", *args]


def count(db: Path, sql: str) -> int:
    """One number read from the database file; 0 while it cannot be read yet."""
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def ingest_and_kill(path: Path, *, env: dict[str, str], after: int) -> Path:
    """Migrate, start `masthead ingest path`, SIGKILL it once `after` stories are stored; the
    database file it wrote to."""
    subprocess.run(masthead("migrate", "-v0"), env=env, check=True, timeout=300)  # noqa: S603
    db = Path(env["MASTHEAD_DATA_DIR"]) / "masthead.sqlite3"
    proc = subprocess.Popen(  # noqa: S603
        masthead("ingest", str(path)),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while count(db, "SELECT COUNT(*) FROM newsroom_article") < after:
        assert proc.poll() is None, "ingest finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return db

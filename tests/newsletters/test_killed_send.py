"""The real `masthead newsletter send daily` killed with SIGKILL mid-send, then run again:
every reader gets exactly one copy.

The sender pauses between batches to keep its rate (most of a send's time), and says so on
its output after each batch: the test kills it right after the second batch, in that pause,
the moment `sending.py` promises loses nothing and repeats nothing. The pause (a batch of 5 at
4 a second: over a second) is long beside the test's reaction even on a loaded machine; the
test checks that the kill did land between batches rather than trusting it.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from masthead.newsletters import sending
from masthead.newsletters.models import Delivery, Edition
from tests.newsletters.builders import daily, readers, staff_story

pytestmark = pytest.mark.django_db(transaction=True)

READERS = 30
BATCH = 5


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def sender_env(tmp_path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        MASTHEAD_DATA_DIR=str(tmp_path / "sender"),
        DJANGO_SETTINGS_MODULE="masthead.settings",
        DATABASE_URL=database_url(),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        MASTHEAD_NEWSLETTER_BATCH_SIZE=str(BATCH),
        # Slow enough that the pause after a batch outlasts a busy machine's delay in the kill.
        MASTHEAD_NEWSLETTER_RATE="1.5",
        MASTHEAD_NEWSLETTER_CLAIM_SECONDS="2",
        MASTHEAD_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


def send_command() -> list[str]:
    return [sys.executable, "-m", "masthead", "newsletter", "send", "daily"]


def test_it_sends_each_reader_exactly_one_copy_when_killed_and_restarted(smtp_server, tmp_path):
    staff_story(headline="Ferry timetable changes")
    subscriptions = readers(daily(), READERS)
    env = sender_env(tmp_path, smtp_server.port)

    proc = subprocess.Popen(
        send_command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        for line in proc.stdout:
            assert time.monotonic() < deadline, "the sender never finished a second batch"
            if line.startswith("batch 2:"):
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    received_before_restart = smtp_server.count
    assert received_before_restart == 2 * BATCH, "killed mid-batch rather than between batches"
    edition = Edition.objects.get(newsletter=daily())
    assert edition.state == Edition.State.SENDING
    assert not Delivery.objects.filter(edition=edition, state=Delivery.State.SENDING).exists()

    restart = subprocess.run(
        send_command(), env=env, capture_output=True, text=True, timeout=180, check=False
    )

    assert restart.returncode == 0, restart.stderr
    assert "was left sending: finishing it" in restart.stdout
    copies = collections.Counter(smtp_server.recipients())
    assert copies == {s.email: 1 for s in subscriptions}
    edition.refresh_from_db()
    assert edition.state == Edition.State.SENT
    assert Edition.objects.count() == 1
    progress = sending.progress(edition)
    assert (progress["sent"], progress["failed"], progress["remaining"]) == (READERS, 0, 0)

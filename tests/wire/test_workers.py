"""Several workers, as on several machines: two `masthead wire poll --watch` processes on one
database poll one slow feed; one is killed with SIGKILL mid-run. No feed is fetched twice at
once, the survivor takes the feed over once the dead worker's claim expires, and every item
is stored exactly once. On the embedded SQLite file, and on PostgreSQL where the suite has one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.killed_ingest import masthead, masthead_env
from tests.wire_documents import rss, rss_item

ITEMS = 120
FEED = rss(
    *(
        rss_item(
            title=f"Shift report {n} from the harbour",
            guid=f"urn:workers:{n}",
            permalink=False,
            pub_date="Sat, 28 Nov 2026 10:00:00 GMT",
            description=f"Body of report {n}. " * 4,
        )
        for n in range(ITEMS)
    ),
    title="Workers Wire",
)


class SlowFeed(BaseHTTPRequestHandler):
    """Answers after a pause, counting requests and how many were in flight at once."""

    lock = threading.Lock()
    in_flight = 0
    most_at_once = 0
    total = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.total += 1
            cls.most_at_once = max(cls.most_at_once, cls.in_flight)
        try:
            time.sleep(1.5)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(FEED)
        finally:
            with cls.lock:
                cls.in_flight -= 1

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_server():
    """The feed's URL and its handler class, whose counters are this server's alone: a fetch
    still in flight from an earlier test's killed worker must not count here (it once took
    a fresh class-wide count below zero)."""
    counters = {"lock": threading.Lock(), "in_flight": 0, "most_at_once": 0, "total": 0}
    handler = type("SlowFeedHere", (SlowFeed,), counters)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml", handler
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The workers' database: a fresh SQLite file, or a fresh PostgreSQL database beside the
    suite's (the PostgreSQL pass sets DATABASE_URL)."""
    if request.param == "sqlite":
        yield {}
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("PostgreSQL's case runs in the PostgreSQL pass (DATABASE_URL)")
    import psycopg

    base, _, _ = url.rpartition("/")
    name = f"masthead_workers_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield {"DATABASE_URL": f"{base}/{name}"}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _sql(env: dict[str, str], code: str) -> str:
    command = masthead("shell", "--no-imports", "-c", code)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def test_two_workers_never_poll_one_feed_at_once_and_lose_nothing_when_one_dies(
    tmp_path, feed_server, database
):
    url, feed = feed_server
    env = masthead_env(tmp_path / "var", MASTHEAD_WIRE_POLL_CLAIM_SECONDS="4", **database)
    subprocess.run(masthead("migrate", "-v0"), env=env, check=True, timeout=300)  # noqa: S603
    _sql(
        env,
        "from masthead.wire.models import Feed; "
        f"Feed.objects.create(name='Workers Wire', slug='workers', location='{url}', "
        "poll_interval=1)",
    )
    workers = [
        subprocess.Popen(  # noqa: S603
            masthead("wire", "poll", "--watch", "--interval", "0.2"),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        # Both run for several polls (each wants the feed as soon as it is due again)...
        deadline = time.monotonic() + 60
        while feed.total < 4:
            assert time.monotonic() < deadline, "the workers did not poll the feed"
            time.sleep(0.05)
        # ...then one is killed while a fetch is in flight.
        while feed.in_flight == 0:
            assert time.monotonic() < deadline, "no fetch in flight"
            time.sleep(0.02)
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        # The survivor goes on polling (after the dead one's claim, if it held it, expires).
        before = feed.total
        deadline = time.monotonic() + 40
        while feed.total < before + 3:
            assert time.monotonic() < deadline, "the surviving worker stopped polling"
            assert workers[1].poll() is None, "the surviving worker died"
            time.sleep(0.2)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
    assert feed.most_at_once == 1
    stored = _sql(
        env,
        "from masthead.newsroom.models import Article; "
        "print(Article.objects.count(), Article.objects.values('wire_guid').distinct().count())",
    )
    assert stored == f"{ITEMS} {ITEMS}"

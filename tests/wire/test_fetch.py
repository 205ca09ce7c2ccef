"""Transports: HTTP with conditional GET (a real server on 127.0.0.1), drop folders, polling."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from masthead.newsroom.models import Article
from masthead.wire.ingest import poll_feed
from masthead.wire.models import Feed
from masthead.wire.tasks import enqueue_due_feeds
from tests.wire_documents import rss, rss_item

pytestmark = pytest.mark.django_db

RSS = rss(rss_item(title="Story one", guid="w-1", description="Text."), title="Local Wire")


class WireServer(BaseHTTPRequestHandler):
    requests: list[dict[str, str]] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        WireServer.requests.append(dict(self.headers))
        if self.path == "/missing":
            self.send_response(404)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", '"v1"')
        self.send_header("Last-Modified", "Sat, 28 Nov 2026 12:00:00 GMT")
        self.end_headers()
        self.wfile.write(RSS)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    WireServer.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), WireServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_it_fetches_a_url_and_then_asks_conditionally(server):
    feed = Feed.objects.create(name="Local", slug="local", location=f"{server}/feed.xml")
    assert poll_feed(feed).new == 1
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"v1"', "Sat, 28 Nov 2026 12:00:00 GMT")
    again = poll_feed(feed)
    assert again.results == []
    assert WireServer.requests[-1]["If-None-Match"] == '"v1"'
    assert WireServer.requests[-1]["If-Modified-Since"] == "Sat, 28 Nov 2026 12:00:00 GMT"


def test_it_records_a_failed_fetch(server):
    feed = Feed.objects.create(name="Gone", slug="gone", location=f"{server}/missing")
    summary = poll_feed(feed)
    assert summary.errors == 1 and "HTTP 404" in summary.results[0].reason
    feed.refresh_from_db()
    assert "HTTP 404" in feed.last_error


def test_it_moves_drop_folder_files_once_ingested(tmp_path: Path):
    (tmp_path / "a.xml").write_bytes(RSS)
    (tmp_path / "b.json").write_text("{broken")
    (tmp_path / "c.xml.part").write_text("uploading")
    feed = Feed.objects.create(name="Drop", slug="drop", location=str(tmp_path))
    summary = poll_feed(feed)
    assert (summary.new, summary.errors) == (1, 1)
    assert (tmp_path / "processed" / "a.xml").exists()
    assert (tmp_path / "quarantine" / "b.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["c.xml.part"]


def test_wire_poll_polls_only_due_feeds(tmp_path: Path):
    (tmp_path / "a.xml").write_bytes(RSS)
    with time_machine.travel("2026-11-28 12:00Z", tick=False):
        Feed.objects.create(name="Drop", slug="drop", location=str(tmp_path), poll_interval=600)
        Feed.objects.create(name="Off", slug="off", location=str(tmp_path), enabled=False)
        out = StringIO()
        call_command("wire", "poll", stdout=out, stderr=StringIO())
        assert "drop: ingested 1 new" in out.getvalue()
        assert Article.objects.count() == 1
        out = StringIO()
        call_command("wire", "poll", stdout=out, stderr=StringIO())
        assert "drop:" not in out.getvalue()
    with time_machine.travel("2026-11-28 12:11Z", tick=False):
        assert Feed.objects.get(slug="drop").is_due()


def test_it_queues_a_poll_task_for_each_due_feed(tmp_path: Path):
    (tmp_path / "a.xml").write_bytes(RSS)
    Feed.objects.create(name="Drop", slug="drop", location=str(tmp_path))
    assert enqueue_due_feeds() == 1  # the immediate test backend runs it at once
    assert Article.objects.count() == 1
    assert enqueue_due_feeds() == 0

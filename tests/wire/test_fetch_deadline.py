"""HTTP fetches end by a total deadline, however slowly the server answers (a real server)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from masthead.wire import fetch
from masthead.wire.ingest import poll_feed
from masthead.wire.items import FetchFailed, TooLarge
from masthead.wire.models import Feed, IngestLog, Outcome
from tests.wire_documents import rss, rss_item

pytestmark = pytest.mark.django_db

RSS = rss(rss_item(title="Story one", guid="w-1", description="Text."), title="Local Wire")
DEADLINE = 1.0
MARGIN = 1.0  # thread start-up, a loaded CI machine
TRICKLE_FOR = 8.0  # seconds a slow answer would go on for, were it not cut off


class SlowWireServer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked answers; a connection closed after each answer
    stop = threading.Event()

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.close_connection = True
        try:
            getattr(self, "answer_" + self.path.strip("/").replace("-", "_"))()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def trickle(self, data: bytes) -> None:
        """One byte every 50 ms: never slower per read than any timeout, but never done."""
        ends = time.monotonic() + TRICKLE_FOR
        for byte in data:
            if self.stop.is_set() or time.monotonic() > ends:
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.05)

    def answer_slow_body(self):
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.trickle(b"<" * 100000)

    def answer_slow_headers(self):
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        self.trickle(b"X-Padding: " + b"a" * 50000 + b"\r\n\r\n")

    def answer_big(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(RSS) * 20))
        self.end_headers()
        self.wfile.write(RSS * 20)

    def answer_chunked(self):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(RSS), 100):
            part = RSS[start : start + 100]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    settings.MASTHEAD_WIRE_FETCH_DEADLINE = DEADLINE
    SlowWireServer.stop.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SlowWireServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    SlowWireServer.stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("path", ["/slow-body", "/slow-headers"])
def test_it_gives_up_on_a_trickling_server_at_the_deadline(server, path):
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="no complete answer within 1 seconds"):
        fetch.fetch_url(server + path)
    took = time.monotonic() - started
    assert DEADLINE <= took < DEADLINE + MARGIN


def test_it_logs_the_deadline_like_any_failed_fetch(server):
    feed = Feed.objects.create(name="Slow", slug="slow", location=f"{server}/slow-body")
    started = time.monotonic()
    summary = poll_feed(feed)
    assert time.monotonic() - started < DEADLINE + MARGIN
    assert summary.errors == 1
    assert "MASTHEAD_WIRE_FETCH_DEADLINE" in summary.results[0].reason
    log = IngestLog.objects.get()
    assert log.action == Outcome.ERROR and "no complete answer within 1 seconds" in log.reason
    feed.refresh_from_db()
    assert "no complete answer within 1 seconds" in feed.last_error


def test_it_still_refuses_an_answer_over_the_size_limit(server, settings):
    settings.MASTHEAD_WIRE_MAX_FILE_BYTES = len(RSS) * 20 - 1
    with pytest.raises(TooLarge, match="over the"):
        fetch.fetch_url(server + "/big")
    settings.MASTHEAD_WIRE_MAX_FILE_BYTES = len(RSS) * 20
    assert fetch.fetch_url(server + "/big") == RSS * 20


def test_it_reads_a_chunked_answer_whole(server):
    assert fetch.fetch_url(server + "/chunked") == RSS

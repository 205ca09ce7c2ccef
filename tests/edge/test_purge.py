"""The purge client: one request per edge, by key, to Varnish and to the CDNs configured."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from masthead.edge import purge


@pytest.fixture
def recorder():
    seen: list[tuple[str, str, dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            seen.append((self.command, self.path, headers, body))
            self.send_response(200)
            self.end_headers()

        do_PURGE = do_POST = _record  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_it_purges_varnish_fastly_and_cloudflare_by_key(recorder, settings):
    url, seen = recorder
    settings.MASTHEAD_EDGE_VARNISH_URLS = [url + "/", url + "/"]  # two edges
    settings.MASTHEAD_FASTLY_SERVICE_ID = "svc1"
    settings.MASTHEAD_FASTLY_API_TOKEN = "fastly-token"
    settings.MASTHEAD_FASTLY_API_URL = url
    settings.MASTHEAD_CLOUDFLARE_ZONE_ID = "zone9"
    settings.MASTHEAD_CLOUDFLARE_API_TOKEN = "cf-token"
    settings.MASTHEAD_CLOUDFLARE_API_URL = url
    purge.purge(["a7", "top", "s2", "a7"])
    varnish = [r for r in seen if r[0] == "PURGE"]
    assert len(varnish) == 2 and all(r[2]["xkey-purge"] == "a7 s2 top" for r in varnish)
    fastly = [r for r in seen if r[1] == "/service/svc1/purge"]
    assert len(fastly) == 1
    assert fastly[0][2]["surrogate-key"] == "a7 s2 top"
    assert fastly[0][2]["fastly-key"] == "fastly-token"
    cloudflare = [r for r in seen if r[1] == "/zones/zone9/purge_cache"]
    assert len(cloudflare) == 1 and json.loads(cloudflare[0][3]) == {"tags": ["a7", "s2", "top"]}
    assert cloudflare[0][2]["authorization"] == "Bearer cf-token"


def test_a_cdn_without_credentials_is_not_called(recorder, settings):
    url, seen = recorder
    settings.MASTHEAD_FASTLY_API_URL = url
    settings.MASTHEAD_FASTLY_SERVICE_ID = "svc1"  # no token
    purge.purge(["a1"])
    assert seen == []


def test_a_failing_edge_does_not_fail_the_change(settings, caplog):
    settings.MASTHEAD_EDGE_VARNISH_URLS = ["http://127.0.0.1:9/"]  # nothing listens
    purge.purge(["a1"])
    assert "edge purge to http://127.0.0.1:9/ failed" in caplog.text

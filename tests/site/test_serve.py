"""`masthead serve` for real: gunicorn, hashed and compressed static files, workers beside it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


def test_it_serves_the_site_with_hashed_compressed_static_files_and_stops_cleanly(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(MASTHEAD_DATA_DIR=str(tmp_path), ALLOWED_HOSTS="127.0.0.1")
    masthead = [sys.executable, "-m", "masthead"]
    subprocess.run([*masthead, "migrate", "-v0"], env=env, cwd=REPO, check=True, timeout=120)
    port = free_port()
    proc = subprocess.Popen(
        [*masthead, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = fetch(base + "/")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.3)
        html = body.decode()
        assert status == 200 and "The Pacific Ledger" in html
        css = re.search(r'href="(/static/site/site\.[0-9a-f]{12}\.css)"', html)
        assert css, "stylesheet URL is not hashed"
        status, headers, _ = fetch(base + css.group(1), **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("Content-Encoding") == "gzip"
        assert "max-age=315360000" in headers.get("Cache-Control", "")
        # The task worker and the wire poller run beside the web server.
        children = subprocess.run(
            ["ps", "-o", "args=", "--ppid", str(proc.pid)], capture_output=True, text=True
        ).stdout
        assert "gunicorn" in children and "db_worker" in children and "wire poll" in children
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
    assert proc.returncode == 0

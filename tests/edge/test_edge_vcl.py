"""`masthead edge vcl`: the edge machine's configuration for several web machines, compiled and
run by a real varnishd, taking turns between them."""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masthead.edge import varnish
from tests.edge.machines import free_port
from tests.edge.varnishd import varnishd_or_skip

pytestmark = pytest.mark.edge


def vcl(*args: str) -> str:
    out = StringIO()
    call_command("edge", "vcl", *args, stdout=out)
    return out.getvalue()


def test_it_writes_a_round_robin_of_the_web_machines_with_the_purgers_allowed():
    text = vcl(
        "--backend", "10.0.0.11:8000", "--backend", "10.0.0.12:8000",
        "--purger", "10.0.0.0/24", "--purger", "10.0.1.5",
    )  # fmt: skip
    assert '.host = "10.0.0.11"' in text and '.host = "10.0.0.12"' in text
    assert "directors.round_robin()" in text and text.count(".probe = {") == 2
    assert '"10.0.0.0"/24;' in text and '"10.0.1.5";' in text
    with pytest.raises(CommandError, match="HOST:PORT"):
        vcl("--backend", "web1")


def test_it_compiles_for_one_machine_and_for_several():
    binary = varnishd_or_skip()
    tmp_path = Path(tempfile.mkdtemp(prefix="masthead-vcl-"))
    tmp_path.chmod(0o755)  # varnishd reads its VCL as its own user
    several = ["--backend", "10.0.0.11:8000", "--backend", "10.0.0.12:8000"]
    for args in (["--backend", "127.0.0.1:8001"], several):
        path = tmp_path / "masthead.vcl"
        path.write_text(vcl(*args))
        done = subprocess.run(  # noqa: S603 (varnishd, our own file)
            [binary, "-C", "-f", str(path), "-n", str(tmp_path / "n")],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr


class Named(BaseHTTPRequestHandler):
    name = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.name.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "private")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_real_varnish_sends_readers_to_each_web_machine_in_turn():
    binary = varnishd_or_skip()
    servers = []
    for name in ("one", "two"):
        handler = type(f"Web{name}", (Named,), {"name": name})
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    work = Path(tempfile.mkdtemp(prefix="masthead-vcl-"))
    work.chmod(0o755)  # varnishd reads its VCL as its own user
    path = work / "masthead.vcl"
    path.write_text(vcl(*(f"--backend=127.0.0.1:{s.server_address[1]}" for s in servers)))
    listen = f"127.0.0.1:{free_port()}"
    proc = subprocess.Popen(  # noqa: S603
        varnish.command(
            binary=binary, vcl_path=path, listen=listen, workdir=work / "v", memory="16m"
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        seen: set[str] = set()
        deadline = time.monotonic() + 30
        # Search pages always pass to a web machine; the probes must first find both healthy.
        while seen != {"one", "two"}:
            assert time.monotonic() < deadline, f"only {seen} answered"
            try:
                with urllib.request.urlopen(f"http://{listen}/search/?q=x", timeout=5) as r:  # noqa: S310
                    seen.add(r.read().decode())
            except OSError:
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()

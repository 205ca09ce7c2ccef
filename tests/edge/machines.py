"""What the several-machines test runs its paper on: a slow wire server for several feeds that
knows which worker made each fetch, the machines' processes (stopped however the test ends),
and a plain HTTP reader. Linux only: a fetch's worker is found through /proc.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from tests.killed_ingest import masthead

# Long enough that two workers fetching one feed at once would be seen doing so.
FETCH_SECONDS = 1.0
PROC_TCP = Path("/proc/net/tcp")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def socket_owner(local_port: int, remote_port: int, pids: Iterable[int]) -> int | None:
    """Which of `pids` holds the IPv4 connection from `local_port` to `remote_port`."""
    inode = None
    for line in PROC_TCP.read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if (
            fields[9] != "0"  # a closed connection's remains
            and int(local.rsplit(":", 1)[1], 16) == local_port
            and int(remote.rsplit(":", 1)[1], 16) == remote_port
        ):
            inode = fields[9]
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in pids:
        try:
            fds = list(os.scandir(f"/proc/{pid}/fd"))
        except OSError:
            continue  # gone
        for fd in fds:
            try:
                if os.readlink(fd.path) == target:
                    return pid
            except OSError:
                continue
    return None


@dataclass
class Fetch:
    feed: str
    poller: str
    started: float  # time.monotonic()
    answering: bool = False  # the wait is over and the answer is being sent


@dataclass
class FeedServer:
    """Serves `documents[feed]` at `/<feed>` after FETCH_SECONDS, noting every fetch, which of
    `pollers` (pid -> name) made it, and the most fetches of one feed in flight at once."""

    documents: dict[str, bytes] = field(default_factory=dict)
    pollers: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: Counter[str] = field(default_factory=Counter)
    most_at_once: Counter[str] = field(default_factory=Counter)
    fetches: list[Fetch] = field(default_factory=list)
    url: str = ""

    def __enter__(self) -> FeedServer:
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                feed = self.path.strip("/")
                pid = socket_owner(
                    self.client_address[1], self.server.server_address[1], list(feeds.pollers)
                )
                fetch = Fetch(feed, feeds.pollers.get(pid or 0, "?"), time.monotonic())
                with feeds.lock:
                    feeds.fetches.append(fetch)
                    feeds.in_flight[feed] += 1
                    feeds.most_at_once[feed] = max(feeds.most_at_once[feed], feeds.in_flight[feed])
                try:
                    time.sleep(FETCH_SECONDS)
                    with feeds.lock:
                        fetch.answering = True
                        body = feeds.documents.get(feed)
                    if body is None:
                        self.send_error(404)
                        return
                    kind = "application/json" if body[:1] in b"[{" else "application/rss+xml"
                    self.send_response(200)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # a worker killed while it waited
                finally:
                    with feeds.lock:
                        feeds.in_flight[feed] -= 1

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def waiting(self, poller: str) -> Fetch | None:
        """A fetch `poller` made that has not begun to be answered (call with the lock held)."""
        return next((f for f in self.fetches if f.poller == poller and not f.answering), None)

    def count(self, *, poller: str | None = None, feed: str | None = None, since: float = 0) -> int:
        with self.lock:
            return sum(
                1
                for f in self.fetches
                if (poller is None or f.poller == poller)
                and (feed is None or f.feed == feed)
                and f.started >= since
            )


@dataclass
class Processes:
    """The machines' processes, each in its own session with its output in `logs`; all of them
    (and their children, gunicorn's workers) stopped on the way out, killed if they linger."""

    logs: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    killed: set[str] = field(default_factory=set)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        self.logs.mkdir(parents=True, exist_ok=True)
        with (
            (self.logs / f"{name}.out").open("wb") as out,
            (self.logs / f"{name}.err").open("wb") as err,
        ):
            proc = subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
                masthead(*args), env=env, stdout=out, stderr=err, start_new_session=True
            )
        self.running[name] = proc
        return proc

    def kill(self, name: str) -> None:
        """SIGKILL, as when a machine dies: no clean-up of any kind."""
        proc = self.running[name]
        os.kill(proc.pid, signal.SIGKILL)
        self.killed.add(name)
        assert proc.wait(timeout=10) == -signal.SIGKILL

    def assert_alive(self) -> None:
        """Every process not killed on purpose still runs."""
        for name, proc in self.running.items():
            if name not in self.killed:
                assert proc.poll() is None, f"{name} exited with {proc.returncode}; " + self.tail(
                    name
                )

    def output(self, name: str, stream: str = "out") -> str:
        return (self.logs / f"{name}.{stream}").read_text(errors="replace")

    def tail(self, name: str) -> str:
        return f"{name}: " + self.output(name, "err")[-3000:]

    def __enter__(self) -> Processes:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for proc in self.running.values():
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.running.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc, signal.SIGKILL)  # what is left of it: gunicorn's workers
            proc.wait(timeout=10)


def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone


def get(url: str) -> tuple[int, Message, str]:
    """An anonymous reader's GET (no cookies, no proxy): status, headers and text."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


def wait_until_answering(url: str, procs: Processes, name: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if get(url)[0] == 200:
                return
        except OSError:
            pass
        procs.assert_alive()
        assert time.monotonic() < deadline, f"{name} did not answer {url}; " + procs.tail(name)
        time.sleep(0.2)

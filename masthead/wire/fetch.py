"""Getting wire copy in: HTTP(S) with conditional GET, and drop folders (FTP/SFTP delivery).

A drop folder's files are moved, once ingested, to `processed/` (or `quarantine/` when any item
failed) beside them, with an atomic rename; a worker killed between ingesting and moving simply
re-ingests the file next time, which is a no-op because unchanged items are skipped.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.utils import timezone

from masthead.wire.items import FetchFailed, TooLarge
from masthead.wire.models import Feed

PROCESSED = "processed"
QUARANTINE = "quarantine"
# Names that mean "still being uploaded" by common FTP/SFTP servers and clients.
PARTIAL_SUFFIXES = (".part", ".tmp", ".filepart", ".partial", ".crdownload")
FETCH_TIMEOUT = 30  # seconds; a wire server slower than this is treated as down this round
USER_AGENT = "Masthead wire ingest (+https://masthead.example/)"
CHUNK_BYTES = 64 * 1024

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class DeadlineExceeded(TimeoutError):
    """The whole fetch took longer than MASTHEAD_WIRE_FETCH_DEADLINE."""


class _DeadlineReader(io.RawIOBase):
    """The answer as http.client reads it (status line, headers, body): no read from the socket
    starts after the deadline, and each may wait only for the time left.

    The socket's own timeout is per read, so a server sending a byte every few seconds never
    trips it; counting from the start of the fetch is what bounds it.
    """

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        # Through the socket's own reader, which keeps it open until the answer is closed, as
        # urllib expects when it lets go of the connection's reference.
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded
        self._sock.settimeout(min(left, FETCH_TIMEOUT))
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            if time.monotonic() >= self._deadline:
                raise DeadlineExceeded from None
            raise

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """A connected socket as http.client uses it, whose answer is read through a
    `_DeadlineReader` (http.client reads an answer only through `makefile`)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        super().connect()
        self.sock = cast(socket.socket, _DeadlineSocket(self.sock, self.deadline))


class _DeadlineHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        super().connect()  # TCP, then TLS: each step bounded by the per-read timeout
        self.sock = cast(socket.socket, _DeadlineSocket(self.sock, self.deadline))


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_DeadlineHTTPConnection, deadline=self.deadline), req)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_DeadlineHTTPSConnection, deadline=self.deadline), req)


def _opener(deadline: float) -> urllib.request.OpenerDirector:
    """urllib's opener for http(s) only, every connection (redirects too) bound by `deadline`.

    Built by hand rather than with `build_opener`, which would also follow a redirect to an
    ftp:// URL, with no deadline.
    """
    opener = urllib.request.OpenerDirector()
    for handler in [
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
        _DeadlineHTTPHandler(deadline),
        _DeadlineHTTPSHandler(deadline),
    ]:
        opener.add_handler(handler)
    return opener


def fetch_url(url: str, *, feed: Feed | None = None) -> bytes | None:
    """The body at `url`, or None when the server answers 304 Not Modified to our
    If-None-Match / If-Modified-Since (remembered on the feed)."""
    if not url.lower().startswith(("http://", "https://")):
        raise FetchFailed(f"not an http(s) URL: {url}")
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if feed is not None:
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
    limit = settings.MASTHEAD_WIRE_MAX_FILE_BYTES
    allowed = settings.MASTHEAD_WIRE_FETCH_DEADLINE
    deadline = time.monotonic() + allowed
    try:
        with _opener(deadline).open(request, timeout=min(FETCH_TIMEOUT, allowed)) as response:
            chunks, size = [], 0
            while chunk := response.read1(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"response is over the {limit}-byte limit")
                chunks.append(chunk)
            if feed is not None:
                feed.etag = (response.headers.get("ETag") or "")[:300]
                feed.last_modified = (response.headers.get("Last-Modified") or "")[:100]
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None
        raise FetchFailed(f"HTTP {exc.code} from {url}") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, DeadlineExceeded):
            raise FetchFailed(
                f"cannot fetch {url}: no complete answer within {allowed:g} seconds"
                " (MASTHEAD_WIRE_FETCH_DEADLINE)"
            ) from exc
        raise FetchFailed(f"cannot fetch {url}: {reason}") from exc


def drop_folder_files(folder: Path) -> list[Path]:
    """Files waiting in a drop folder, oldest name first; hidden and partial uploads wait."""
    files = []
    for path in folder.iterdir():
        if not path.is_file() or path.name.startswith((".", "~")):
            continue
        if path.name.lower().endswith(PARTIAL_SUFFIXES):
            continue
        files.append(path)
    return sorted(files)


def file_away(file: Path, where: str) -> None:
    """Move an ingested drop-folder file into `where` beside it, never over an earlier one."""
    target_dir = file.parent / where
    target_dir.mkdir(exist_ok=True)
    target = target_dir / file.name
    if target.exists():
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        target = target_dir / f"{file.stem}.{stamp}{file.suffix}"
    os.replace(file, target)


PICTURE_DEADLINE = 30  # seconds for one picture, request to last byte


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A picture is fetched from the allowed host it names, not wherever it redirects."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def check_public_host(host: str) -> None:
    """Refuse a host that resolves to a private, loopback, link-local or otherwise non-public
    address (a wire item must not make the worker reach the paper's own network), unless
    `MASTHEAD_WIRE_PRIVATE_PICTURES` allows it (a wire server on the paper's LAN)."""
    if settings.MASTHEAD_WIRE_PRIVATE_PICTURES:
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise FetchFailed(f"cannot resolve {host}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise FetchFailed(
                f"refused: {host} is a private or loopback address ({address}); set "
                "MASTHEAD_WIRE_PRIVATE_PICTURES to allow it"
            )


def fetch_picture(url: str, *, limit: int) -> bytes:
    """A remote picture's bytes: http(s) only, a public address, no redirects, at most
    `limit` bytes and `PICTURE_DEADLINE` seconds in all. The caller checks the host is one
    the feed allows. (Resolved once here and again by the connection: a DNS answer changed
    in between is a risk accepted for a host the desk listed.)"""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise FetchFailed(f"not an http(s) URL: {url}")
    check_public_host(parts.hostname)
    deadline = time.monotonic() + PICTURE_DEADLINE
    opener = _opener(deadline)
    opener.add_handler(_NoRedirect())
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})  # noqa: S310 (scheme checked above)
    try:
        with opener.open(request, timeout=min(FETCH_TIMEOUT, PICTURE_DEADLINE)) as response:
            chunks, size = [], 0
            while chunk := response.read1(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"picture is over the {limit}-byte limit")
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        raise FetchFailed(f"HTTP {exc.code} from {url}") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, DeadlineExceeded):
            raise FetchFailed(
                f"cannot fetch {url}: no complete answer within {PICTURE_DEADLINE} seconds"
            ) from exc
        raise FetchFailed(f"cannot fetch {url}: {reason}") from exc

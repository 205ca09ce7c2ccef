"""Getting wire copy in: HTTP(S) with conditional GET, and drop folders (FTP/SFTP delivery).

A drop folder's files are moved, once ingested, to `processed/` (or `quarantine/` when any item
failed) beside them, with an atomic rename; a worker killed between ingesting and moving simply
re-ingests the file next time, which is a no-op because unchanged items are skipped.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

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
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            data = response.read(settings.MASTHEAD_WIRE_MAX_FILE_BYTES + 1)
            if len(data) > settings.MASTHEAD_WIRE_MAX_FILE_BYTES:
                raise TooLarge(
                    f"response is over the {settings.MASTHEAD_WIRE_MAX_FILE_BYTES}-byte limit"
                )
            if feed is not None:
                feed.etag = (response.headers.get("ETag") or "")[:300]
                feed.last_modified = (response.headers.get("Last-Modified") or "")[:100]
            return data
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None
        raise FetchFailed(f"HTTP {exc.code} from {url}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise FetchFailed(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from exc


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

"""Purges: the origin's page cache, then every configured edge, by key.

Varnish (with varnish-modules' xkey): a `PURGE` request carrying the keys in an `xkey-purge`
header, to each address in `MASTHEAD_EDGE_VARNISH_URLS` (the shipped VCL accepts it from the
addresses it trusts). Fastly: its purge-by-surrogate-key API. Cloudflare: purge by cache tag.
A CDN's purge API is called only when its credentials are configured.

A failed edge purge is logged and does not fail the editor's change: the edge's copy then
lives at most its TTL (`MASTHEAD_PAGE_CACHE_SECONDS`). Hand-written over urllib: each API is
one request, and a client library per CDN would be heavier than the call.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Iterable

from django.conf import settings

from masthead.edge import pagecache

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0
# Fastly takes up to 256 keys per call; Cloudflare 30 tags. Batches keep every call valid.
FASTLY_BATCH = 256
CLOUDFLARE_BATCH = 30


def purge(keys: Iterable[str]) -> None:
    wanted = sorted(set(keys))
    if not wanted:
        return
    pagecache.purge(wanted)
    for url in settings.MASTHEAD_EDGE_VARNISH_URLS:
        _send(url, method="PURGE", headers={"xkey-purge": " ".join(wanted)})
    if settings.MASTHEAD_FASTLY_SERVICE_ID and settings.MASTHEAD_FASTLY_API_TOKEN:
        base = settings.MASTHEAD_FASTLY_API_URL.rstrip("/")
        for batch in _batches(wanted, FASTLY_BATCH):
            _send(
                f"{base}/service/{settings.MASTHEAD_FASTLY_SERVICE_ID}/purge",
                method="POST",
                headers={
                    "Fastly-Key": settings.MASTHEAD_FASTLY_API_TOKEN,
                    "Surrogate-Key": " ".join(batch),
                    "Accept": "application/json",
                },
            )
    if settings.MASTHEAD_CLOUDFLARE_ZONE_ID and settings.MASTHEAD_CLOUDFLARE_API_TOKEN:
        base = settings.MASTHEAD_CLOUDFLARE_API_URL.rstrip("/")
        for batch in _batches(wanted, CLOUDFLARE_BATCH):
            _send(
                f"{base}/zones/{settings.MASTHEAD_CLOUDFLARE_ZONE_ID}/purge_cache",
                method="POST",
                headers={
                    "Authorization": f"Bearer {settings.MASTHEAD_CLOUDFLARE_API_TOKEN}",
                    "Content-Type": "application/json",
                },
                body=json.dumps({"tags": batch}).encode(),
            )


def _batches(keys: list[str], size: int) -> list[list[str]]:
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def _send(url: str, *, method: str, headers: dict[str, str], body: bytes | None = None) -> None:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            response.read()
    except OSError as error:  # URLError, HTTPError, timeouts: all OSError
        logger.warning("edge purge to %s failed: %s", url.split("?")[0], error)

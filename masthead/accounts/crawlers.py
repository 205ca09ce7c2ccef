"""Search crawler verification: by address, never by the User-Agent header alone.

A User-Agent is a string the client chooses, so a claim to be Googlebot only makes us check the
address: first against the crawler's published IP ranges (the JSON file Google publishes,
kept at `MASTHEAD_CRAWLER_RANGES_PATH` and updated by `masthead update_crawler_ranges`), then,
where DNS answers, by the reverse-then-forward lookup Google documents for verifying Googlebot.
DNS answers are cached (both ways) because a lookup costs tens of milliseconds on a page view.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import socket
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Crawlers we open the wall to, and the host names their reverse DNS must end with, as each
# search engine documents it (Google: googlebot.com, google.com; Bing: search.msn.com).
CRAWLER_UA = re.compile(r"Googlebot|Google-InspectionTool|GoogleOther|bingbot", re.IGNORECASE)
CRAWLER_HOST_SUFFIXES = (".googlebot.com", ".google.com", ".search.msn.com")
DNS_TIMEOUT = 2.0  # seconds; a slow resolver must not hold a reader's page for long
DNS_CACHE_SECONDS = 24 * 3600

_dns_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="crawler-dns")


@dataclass(frozen=True)
class _Ranges:
    path: str
    mtime: float
    networks: tuple[IPNetwork, ...]


_loaded: _Ranges | None = None


def parse_ranges(data: Any) -> tuple[IPNetwork, ...]:
    """The networks in a Google-format document: {"prefixes": [{"ipv4Prefix": ...}, ...]}.

    Raises ValueError on anything else, so that the update command never installs a file that
    would silently verify nobody (or everybody).
    """
    if not isinstance(data, dict) or not isinstance(data.get("prefixes"), list):
        raise ValueError('not a crawler ranges document: no "prefixes" list')
    networks: list[IPNetwork] = []
    for entry in data["prefixes"]:
        if not isinstance(entry, dict):
            raise ValueError(f"bad prefix entry: {entry!r}")
        prefix = entry.get("ipv4Prefix") or entry.get("ipv6Prefix")
        if not isinstance(prefix, str):
            raise ValueError(f"bad prefix entry: {entry!r}")
        network = ipaddress.ip_network(prefix, strict=False)
        if network.prefixlen < 8:
            raise ValueError(f"implausibly wide crawler range: {prefix}")
        networks.append(network)
    return tuple(networks)


def published_ranges() -> tuple[IPNetwork, ...]:
    """The configured ranges, reread when the file changes (the update command replaces it)."""
    global _loaded
    path = Path(settings.MASTHEAD_CRAWLER_RANGES_PATH)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return ()
    if _loaded is not None and _loaded.path == str(path) and _loaded.mtime == mtime:
        return _loaded.networks
    try:
        networks = parse_ranges(json.loads(path.read_text()))
    except (OSError, ValueError) as exc:
        logger.error("crawler ranges at %s unreadable: %s", path, exc)
        networks = ()
    _loaded = _Ranges(str(path), mtime, networks)
    return networks


def in_ranges(address: str, networks: Iterable[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)


def _reverse_then_forward(address: str) -> bool:
    try:
        host, _aliases, _addrs = socket.gethostbyaddr(address)
    except OSError:
        return False
    host = host.rstrip(".").lower()
    if not host.endswith(CRAWLER_HOST_SUFFIXES):
        return False
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    target = ipaddress.ip_address(address)
    return any(ipaddress.ip_address(str(info[4][0]).split("%")[0]) == target for info in infos)


def dns_verified(address: str) -> bool:
    """Reverse DNS names a crawler host, and that name resolves back to the address."""
    if not settings.MASTHEAD_CRAWLER_DNS_CHECK:
        return False
    key = f"crawler-dns:{address}"
    cached = cache.get(key)
    if cached is not None:
        return bool(cached)
    try:
        verified = _dns_pool.submit(_reverse_then_forward, address).result(timeout=DNS_TIMEOUT)
    except FutureTimeout:
        # Not cached: a slow resolver is not an answer, the next request asks again.
        return False
    cache.set(key, verified, DNS_CACHE_SECONDS)
    return verified


def claims_crawler(user_agent: str) -> bool:
    return bool(CRAWLER_UA.search(user_agent or ""))


def is_verified_crawler(address: str, user_agent: str) -> bool:
    """True for a client that says it is a search crawler AND whose address proves it.

    The User-Agent only decides whether to look further, which spares readers a DNS lookup.
    """
    if not address or not claims_crawler(user_agent):
        return False
    return in_ranges(address, published_ranges()) or dns_verified(address)

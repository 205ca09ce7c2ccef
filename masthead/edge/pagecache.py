"""The origin's page cache: whole rendered responses, each valid while its purge keys are.

Every purge key has a version (a random token, stamped with the time of the purge that made
it) in the cache; an entry records the versions of its keys when it was stored and is served
only while all of them are unchanged. A page rendered while one of its keys was purged is not
stored at all (the version's stamp is later than the render's start), so a purge racing a
render cannot leave the old page behind. A purge gives
each of its keys a new token, so it invalidates exactly the entries showing what changed, on
every web process at once (the cache is shared: Redis, or files in the data folder), without
finding or deleting them. A token that the cache evicted reads as missing, which invalidates
too: an eviction can never bring a stale entry back.

Django's own cache middleware keys by URL and expires by time only; exact purges need the keys.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

# Headers a stored response keeps (the rest are per request: cookies, Vary from the session).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Cache-Control",
    "Surrogate-Control",
    "Surrogate-Key",
    "xkey",
    "Last-Modified",
    "Link",
    "X-Robots-Tag",
)


@dataclass
class Entry:
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    value: object = None  # a block's data (masthead/edge/blocks.py) rather than bytes


def _cache() -> BaseCache:
    return caches["pages"]


def _version_key(key: str) -> str:
    return f"v:{key}"


def _entry_key(name: str) -> str:
    return "e:" + hashlib.sha256(name.encode()).hexdigest()


# Versions this process read lately: vkey → (until, version). A page shows a few dozen keys
# (each story it lists), most of them shared with every other page; reading each from the
# shared cache on every request is most of a hit's cost (a file each, on one machine). A
# version read here is believed for `MASTHEAD_PAGE_CACHE_VERSION_SECONDS`, so another
# process's purge shows here that much later at most; this process's own purges at once.
# Not with an edge in front: the edge asks again the moment it is purged and would keep
# what a process still believed for its whole lifetime (and it sends the origin only misses).
_recent: dict[str, tuple[float, object]] = {}
_RECENT_MOST = 200_000


def _edge_in_front() -> bool:
    return bool(
        settings.MASTHEAD_EDGE_VARNISH_URLS
        or settings.MASTHEAD_FASTLY_SERVICE_ID
        or settings.MASTHEAD_CLOUDFLARE_ZONE_ID
    )


def _versions(cache: BaseCache, vkeys: list[str]) -> dict[str, object]:
    if _edge_in_front():
        return cache.get_many(vkeys)
    now = time.monotonic()
    found: dict[str, object] = {}
    missing = []
    for vkey in vkeys:
        recent = _recent.get(vkey)
        if recent is not None and recent[0] > now:
            found[vkey] = recent[1]
        else:
            missing.append(vkey)
    if missing:
        fetched = cache.get_many(missing)
        if len(_recent) > _RECENT_MOST:
            _recent.clear()
        until = now + settings.MASTHEAD_PAGE_CACHE_VERSION_SECONDS
        for vkey, version in fetched.items():
            _recent[vkey] = (until, version)
        found.update(fetched)
    return found


def forget_recent() -> None:
    """Drop the versions this process remembers (after the cache itself was emptied)."""
    _recent.clear()


def get(name: str) -> Entry | None:
    """The entry stored under `name`, if none of its keys was purged since."""
    cache = _cache()
    entry = cache.get(_entry_key(name))
    if not isinstance(entry, Entry):
        return None
    current = _versions(cache, [_version_key(k) for k in entry.versions])
    for key, version in entry.versions.items():
        if current.get(_version_key(key)) != version:
            return None
    return entry


# Machines' clocks differ a little; a purge this close before a render started still blocks it.
CLOCK_MARGIN_SECONDS = 0.25


def _stamp(version: object) -> float:
    try:
        return float(str(version).split(":", 1)[0])
    except ValueError:
        return float("inf")


def put(
    name: str,
    entry: Entry,
    keys: Iterable[str],
    *,
    rendered_since: float,
    timeout: int | None = None,
) -> bool:
    """Store `entry` (rendered from `rendered_since`, a `time.time()`); False if a purge of one
    of its keys came after that, or raced the store."""
    cache = _cache()
    wanted = [_version_key(k) for k in sorted(set(keys))]
    # Read fresh, not from `_recent`: a purge racing this render must keep it out.
    current = cache.get_many(wanted)
    if len(current) != len(wanted):
        for vkey in wanted:
            if vkey not in current:
                # `add`: of two processes starting a key's first version, one token wins.
                cache.add(vkey, f"0:{uuid.uuid4().hex}", None)  # never purged: stamp 0
        current = cache.get_many(wanted)
    if len(current) != len(wanted):
        return False  # an eviction raced us: store nothing rather than something stale
    if any(_stamp(v) >= rendered_since - CLOCK_MARGIN_SECONDS for v in current.values()):
        return False
    entry.versions = {vkey[2:]: str(current[vkey]) for vkey in wanted}
    cache.set(
        _entry_key(name),
        entry,
        settings.MASTHEAD_PAGE_CACHE_SECONDS if timeout is None else timeout,
    )
    return True


def purge(keys: Iterable[str]) -> None:
    """Invalidate every entry showing any of `keys`."""
    stamp = f"{time.time():.6f}"
    versions = {_version_key(k): f"{stamp}:{uuid.uuid4().hex}" for k in keys}
    _cache().set_many(versions, None)
    for vkey in versions:
        _recent.pop(vkey, None)

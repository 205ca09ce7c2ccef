"""The page cache's versions: another process's purge is seen within the memory's lifetime."""

from __future__ import annotations

import time

from django.core.cache import caches

from masthead.edge import pagecache


def purge_elsewhere(key: str) -> None:
    """What a purge in another process does: a new version in the shared cache only."""
    caches["pages"].set(f"v:{key}", f"{time.time():.6f}:elsewhere", None)


def test_a_purge_in_another_process_shows_within_the_memorys_lifetime(settings, monkeypatch):
    settings.MASTHEAD_PAGE_CACHE_VERSION_SECONDS = 0.25
    clock = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock[0])
    entry = pagecache.Entry(status=200, content=b"page")
    assert pagecache.put("p", entry, {"a1", "top"}, rendered_since=time.time())
    assert pagecache.get("p") is not None  # the versions are now remembered
    purge_elsewhere("a1")
    clock[0] += 0.2
    assert pagecache.get("p") is not None  # still believed
    clock[0] += 0.1
    assert pagecache.get("p") is None  # read again: purged


def test_a_purge_in_this_process_shows_at_once(settings):
    settings.MASTHEAD_PAGE_CACHE_VERSION_SECONDS = 60
    entry = pagecache.Entry(status=200, content=b"page")
    assert pagecache.put("p", entry, {"a1"}, rendered_since=time.time())
    assert pagecache.get("p") is not None
    pagecache.purge(["a1"])
    assert pagecache.get("p") is None


def test_with_an_edge_in_front_every_read_is_fresh(settings):
    """An edge refetches as soon as it is purged: the origin must not answer from memory."""
    settings.MASTHEAD_PAGE_CACHE_VERSION_SECONDS = 60
    settings.MASTHEAD_EDGE_VARNISH_URLS = ["http://127.0.0.1:9/"]
    entry = pagecache.Entry(status=200, content=b"page")
    assert pagecache.put("p", entry, {"a1"}, rendered_since=time.time())
    assert pagecache.get("p") is not None
    purge_elsewhere("a1")
    assert pagecache.get("p") is None

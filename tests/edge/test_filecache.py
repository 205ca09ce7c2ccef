"""The one-machine page cache's file backend still keeps to its size, culling less often."""

from __future__ import annotations

from masthead.edge import filecache


def files(tmp_path) -> int:
    return len(list(tmp_path.glob("*.djcache")))


def test_it_culls_at_most_once_per_interval_and_then_as_django_does(tmp_path, monkeypatch):
    cache = filecache.PageFileCache(
        str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}}
    )
    for n in range(30):
        cache.set(f"k{n}", n)
    # The first write counted the folder (nearly empty); the next 29 did not.
    assert files(tmp_path) == 30
    monkeypatch.setattr(filecache.time, "monotonic", lambda: 10**9)
    cache.set("k30", 30)  # the interval has passed: over the limit, half the entries go
    assert files(tmp_path) == 31 - 15
    assert cache.get("k30") == 30

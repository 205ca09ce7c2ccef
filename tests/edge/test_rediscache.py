"""The Redis cache backend keeps one Redis client per pool and behaves as Django's."""

from __future__ import annotations

import os
import uuid

import pytest

from masthead.edge.rediscache import SharedRedisCache


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("runs in the Redis pass (REDIS_URL)")
    return url


def test_it_keeps_its_client_and_reads_what_it_wrote(redis_url):
    cache = SharedRedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    first = cache._cache.get_client()
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first  # one server: one pool, one client
    cache.set("k", {"page": b"bytes"}, 30)
    assert cache.get("k") == {"page": b"bytes"}
    assert cache.get_many(["k", "missing"]) == {"k": {"page": b"bytes"}}
    cache.delete("k")
    assert cache.get("k") is None

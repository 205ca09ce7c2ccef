"""The page cache's file backend for one machine (no Redis): Django's, culling less often.

Django's `FileBasedCache` lists its whole folder on every write to see whether it is over
`MAX_ENTRIES`, so each write costs time in proportion to what is cached (tens of milliseconds
at tens of thousands of pages). The page cache writes on every miss; here the count is taken
at most once per `CULL_INTERVAL_SECONDS` in each process, so the cache may overshoot its
limit by what the processes write in that time, then culls as Django's does.
"""

from __future__ import annotations

import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_INTERVAL_SECONDS = 10.0


class PageFileCache(FileBasedCache):
    _next_cull = 0.0

    def _cull(self) -> None:
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + CULL_INTERVAL_SECONDS
        super()._cull()  # type: ignore[misc]  # Django's own, not in its type stubs

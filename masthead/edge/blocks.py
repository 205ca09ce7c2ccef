"""Blocks every reader shares (Popular, Local, a section's newest, a story's Related), from the
origin's page cache instead of fresh queries, purged by the same keys as pages.

A block's entry carries the keys noted while it was computed (the list it shows: `top`,
`local`, `s<id>`) and each listed story's `a<id>`, so a kill or an edit of any story in it,
or a new story on its list, recomputes it; a page built from it notes the same keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings

from masthead.edge import pagecache
from masthead.lib import surrogates

T = TypeVar("T")


def cached(
    name: str,
    compute: Callable[[], T],
    *,
    stories: Callable[[T], Iterable[int]],
    timeout: int | None = None,
) -> T:
    """`compute()`, kept under `name` until one of its keys is purged (or `timeout`).

    `stories(value)` gives the ids of the stories the value lists.
    """
    if not settings.MASTHEAD_PAGE_CACHE:
        return compute()
    entry = pagecache.get(f"block:{name}")
    if entry is not None:
        surrogates.note(*entry.versions)
        return entry.value  # type: ignore[return-value]
    started = time.time()
    with surrogates.collecting() as keys:
        value = compute()
    keys.update(surrogates.article(pk) for pk in stories(value))
    surrogates.note(*keys)
    pagecache.put(
        f"block:{name}",
        pagecache.Entry(status=200, content=b"", value=value),
        keys,
        rendered_since=started,
        timeout=timeout,
    )
    return value

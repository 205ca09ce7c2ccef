"""Popular: counting reads without a database write per view, and ranking them with decay.

The article page carries a 1×1 image (the beacon) whose URL is never cached, so a read counts
even when the page itself came from a CDN or the browser's cache, and with JavaScript off. The
beacon view does no database work: it drops obvious bots, counts a reader once per story per
window (an atomic cache `add`), and adds one to a buffer — this process's memory on the
embedded default, a Redis hash when REDIS_URL is set, so several web machines share it. The
buffer is flushed into hourly `ViewBucket`s (the editors' chart) and into `PopularScore` (the
ranking) at most every MASTHEAD_POPULAR_FLUSH_SECONDS, on a background thread, and by
`masthead popular flush`.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import logging
import math
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import cast

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connections, transaction
from django.db.models import Exists, F, OuterRef
from django.http import HttpRequest
from django.utils import timezone

from masthead.discovery.models import PopularScore, ViewBucket
from masthead.lib.net import client_address
from masthead.newsroom.models import Article

logger = logging.getLogger(__name__)

# Crawlers, link unfurlers, monitors and scripted clients: user agents that are not readers.
BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|headless|phantomjs"
    r"|lighthouse|pingdom|uptime|monitor|python|curl|wget|httpclient|java/|go-http|okhttp"
    r"|scrapy|axios|node-fetch|feedfetcher|validator|^mozilla/4\.0$",
    re.IGNORECASE,
)


# Story ids are BigAutoField keys: a signed 64-bit column on every database we run on. The
# beacon's URL takes any run of digits, and one id past this made the whole flush fail.
STORY_ID_MAX = 2**63 - 1


def is_story_id(value: int) -> bool:
    """Whether `value` can be a story's primary key at all (in range; says nothing of existence)."""
    return 0 < value <= STORY_ID_MAX


def hour_of(moment: float) -> int:
    """Hours since the Unix epoch (UTC) for a Unix timestamp."""
    return int(moment // 3600)


def is_bot(request: HttpRequest) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "").strip()
    if not agent or BOT_RE.search(agent):
        return True
    # Browsers announce speculative loads; a prefetched page has not been read (yet).
    purpose = request.META.get("HTTP_SEC_PURPOSE", "") or request.META.get("HTTP_PURPOSE", "")
    return "prefetch" in purpose.lower() or "prerender" in purpose.lower()


def reader_key(request: HttpRequest) -> str:
    """An anonymous, unlinkable key for "this reader": a keyed hash, no cookie, nothing stored.

    Address + browser identify a reader well enough to count one read per window; the HMAC with
    SECRET_KEY means the key cannot be turned back into an address. The address is the one our
    trusted proxies vouch for (`client_address`), as for the meter and the sign-in throttle.
    """
    address = client_address(request)
    material = "|".join(
        [
            address,
            request.META.get("HTTP_USER_AGENT", ""),
            request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        ]
    )
    return hmac.new(settings.SECRET_KEY.encode(), material.encode(), hashlib.sha256).hexdigest()[
        :20
    ]


class LocalBuffer:
    """Counts in this process's memory; the embedded default (one machine, one database)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[int, int]] = Counter()

    def add(self, article_id: int, hour: int) -> None:
        with self._lock:
            self._counts[(article_id, hour)] += 1

    def drain(self) -> Counter[tuple[int, int]]:
        with self._lock:
            counts, self._counts = self._counts, Counter()
        return counts

    def restore(self, counts: Counter[tuple[int, int]]) -> None:
        with self._lock:
            self._counts.update(counts)


class RedisBuffer:
    """Counts in one Redis hash shared by every web machine (`REDIS_URL`)."""

    def __init__(self, url: str, prefix: str) -> None:
        self._redis = redis.Redis.from_url(url)
        self._key = f"{prefix}:discovery:views:pending"

    def add(self, article_id: int, hour: int) -> None:
        self._redis.hincrby(self._key, f"{article_id}:{hour}", 1)

    def drain(self) -> Counter[tuple[int, int]]:
        # RENAME is atomic: counts arriving during the flush go to a fresh pending hash.
        claimed = f"{self._key}:flushing:{uuid.uuid4().hex}"
        try:
            self._redis.rename(self._key, claimed)
        except redis.ResponseError:  # no such key: nothing was counted since the last flush
            return Counter()
        # redis-py types its commands for the sync and asyncio clients at once; this is sync.
        raw = cast("dict[bytes, bytes]", self._redis.hgetall(claimed))
        self._redis.delete(claimed)
        counts: Counter[tuple[int, int]] = Counter()
        for field, value in raw.items():
            article_id, hour = field.decode().split(":")
            counts[(int(article_id), int(hour))] += int(value)
        return counts

    def restore(self, counts: Counter[tuple[int, int]]) -> None:
        pipe = self._redis.pipeline()
        for (article_id, hour), n in counts.items():
            pipe.hincrby(self._key, f"{article_id}:{hour}", n)
        pipe.execute()


_buffer: LocalBuffer | RedisBuffer | None = None
_buffer_lock = threading.Lock()
_last_flush = time.monotonic()


def get_buffer() -> LocalBuffer | RedisBuffer:
    global _buffer
    with _buffer_lock:
        if _buffer is None:
            if settings.REDIS_URL:
                prefix = settings.CACHES["default"].get("KEY_PREFIX", "") or "masthead"
                _buffer = RedisBuffer(settings.REDIS_URL, prefix)
            else:
                _buffer = LocalBuffer()
                atexit.register(_flush_at_exit)
        return _buffer


def reset_buffer() -> None:
    """Forget the buffer (tests switch between local and Redis with settings)."""
    global _buffer
    with _buffer_lock:
        _buffer = None


def record_view(request: HttpRequest, article_id: int, *, now: float | None = None) -> bool:
    """Count one read of `article_id` if it is a reader's first in the window; no DB access.

    Whether the story exists and is published is checked once per flush (`write_counts`), not
    here: a query per beacon is what the buffer exists to avoid.
    """
    if not is_story_id(article_id) or is_bot(request):
        return False
    window = settings.MASTHEAD_POPULAR_DEDUP_SECONDS
    if not cache.add(f"discovery:pv:{article_id}:{reader_key(request)}", 1, timeout=window):
        return False
    moment = time.time() if now is None else now
    get_buffer().add(article_id, hour_of(moment))
    _maybe_flush_in_background()
    return True


def _maybe_flush_in_background() -> None:
    global _last_flush
    interval = settings.MASTHEAD_POPULAR_FLUSH_SECONDS
    if interval <= 0 or time.monotonic() - _last_flush < interval:
        return
    _last_flush = time.monotonic()
    # One flusher at a time across machines when the cache is shared (Redis).
    if cache.add("discovery:popular:flushing", 1, timeout=interval):
        threading.Thread(target=_flush_in_thread, name="popular-flush", daemon=True).start()


def _flush_in_thread() -> None:
    try:
        flush()
    except Exception:  # noqa: BLE001 - a failed flush must not kill the thread silently
        logger.exception("Popular: flushing view counts failed; they will be retried")
    finally:
        connections.close_all()


def _flush_at_exit() -> None:
    try:
        close_old_connections()
        flush()
    except Exception:  # noqa: BLE001 - interpreter shutdown; log and let it exit
        logger.exception("Popular: final flush failed")


def flush() -> int:
    """Move buffered counts into the database; returns the number of reads written."""
    buffer = get_buffer()
    counts = buffer.drain()
    if not counts:
        return 0
    try:
        write_counts(counts)
    except Exception:
        buffer.restore(counts)  # counted reads are not lost to a locked or restarting database
        raise
    return sum(counts.values())


def rank_key(score: float, at_hour: float, half_life_hours: float) -> float:
    return math.log2(score) + at_hour / half_life_hours


def decayed(key: float, now_hour: float, half_life_hours: float) -> float:
    """The decayed read count a `rank_key` stands for at `now_hour`."""
    return 2.0 ** (key - now_hour / half_life_hours)


@transaction.atomic
def write_counts(counts: Counter[tuple[int, int]] | dict[tuple[int, int], int]) -> None:
    """Add buffered reads to the hourly buckets and the decayed scores.

    Reads of ids that are no published story (made up, deleted, killed, a draft) are dropped
    here, so the beacon needs no query; an id out of the column's range never reaches the
    query, where it would fail the whole flush, and every flush after it, since a failed flush
    puts its counts back.
    """
    half_life = settings.MASTHEAD_POPULAR_HALF_LIFE_HOURS
    candidates = {a for a, _ in counts if is_story_id(a)}
    # By status, not time: Popular shows a story only once it is visible (`popular_ids`), so a
    # read counted early for a scheduled one only waits; a killed story's reads stop here.
    known = set(
        Article.objects.filter(pk__in=candidates, status=Article.Status.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    per_article: Counter[int] = Counter()
    for (article_id, hour), n in sorted(counts.items()):
        if article_id not in known:
            continue  # a beacon for a made-up, deleted or unpublished story
        updated = ViewBucket.objects.filter(article_id=article_id, hour=hour).update(
            views=F("views") + n
        )
        if not updated:
            ViewBucket.objects.create(article_id=article_id, hour=hour, views=n)
        per_article[article_id] += n
    now_hour = time.time() / 3600
    # Rows are locked so two flushers (two machines) cannot both decay-and-add the same score.
    existing = {
        s.article_id: s
        for s in PopularScore.objects.select_for_update().filter(article_id__in=per_article)
    }
    for article_id, n in per_article.items():
        current = existing.get(article_id)
        value = n + (decayed(current.rank_key, now_hour, half_life) if current else 0.0)
        PopularScore.objects.update_or_create(
            article_id=article_id, defaults={"rank_key": rank_key(value, now_hour, half_life)}
        )


def popular_ids(
    *, limit: int, exclude_ids: Iterable[int] = (), now_hour: float | None = None
) -> list[int]:
    """Ids of the most-read visible stories, by decayed count; one query.

    A story whose decayed count has fallen under half a read is no longer "popular" at all.
    """
    half_life = settings.MASTHEAD_POPULAR_HALF_LIFE_HOURS
    now_hour = time.time() / 3600 if now_hour is None else now_hour
    floor = rank_key(0.5, now_hour, half_life)
    # Visibility checked per candidate (EXISTS on the story's primary key) while walking the
    # rank index from the top: as `article__in=published()` SQLite first listed every visible
    # story of the archive, a cost that grows with it.
    visible = Article.objects.published(timezone.now()).filter(pk=OuterRef("article_id"))
    return list(
        PopularScore.objects.filter(Exists(visible), rank_key__gte=floor)
        .exclude(article_id__in=list(exclude_ids))
        .order_by("-rank_key", "-article_id")
        .values_list("article_id", flat=True)[:limit]
    )

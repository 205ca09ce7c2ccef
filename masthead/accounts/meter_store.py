"""Where the meter keeps anonymous readers' histories, and the one atomic step that grants a read.

Two stores, one behaviour. With `REDIS_URL` the histories are Redis sorted sets (one per
meter key: article id → time of first read), so a read costs the web machine no database
write and every machine sees the same counts; without it (one machine, the embedded default)
they are `MeterRead` rows, because SQLite is then the only state the web workers share (each
worker's local-memory cache counts alone).

`grant` is check-and-record in one step: it records the story under every key only if each
key still has room, so two tabs (or a script with sixteen connections) racing on the last free
story get one story between them, not two. In Redis that is one Lua script (Redis runs it
atomically); in the database a transaction that holds, per key, PostgreSQL's advisory lock or
SQLite's write lock (Masthead opens SQLite transactions IMMEDIATE).

Accounts' reads are not here: they are `MeterRead` rows with a user, written by
`services.record_account_read`, because an account's history is the reader's own data (shown,
merged, deleted with the account), not a counter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Protocol, cast

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from masthead.accounts.models import MeterRead

# KEYS: the meter keys' sorted sets. ARGV: article id, now, start of the window (exclusive),
# seconds to keep a set, then one limit per key (-1: none). Returns 1 if granted and recorded.
_GRANT = """
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3])
  local limit = tonumber(ARGV[4 + i])
  if limit >= 0 then
    local used = redis.call('ZCARD', key)
    if redis.call('ZSCORE', key, ARGV[1]) then used = used - 1 end
    if used >= limit then return 0 end
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'NX', ARGV[2], ARGV[1])
  redis.call('EXPIRE', key, ARGV[4])
end
return 1
"""


class MeterStore(Protocol):
    def histories(
        self, keys: Sequence[str], *, since: dt.datetime
    ) -> dict[str, dict[int, dt.datetime]]:
        """Each key's reads after `since`: article id → first read (keys without any: {})."""
        ...

    def grant(
        self,
        article_id: int,
        *,
        limits: Mapping[str, int | None],
        now: dt.datetime,
        window: dt.timedelta,
    ) -> bool:
        """Record `article_id` under every key of `limits` if, for each key with a limit,
        fewer than that many *other* stories were read inside the window; else record nothing
        and return False."""
        ...


class DatabaseStore:
    """`MeterRead` rows without a user, one per (meter key, story)."""

    def histories(
        self, keys: Sequence[str], *, since: dt.datetime
    ) -> dict[str, dict[int, dt.datetime]]:
        found: dict[str, dict[int, dt.datetime]] = {key: {} for key in keys}
        rows = MeterRead.objects.filter(user__isnull=True, visitor_key__in=keys).since(since)
        for key, article_id, first_read in rows.values_list(
            "visitor_key", "article_id", "first_read_at"
        ):
            found[key][article_id] = first_read
        return found

    def grant(
        self,
        article_id: int,
        *,
        limits: Mapping[str, int | None],
        now: dt.datetime,
        window: dt.timedelta,
    ) -> bool:
        keys = sorted(limits)  # one order for every transaction: no deadlock between two
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            return _grant_in_one_statement(keys, article_id, limits=limits, now=now, window=window)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    for key in keys:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(key)])
            limited = [key for key in keys if limits[key] is not None]
            used = dict(
                MeterRead.objects.filter(user__isnull=True, visitor_key__in=limited)
                .since(now - window)
                .exclude(article_id=article_id)
                .values("visitor_key")
                .annotate(n=Count("id"))
                .values_list("visitor_key", "n")
            )
            if any(used.get(key, 0) >= cast(int, limits[key]) for key in limited):
                return False
            _record(keys, article_id, now=now, window=window)
        return True


def _record(
    keys: Sequence[str], article_id: int, *, now: dt.datetime, window: dt.timedelta
) -> None:
    """Insert one row per key, or restart a row from before the window (the story counts again,
    as a rolling window wants) in the same statement.

    Raw SQL because the ORM's upsert cannot make its update conditional; PostgreSQL and SQLite
    (3.24+) both accept this `ON CONFLICT` on the partial unique index of anonymous reads.
    """
    table = connection.ops.quote_name(MeterRead._meta.db_table)
    rows = ", ".join(["(%s, NULL, %s, %s)"] * len(keys))
    params: list[str | int | dt.datetime] = []
    for key in keys:
        params += [key, article_id, now]
    with connection.cursor() as cursor:
        # The table name is ours and the values are parameters.
        sql = (
            f"INSERT INTO {table} (visitor_key, user_id, article_id, first_read_at) "  # noqa: S608
            f"VALUES {rows} ON CONFLICT (visitor_key, article_id) WHERE user_id IS NULL "
            f"DO UPDATE SET first_read_at = excluded.first_read_at "
            f"WHERE {table}.first_read_at <= %s"
        )
        cursor.execute(sql, [*params, now - window])


def _grant_in_one_statement(
    keys: Sequence[str],
    article_id: int,
    *,
    limits: Mapping[str, int | None],
    now: dt.datetime,
    window: dt.timedelta,
) -> bool:
    """SQLite's check-and-record as one statement: a writing statement takes the database's
    write lock before it reads, so its counts and its insert are one step, as the transaction
    is elsewhere, in one round trip instead of four (a metered read on the embedded default
    costs the count of `_record`'s statement and no transaction around it).

    Raw SQL for the same reason as `_record`; the counts are the ones `DatabaseStore.grant`
    makes with the ORM.
    """
    table = connection.ops.quote_name(MeterRead._meta.db_table)
    since = now - window
    params: list[str | int | dt.datetime] = [article_id, now]
    params += list(keys)
    checks = []
    for key in keys:
        limit = limits[key]
        if limit is None:
            continue
        checks.append(
            f"(SELECT COUNT(*) FROM {table} WHERE user_id IS NULL AND visitor_key = %s "  # noqa: S608
            f"AND first_read_at > %s AND article_id != %s) < %s"
        )
        params += [key, since, article_id, limit]
    rows = ", ".join(["(%s)"] * len(keys))
    # WHERE is needed anyway: SQLite reads an upsert after a bare SELECT ambiguously.
    sql = (
        f"INSERT INTO {table} (visitor_key, user_id, article_id, first_read_at) "  # noqa: S608
        f"SELECT column1, NULL, %s, %s FROM (VALUES {rows}) "
        f"WHERE {' AND '.join(checks) or '1'} "
        f"ON CONFLICT (visitor_key, article_id) WHERE user_id IS NULL "
        f"DO UPDATE SET first_read_at = excluded.first_read_at "
        f"WHERE {table}.first_read_at <= %s"
    )
    params.append(since)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount > 0:
            return True
    # Nothing written: refused, or the story was already recorded under every key inside the
    # window (a second tab of the same reader got there first), which is a grant.
    recorded = (
        MeterRead.objects.filter(user__isnull=True, visitor_key__in=keys, article_id=article_id)
        .since(since)
        .count()
    )
    return recorded == len(keys)


def _lock_id(key: str) -> int:
    """A signed 64-bit number for PostgreSQL's advisory lock on one meter key."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class RedisStore:
    """One sorted set per meter key (member: article id, score: first read, Unix seconds)."""

    def __init__(self, url: str, prefix: str) -> None:
        self._redis = redis.Redis.from_url(url)
        self._prefix = f"{prefix}:meter:"
        self._grant = self._redis.register_script(_GRANT)

    def histories(
        self, keys: Sequence[str], *, since: dt.datetime
    ) -> dict[str, dict[int, dt.datetime]]:
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.zrangebyscore(self._prefix + key, f"({since.timestamp()}", "+inf", withscores=True)
        found: dict[str, dict[int, dt.datetime]] = {}
        for key, members in zip(keys, pipe.execute(), strict=True):
            found[key] = {
                int(member): dt.datetime.fromtimestamp(score, dt.UTC) for member, score in members
            }
        return found

    def grant(
        self,
        article_id: int,
        *,
        limits: Mapping[str, int | None],
        now: dt.datetime,
        window: dt.timedelta,
    ) -> bool:
        keys = list(limits)
        args: list[int | float] = [
            article_id,
            now.timestamp(),
            (now - window).timestamp(),  # inclusive: a read at the window's start is out
            int(window.total_seconds()) + 3600,
            *[-1 if (limit := limits[key]) is None else limit for key in keys],
        ]
        return bool(self._grant(keys=[self._prefix + key for key in keys], args=args))


@cache
def _redis_store(url: str, prefix: str) -> RedisStore:
    return RedisStore(url, prefix)


def get_store() -> MeterStore:
    """Redis where the paper has one (`REDIS_URL`), else the database."""
    if settings.REDIS_URL:
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "") or "masthead"
        return _redis_store(settings.REDIS_URL, prefix)
    return DatabaseStore()

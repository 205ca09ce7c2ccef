"""Discovery's background work: bringing stories' search entries and Related lists up to date.

With django_tasks_db (production) a change marks its story in `StaleArticle` in its own
transaction and one drain, `refresh_stale_task`, refreshes every stale story until none is left;
with any other backend `refresh_article_task` runs once per story after the commit. Why no
change goes unrefreshed even with writers and workers killed at any point: docs/freshness.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connections
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.base import BaseTaskBackend
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from masthead.discovery.models import StaleArticle
from masthead.discovery.related import refresh_related
from masthead.discovery.search.index import index_article

logger = logging.getLogger(__name__)

# Stale rows read per query by the drain: a second or so of refreshes.
STALE_BATCH = 100
# A burst of wire copy drains in well under a minute, so a successor runnable this much later
# rarely has a live drain to repeat work beside; only a dead worker's stories wait this long.
RESUME_AFTER = dt.timedelta(minutes=5)
# How long the drain pauses when open marking transactions keep it from its last look: about
# one wire item's transaction.
SETTLE_PAUSE = 0.05
# The PostgreSQL advisory lock key marking transactions hold shared and the drain's last look
# takes exclusively: any constant no other code locks will do ("masthead" in ASCII).
BARRIER_LOCK = 0x6D617374_68656164


# PostgreSQL advisory locks (two-key form) on one story's refresh: this namespace, the story.
STORY_LOCK_SPACE = 0x6D617374  # "mast"


class StaleRefreshError(Exception):
    """Some stories could not be refreshed; they stay stale for a later drain."""


def refresh_article(article_id: int) -> None:
    """Re-index one story and recompute its Related list (both remove it when withdrawn).

    Idempotent and reads the story as it is when it runs, so a refresh queued twice, or run
    after a later change, still leaves the index right.
    """
    index_article(article_id)
    refresh_related(article_id)


@task()
def refresh_article_task(article_id: int) -> None:
    refresh_article(article_id)


def queue_is_database() -> bool:
    """Whether tasks are stored as rows in the database (django_tasks_db), so that enqueueing
    inside a transaction commits or rolls back with it.

    Other backends (the immediate one in tests and small setups) would run or send the task at
    once, before the transaction's other writes are done, so those are enqueued on commit.
    """
    backend: BaseTaskBackend = refresh_article_task.get_backend()
    return isinstance(backend, DatabaseBackend)


# Database alias -> the marking statement, built once: `mark_stale` runs for every story the
# newsroom writes, and the ORM has no upsert that bumps a column for one row short of
# compiling a bulk_create (ten times the statement's own cost), nor a way to take the
# PostgreSQL barrier lock in the same round trip.
_MARK_SQL: dict[str, str] = {}


def _mark_sql(connection: Any) -> str:
    sql = _MARK_SQL.get(connection.alias)
    if sql is None:
        quote = connection.ops.quote_name
        table = quote(StaleArticle._meta.db_table)
        key = quote(StaleArticle._meta.get_field("article").column)
        generation = quote(StaleArticle._meta.get_field("generation").column)
        if connection.vendor == "postgresql":
            row = "SELECT %s, %s FROM (SELECT pg_advisory_xact_lock_shared(%s)) AS barrier"
        else:
            row = "VALUES (%s, %s)"
        sql = (
            f"INSERT INTO {table} ({key}, {generation}) {row} ON CONFLICT ({key}) "
            f"DO UPDATE SET {generation} = {table}.{generation} + 1"
        )
        _MARK_SQL[connection.alias] = sql
    return sql


def mark_stale(article_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record that the story changed, in the caller's transaction (one upsert).

    On PostgreSQL the statement also takes the barrier lock, shared, until the transaction
    ends; on SQLite the write itself holds the database's write lock until then. Either way a
    drain's last look waits for this transaction (`_nothing_left`).
    """
    connection = connections[using]
    params = [article_id, secrets.randbits(62)]
    if connection.vendor == "postgresql":
        params.append(BARRIER_LOCK)
    with connection.cursor() as cursor:
        cursor.execute(_mark_sql(connection), params)


def queue_drain(*, run_after: dt.datetime) -> None:
    """Queue one drain, runnable from `run_after` (in the caller's transaction, if any)."""
    refresh_stale_task.using(run_after=run_after).enqueue()


def _nothing_left(skip: list[int], using: str = DEFAULT_DB_ALIAS) -> bool | None:
    """Whether no story (but those in `skip`) is stale, looked at once every open transaction
    that has marked a story has ended, so as to see all they committed; None when that could
    not be had yet (look again shortly, after draining what they committed meanwhile).

    SQLite: a marking transaction holds the write lock from its upsert to its end, and this
    look begins EXCLUSIVE, waiting for that lock (as django_tasks_db's worker does to claim a
    task). PostgreSQL: marking transactions hold the barrier lock shared and this look tries to
    take it exclusively; it does not wait in the lock's queue, where every new marking
    transaction would wait behind it for the longest open one.
    """
    connection = connections[using]
    try:
        with exclusive_transaction(using):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [BARRIER_LOCK])
                    if not cursor.fetchone()[0]:
                        return None
            return not _stale_rows(0, skip, 1)
    except OperationalError as exc:  # SQLite's lock wait ran out (a very long transaction)
        if is_locked_database_exception(exc):
            return None
        raise


def _stale_rows(after: int, skip: list[int], limit: int) -> list[tuple[int, int]]:
    rows = StaleArticle.objects.filter(article_id__gt=after)
    if skip:
        rows = rows.exclude(article_id__in=skip)
    return list(rows.order_by("article_id").values_list("article_id", "generation")[:limit])


def refresh_stale(*, batch_size: int = STALE_BATCH) -> int:
    """Refresh every stale story, lowest id first, until none is left; return how many ran.

    In passes over the table: a story changed during its refresh is refreshed again in the
    next pass, so a busy story cannot hold up the others. A story whose refresh fails is
    logged and left stale for a later drain; the others go on, and the drain fails at the
    end so that the task shows it.
    """
    refreshed = 0
    failed: list[int] = []
    while True:
        after = 0
        found = False
        busy = 0
        while rows := _stale_rows(after, failed, batch_size):
            found = True
            for article_id, generation in rows:
                with _refreshing(article_id) as mine:
                    if not mine:
                        busy += 1  # another worker's drain has it now
                        continue
                    try:
                        _refresh_retrying(article_id)
                    except Exception:
                        logger.exception("Refreshing story %s failed; it stays stale.", article_id)
                        failed.append(article_id)
                        continue
                    # Read before the refresh began: a change committed since has moved it on.
                    StaleArticle.objects.filter(
                        article_id=article_id, generation=generation
                    ).delete()
                refreshed += 1
            after = rows[-1][0]
        if busy:
            time.sleep(SETTLE_PAUSE)  # what is left is in other hands: look again shortly
        if not found:
            settled = _nothing_left(failed)
            if settled:
                break
            if settled is None:
                time.sleep(SETTLE_PAUSE)
    if failed:
        raise StaleRefreshError(f"{len(failed)} stories stay stale: {failed[:20]}")
    return refreshed


# Two drains refreshing neighbours at once write into each other's Related lists (`offer`):
# PostgreSQL may then pick one as a deadlock victim, or see the same pair inserted twice. Both
# are transient, and the refresh is idempotent: try again after a short pause.
REFRESH_ATTEMPTS = 3


def _refresh_retrying(article_id: int) -> None:
    for attempt in range(1, REFRESH_ATTEMPTS + 1):
        try:
            refresh_article(article_id)
            return
        except (OperationalError, IntegrityError):
            if attempt == REFRESH_ATTEMPTS:
                raise
            logger.info("Refreshing story %s collided with another drain; again.", article_id)
            time.sleep(SETTLE_PAUSE * attempt)


@contextmanager
def _refreshing(article_id: int, using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Whether this drain may refresh the story now: on PostgreSQL, drains on several workers
    (one queued by each machine's ingest) take each story in turn under an advisory lock, or
    their delete-and-insert of its search entry and Related rows would collide. SQLite's write
    lock already runs each of those writes alone."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield True
        return
    key = [STORY_LOCK_SPACE, article_id & 0x7FFFFFFF]  # a clash only makes one drain wait
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        mine = bool(cursor.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


@task()
def refresh_stale_task() -> int:
    """The drain, as the worker runs it. The successor is queued before the first refresh, so a
    worker killed mid-drain leaves its stories to it (docs/freshness.md)."""
    if StaleArticle.objects.exists():
        queue_drain(run_after=timezone.now() + RESUME_AFTER)
    return refresh_stale()


def run_pending_refreshes() -> None:
    """Run every queued task now, in this process (the demo loader, a one-off script), for
    setups where no worker is running yet, and drain the stale stories whose drain is not due
    yet. A no-op when tasks are not queued in the database."""
    if not queue_is_database():
        return
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    try:
        refresh_stale()
    except StaleRefreshError as exc:
        # Each failure is logged with its traceback; like the worker's failed tasks, they do
        # not stop the caller (a demo load is still worth finishing).
        logger.warning("%s", exc)

"""Parsing a big wire document in helper processes while this process writes its stories.

feedparser is pure Python and costs a good share of what writing the story it becomes costs
(benchmarks/bench_wire.py), and the database takes one writer at a time
anyway. So a big RSS/Atom document is cut into chunks (`masthead.wire.adapters.rss_atom`), the
chunks are parsed in other processes, and this process writes chunk k while chunk k+1 is being
parsed: the writer stays the only process that touches the database.

Hand-written on `concurrent.futures` because what it adds is small but specific: results in
order as soon as each is ready, a first chunk small enough that writing starts at once, and a
fall-back to parsing here when the pool cannot be used (no spare core, a crashed helper).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from django.conf import settings

logger = logging.getLogger(__name__)

Job = TypeVar("Job")
Result = TypeVar("Result")


def parse_processes() -> int:
    """How many helper processes may parse: `MASTHEAD_WIRE_PARSE_PROCESSES` (0 turns it off),
    by default one per core beyond the writer's own, at most three (the writer, not the
    parsers, is the limit past that)."""
    configured = settings.MASTHEAD_WIRE_PARSE_PROCESSES
    if configured is not None:
        return max(0, int(configured))
    return max(0, min(3, (os.cpu_count() or 1) - 1))


def ordered_map(
    func: Callable[[Job], Result],
    jobs: list[Job],
    *,
    processes: int | None = None,
    start_method: str | None = None,
) -> Iterator[Result]:
    """`func(job)` for each job, yielded in order; computed ahead in helper processes.

    `func` must be a module-level function of a module that imports without Django being set
    up (a fork-server helper imports it afresh), and jobs and results picklable. With no helper
    process to use (none configured, a single job) it runs here, one job at a time, so callers
    need no second code path. `start_method` overrides the choice `_context` makes.
    """
    processes = parse_processes() if processes is None else processes
    if processes < 1 or len(jobs) < 2:
        yield from map(func, jobs)
        return
    pool = ProcessPoolExecutor(
        max_workers=min(processes, len(jobs) - 1),
        mp_context=_context(start_method),
        initializer=_end_with,
        initargs=(os.getpid(),),
    )
    done = 0
    try:
        futures: list[Future[Result]] = [pool.submit(func, job) for job in jobs]
        for future in futures:
            result = future.result()
            done += 1
            yield result
    except BrokenProcessPool:
        # A helper died (out of memory, killed): what it had not handed back is parsed here.
        logger.warning("wire parse helper process died; parsing the rest in this process")
        yield from map(func, jobs[done:])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# How often a helper checks that the writer that started it is still there.
WATCH_INTERVAL = 0.25


def _end_with(writer: int) -> None:
    """Each helper's initializer: end the helper once its writer is gone. A writer killed with
    SIGKILL cannot shut its pool down, and a helper waiting for its next chunk would wait
    forever (it holds the queue's other end itself, so it never reads end-of-file)."""
    parent = os.getppid()  # the writer, or the fork server that forked this helper

    def watch() -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            try:
                os.kill(writer, 0)
            except ProcessLookupError:
                os._exit(0)
            if os.getppid() != parent:  # orphaned: the writer (or its fork server) is gone
                os._exit(0)

    threading.Thread(target=watch, name="masthead-parse-watch", daemon=True).start()


def _context(start_method: str | None = None) -> multiprocessing.context.BaseContext:
    """Fork when this process runs a single thread: the helper starts in milliseconds with the
    parsers already imported. A threaded process (a web worker, a test run with a live server)
    uses a fork server instead, since forking copies other threads' locks in whatever state
    they were; the child only parses, and never touches the parent's database connections
    (`os._exit` ends it without closing them)."""
    if start_method is None:
        start_method = "fork" if threading.active_count() == 1 else "forkserver"
    if start_method != "forkserver":
        return multiprocessing.get_context(start_method)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["masthead.wire.adapters.rss_atom"])
    return context

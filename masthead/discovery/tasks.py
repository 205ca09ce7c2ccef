"""Discovery's background work: bringing one story's search entry and Related list up to date.

Enqueued by `masthead.discovery.receivers` inside the transaction that changed the story, and run
by the worker (`masthead db_worker`) after it commits; see that module for why.
"""

from __future__ import annotations

from django_tasks import task
from django_tasks.backends.base import BaseTaskBackend


def refresh_article(article_id: int) -> None:
    """Re-index one story and recompute its Related list (both remove it when withdrawn).

    Idempotent and reads the story as it is when it runs, so a refresh queued twice, or run
    after a later change, still leaves the index right.
    """
    from masthead.discovery.related import refresh_related
    from masthead.discovery.search.index import index_article

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
    from django_tasks_db.backend import DatabaseBackend

    backend: BaseTaskBackend = refresh_article_task.get_backend()
    return isinstance(backend, DatabaseBackend)


def run_pending_refreshes() -> None:
    """Run every queued task now, in this process (the demo loader, a one-off script), for
    setups where no worker is running yet. A no-op when tasks are not queued in the database."""
    if not queue_is_database():
        return
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

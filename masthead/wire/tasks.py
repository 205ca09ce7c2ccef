"""Background work for the wire desk, run by the django-tasks worker."""

from __future__ import annotations

from django_tasks import task

from masthead.wire import ingest
from masthead.wire.models import Feed


@task()
def poll_feed(feed_id: int) -> str:
    """Poll one feed once; returns the run's summary line (kept with the task result)."""
    feed = Feed.objects.get(pk=feed_id)
    summary = ingest.poll_if_free(feed)
    return summary.line() if summary is not None else "polled by another worker"


def enqueue_due_feeds() -> int:
    """Queue a poll for every enabled feed that is due; returns how many were queued."""
    due = [feed for feed in Feed.objects.filter(enabled=True) if feed.is_due()]
    for feed in due:
        poll_feed.enqueue(feed.pk)
    return len(due)

"""Background work for the wire desk, run by the django-tasks worker."""

from __future__ import annotations

from django_tasks import task

from masthead.wire.models import Feed


@task()
def poll_feed(feed_id: int) -> str:
    """Poll one feed once; returns the run's summary line (kept with the task result)."""
    # At run time: the task module is imported with the worker's settings, before the
    # ingest's adapters need loading (fetch pulls in the whole ingest).
    from masthead.wire.fetch import poll_feed as poll

    feed = Feed.objects.get(pk=feed_id)
    return poll(feed).line()


def enqueue_due_feeds() -> int:
    """Queue a poll for every enabled feed that is due; returns how many were queued."""
    due = [feed for feed in Feed.objects.filter(enabled=True) if feed.is_due()]
    for feed in due:
        poll_feed.enqueue(feed.pk)
    return len(due)

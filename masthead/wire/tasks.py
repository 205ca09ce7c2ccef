"""Background work for the wire desk, run by the django-tasks worker."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from masthead.wire import ingest, pictures
from masthead.wire.items import PictureRef
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


@task()
def fetch_wire_picture(
    article_id: int, ref: dict[str, Any], position: int, feed_id: int, file: str
) -> str:
    """Fetch one remote wire picture for a committed story (`masthead.wire.pictures`)."""
    return pictures.fetch_and_attach(
        article_id, PictureRef(**ref), position=position, feed_id=feed_id, file=file
    )


@task()
def fetch_wire_picture_item(ref: dict[str, Any], source_id: int, feed_id: int, file: str) -> str:
    """Fetch one remote picture item delivered on its own (`masthead.wire.pictures`)."""
    return pictures.fetch_item(PictureRef(**ref), source_id=source_id, feed_id=feed_id, file=file)

"""Background work for newsletters, run by the django-tasks worker (`masthead db_worker`)."""

from __future__ import annotations

from django_tasks import task

from masthead.newsletters import sending


@task()
def deliver_edition(edition_id: int) -> str:
    """Send what is left of an edition (several workers may share one: see sending.py)."""
    report = sending.deliver(edition_id)
    return f"{report.sent} sent, {report.failed} failed, {report.skipped} skipped"

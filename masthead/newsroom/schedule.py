"""The newsroom's clock: scheduled stories go live, scheduled take-downs happen and pins on
the fronts end, on time with nobody present.

The wire poller's loop (`masthead wire poll --watch`, which `masthead serve` starts beside
the web server) calls `run_due` every pass, a few seconds apart; `masthead story due` runs it
once (for cron, or a test). Several clocks on several machines are safe: each step locks the
story's row and re-checks its status, so a story is published once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.utils import timezone

from masthead.newsroom.actions import (
    ActionError,
    Actor,
    PublishArticleAction,
    UnpublishArticleAction,
)
from masthead.newsroom.actions.fronts import drop_expired
from masthead.newsroom.models import Article

log = logging.getLogger(__name__)
CLOCK = Actor.system("scheduler")


@dataclass
class Due:
    published: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    pins_ended: int = 0


def run_due(now: dt.datetime | None = None) -> Due:
    """Publish every scheduled story whose time has come and unpublish every story whose
    take-down time has; returns the slugs, for the log."""
    now = now or timezone.now()
    done = Due()
    due = Article.objects.filter(status=Article.Status.SCHEDULED, published_at__lte=now)
    for article in due.order_by("published_at"):
        step = PublishArticleAction(article=article, actor=CLOCK, at=article.published_at)
        step.expect = Article.Status.SCHEDULED
        try:
            step.execute()
        except ActionError as exc:  # published or changed by someone else meanwhile
            log.info("scheduled publish of %s skipped: %s", article.slug, exc)
            continue
        done.published.append(article.slug)
    ending = Article.objects.filter(status=Article.Status.PUBLISHED, unpublish_at__lte=now)
    for article in ending.order_by("unpublish_at"):
        ending_step = UnpublishArticleAction(article=article, actor=CLOCK, note="scheduled")
        ending_step.expect = Article.Status.PUBLISHED
        try:
            ending_step.execute()
        except ActionError as exc:
            log.info("scheduled unpublish of %s skipped: %s", article.slug, exc)
            continue
        done.unpublished.append(article.slug)
    done.pins_ended = drop_expired(now)
    return done

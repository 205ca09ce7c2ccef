"""What leads a front: an editor pins stories to the home page or a section's front, in
order, optionally until a time (`FrontPin`). Pinning is an editor's decision (publish_article),
made from the back office, the command line or the wire desk through these functions.

Slots are kept as 1..n on each front with no gaps (each change renumbers the front's pins
under a lock), so "slot 1" always means the lead.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from masthead.newsroom.actions.base import PUBLISH, ActionError, require
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, FrontPin, Section


def front_name(section: Section | None) -> str:
    return section.name if section is not None else "Home"


def _locked_pins(section: Section | None) -> list[FrontPin]:
    return list(FrontPin.objects.on(section).select_for_update().order_by("slot", "pinned_at"))


def _renumber(pins: list[FrontPin]) -> None:
    for slot, pin in enumerate(pins, start=1):
        if pin.slot != slot or pin.pk is None:
            pin.slot = slot
            pin.save()


@transaction.atomic
def pin(
    *,
    article: Article,
    actor: Actor,
    section: Section | None = None,
    slot: int | None = None,
    until: dt.datetime | None = None,
) -> FrontPin:
    """Pin `article` at `slot` (1 is the lead; None: after the pins already there), moving
    the pins from that slot down by one; pinning a story already on the front moves it."""
    require(actor, PUBLISH, article)
    if article.status not in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        raise ActionError(f"a story that is {article.status_label.lower()} cannot lead a front")
    if until is not None and until <= timezone.now():
        raise ActionError("the pin's end time has already passed")
    if slot is not None and slot < 1:
        raise ActionError("slots count from 1 (the lead)")
    pins = [p for p in _locked_pins(section) if p.article_id != article.pk]
    mine = FrontPin.objects.on(section).filter(article=article).first() or FrontPin(
        section=section, article=article, slot=0
    )
    mine.until, mine.pinned_by, mine.actor = until, actor.user, actor.label
    mine.pinned_at = timezone.now()
    where = len(pins) if slot is None else min(slot - 1, len(pins))
    pins.insert(where, mine)
    _renumber(pins)
    return mine


@transaction.atomic
def unpin(*, article: Article, actor: Actor, section: Section | None = None) -> bool:
    """Take `article` off the front's pins (it may still appear there by date); whether it
    was pinned."""
    require(actor, PUBLISH, article)
    pins = _locked_pins(section)
    gone = [p for p in pins if p.article_id == article.pk]
    for p in gone:
        p.delete()
    _renumber([p for p in pins if p.article_id != article.pk])
    return bool(gone)


@transaction.atomic
def reorder(*, section: Section | None, article_ids: list[int], actor: Actor) -> list[FrontPin]:
    """The front's pins in the order given (the back office's drag and drop); a pinned story
    missing from the list keeps its place after the ones given."""
    require(actor, PUBLISH)
    pins = _locked_pins(section)
    by_article = {p.article_id: p for p in pins}
    unknown = [pk for pk in article_ids if pk not in by_article]
    if unknown:
        raise ActionError(f"not pinned on {front_name(section)}: {unknown}")
    ordered = [by_article[pk] for pk in dict.fromkeys(article_ids)]
    ordered += [p for p in pins if p.article_id not in set(article_ids)]
    _renumber(ordered)
    return ordered


def drop_expired(now: dt.datetime | None = None) -> int:
    """Remove pins past their time (the worker's clock): their fronts are purged by the
    deletes, so a front changes on the minute even where a cache holds it."""
    expired = FrontPin.objects.filter(until__lte=now or timezone.now())
    count = 0
    for p in expired:  # one by one: each delete purges its front (edge receivers)
        p.delete()
        count += 1
    return count

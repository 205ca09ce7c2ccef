"""Who is editing a story now: one `EditLock` per story, held by the editor whose form is
open and renewed by that page every `MASTHEAD_EDIT_LOCK_RENEW_SECONDS`; it lapses
`MASTHEAD_EDIT_LOCK_SECONDS` after the last renewal (a closed tab frees the story by itself).

A lock tells, it does not forbid: a second editor sees who holds the story and may take it
over. What makes sure no edit is lost is the save itself (`EditArticleAction` refuses a save
from a form opened before the last save); the admin also refuses a save from an editor whose
lock was taken over, so the one who took it knows their version is the one that counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.newsroom.models import Article, EditLock


def _lapse() -> dt.timedelta:
    return dt.timedelta(seconds=settings.MASTHEAD_EDIT_LOCK_SECONDS)


def holder(article: Article, now: dt.datetime | None = None) -> EditLock | None:
    """The live lock on the story (with its user), or None."""
    now = now or timezone.now()
    lock = EditLock.objects.select_related("user").filter(article=article.pk).first()
    if lock is None or lock.seen_at < now - _lapse():
        return None
    return lock


def acquire(article: Article, user: Any, *, take_over: bool = False) -> EditLock:
    """Hold the story for `user` if it is free (or theirs, or `take_over`); returns the live
    lock, which is someone else's when they hold it and `take_over` is not set."""
    now = timezone.now()
    with transaction.atomic():
        lock = EditLock.objects.select_for_update().filter(article=article.pk).first()
        if lock is None:
            try:
                with transaction.atomic():
                    return EditLock.objects.create(
                        article=article, user=user, acquired_at=now, seen_at=now
                    )
            except IntegrityError:  # another editor's page opened it this instant
                lock = EditLock.objects.select_for_update().get(article=article.pk)
        live = lock.seen_at >= now - _lapse()
        if lock.user_id == user.pk:
            lock.seen_at = now
        elif live and not take_over:
            return lock
        else:
            lock.user, lock.acquired_at, lock.seen_at = user, now, now
        lock.save()
        return lock


def renew(article: Article, user: Any) -> EditLock | None:
    """The open page's heartbeat: keeps `user`'s lock; returns the live lock (someone else's
    when it was taken over, None when it lapsed and nobody holds it)."""
    now = timezone.now()
    if EditLock.objects.filter(article=article.pk, user=user).update(seen_at=now):
        return EditLock.objects.select_related("user").get(article=article.pk)
    return holder(article, now)


def release(article: Article, user: Any) -> None:
    EditLock.objects.filter(article=article.pk, user=user).delete()


def held_by_other(article: Article, user: Any) -> EditLock | None:
    """Someone else's live lock, when they hold the story."""
    lock = holder(article)
    return lock if lock is not None and lock.user_id != user.pk else None

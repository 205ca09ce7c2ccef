"""Writes that span models or have side effects: accounts and the meter's history."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.accounts import meter_store
from masthead.accounts.models import MeterRead, User


def normalize_email(address: str) -> str:
    # The whole address is lower-cased, not only the domain as Django does: readers type their
    # address in whatever case, and two accounts differing only by case would be a support call.
    return address.strip().lower()


@transaction.atomic
def register_reader(
    *, email: str, password: str, display_name: str = "", visitor_key: str = ""
) -> User:
    """Create a reader account and give it the anonymous visitor's reading history.

    The username is internal (readers sign in by email); a random one keeps the email free to
    change without renaming the account.
    """
    user = User(
        username=f"reader-{uuid.uuid4().hex[:20]}",
        email=normalize_email(email),
        display_name=display_name.strip(),
    )
    user.set_password(password)
    user.save()
    if visitor_key:
        merge_visitor_history(user=user, visitor_key=visitor_key)
    return user


@transaction.atomic
def merge_visitor_history(*, user: User, visitor_key: str) -> int:
    """Copy an anonymous visitor's reads into the account; returns how many were added.

    Copied, not moved: the visitor's own rows stay, so signing out on this device does not hand
    out a fresh allowance. Where both have read a story the earlier first read is kept.
    """
    if not visitor_key:
        return 0
    mine = dict(
        MeterRead.objects.select_for_update()
        .for_user(user)
        .values_list("article_id", "first_read_at")
    )
    added: list[MeterRead] = []
    window = dt.timedelta(days=settings.MASTHEAD_METER_WINDOW_DAYS)
    theirs = meter_store.get_store().histories([visitor_key], since=timezone.now() - window)
    for article_id, first_read_at in theirs[visitor_key].items():
        if article_id not in mine:
            added.append(MeterRead(user=user, article_id=article_id, first_read_at=first_read_at))
        elif first_read_at < mine[article_id]:
            MeterRead.objects.filter(user=user, article_id=article_id).update(
                first_read_at=first_read_at
            )
    # ignore_conflicts: a sign-in racing a page view on another tab may have written a row.
    MeterRead.objects.bulk_create(added, ignore_conflicts=True)
    return len(added)


def record_account_read(
    *, user_id: int, article_id: int, now: dt.datetime, window: dt.timedelta
) -> None:
    """Note that a story was granted to an account (anonymous reads go to `meter_store`).

    Two queries: insert, ignoring a row that exists (a re-read, or two tabs racing), then
    restart a row older than the window, so the story counts again as a rolling window wants.
    """
    MeterRead.objects.bulk_create(
        [MeterRead(user_id=user_id, article_id=article_id, first_read_at=now)],
        ignore_conflicts=True,
    )
    MeterRead.objects.filter(user_id=user_id, article_id=article_id).filter(
        first_read_at__lte=now - window
    ).update(first_read_at=now)


def prune_meter(*, window_days: int, now: dt.datetime | None = None) -> int:
    """Delete anonymous reads older than the window: they no longer count for anything."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=window_days)
    deleted, _ = MeterRead.objects.filter(user__isnull=True, first_read_at__lte=cutoff).delete()
    return deleted


@transaction.atomic
def change_email(*, user: User, email: str) -> User:
    user.email = normalize_email(email)
    user.email_verified = False
    user.save(update_fields=["email", "email_verified"])
    return user


def mark_email_verified(*, user: User, email: str) -> bool:
    """Verify `email` for `user` if it is still the account's address (it may have changed)."""
    updated = User.objects.filter(pk=user.pk, email=normalize_email(email)).update(
        email_verified=True
    )
    return bool(updated)


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the account and everything kept about the reader (the meter rows cascade)."""
    MeterRead.objects.filter(user=user).delete()
    user.delete()

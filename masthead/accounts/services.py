"""Writes that span models or have side effects: accounts and the meter's history."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from masthead.accounts import meter_store, signals
from masthead.accounts.models import MeterRead, PendingSignUp, User


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
@dataclass(frozen=True)
class SignUpStarted:
    """What `start_sign_up` did: a link to send (`token`), or an existing account to tell."""

    email: str
    token: str = ""
    account_exists: bool = False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_sign_up(
    *,
    email: str,
    password: str,
    display_name: str = "",
    visitor_key: str = "",
    next_url: str = "",
    consents: list[str] | None = None,
) -> SignUpStarted:
    """Keep a sign-up until its link is opened (`PendingSignUp`), or note that the address
    already has an account. The password is hashed either way, so both take the same time."""
    email = normalize_email(email)
    hashed = make_password(password)
    now = timezone.now()
    max_age = dt.timedelta(seconds=settings.MASTHEAD_EMAIL_VERIFICATION_MAX_AGE)
    PendingSignUp.objects.filter(created_at__lt=now - max_age).delete()
    if User.objects.filter(email__iexact=email).exists():
        return SignUpStarted(email=email, account_exists=True)
    token = secrets.token_urlsafe(32)
    PendingSignUp.objects.create(
        token_hash=_token_hash(token),
        email=email,
        password=hashed,
        display_name=display_name.strip(),
        visitor_key=visitor_key,
        next_url=next_url,
        consents=list(consents or []),
        created_at=now,
    )
    return SignUpStarted(email=email, token=token)


def pending_sign_up(token: str) -> PendingSignUp | None:
    """The unexpired sign-up a link's token names, or None."""
    max_age = dt.timedelta(seconds=settings.MASTHEAD_EMAIL_VERIFICATION_MAX_AGE)
    return PendingSignUp.objects.filter(
        token_hash=_token_hash(token), created_at__gte=timezone.now() - max_age
    ).first()


@transaction.atomic
def complete_sign_up(*, token: str, visitor_key: str = "") -> tuple[User | None, str]:
    """Create the account a sign-up link names (its address now proven), with the reading
    history of the visitor who signed up and of the one who opened the link.

    Returns (the new user, the `next` it asked for), or (None, "") for a link that is unknown,
    used or expired, or whose address got an account meanwhile (the reader should sign in).
    """
    pending = pending_sign_up(token)
    if pending is None:
        return None, ""
    # Every pending sign-up of the address ends here: one of them made the account.
    PendingSignUp.objects.filter(email=pending.email).delete()
    if User.objects.filter(email__iexact=pending.email).exists():
        return None, ""
    user = User(
        username=f"reader-{uuid.uuid4().hex[:20]}",
        email=pending.email,
        display_name=pending.display_name,
        password=pending.password,
        email_verified=True,
    )
    user.save()
    for key in dict.fromkeys(k for k in (pending.visitor_key, visitor_key) if k):
        merge_visitor_history(user=user, visitor_key=key)
    consents = [str(c) for c in pending.consents or []]
    transaction.on_commit(
        lambda: signals.reader_signed_up.send(sender=User, user=user, consents=consents)
    )
    return user, pending.next_url


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

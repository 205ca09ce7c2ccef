"""Reader accounts. A custom User from the first migration, so that it can grow safely."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    # Unique, so also nullable: accounts without an address store NULL, which never collides,
    # where "" would. Django allows overriding an abstract parent's field; the stubs type
    # AbstractUser's as never None, hence the ignore.
    email = models.EmailField(  # type: ignore[assignment]
        "email address", unique=True, null=True, blank=True
    )
    display_name = models.CharField(max_length=150, blank=True)
    is_subscriber = models.BooleanField(
        default=False, help_text="Set by staff: may read subscriber-level stories."
    )
    email_verified = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.display_name or self.email or self.username


class MeterReadQuerySet(models.QuerySet["MeterRead"]):
    def for_visitor(self, key: str) -> MeterReadQuerySet:
        return self.filter(visitor_key=key, user__isnull=True)

    def for_user(self, user: User) -> MeterReadQuerySet:
        return self.filter(user=user)

    def for_user_id(self, user_id: int) -> MeterReadQuerySet:
        return self.filter(user_id=user_id)

    def since(self, when: dt.datetime) -> MeterReadQuerySet:
        return self.filter(first_read_at__gt=when)


class MeterRead(models.Model):
    """One story granted to one reader: the meter's server-side history.

    A row belongs either to an account (`user`; deleting the account deletes its rows) or, on a
    paper without Redis, to an anonymous meter key (`visitor_key`: "c:" + the signed cookie's
    id, or "a:" + a keyed hash of the client's address; see `meter_store`). Keeping the history
    on the server, per cookie and per address, is what makes the meter hold when the reader
    clears or edits cookies.
    """

    visitor_key = models.CharField(max_length=80, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="meter_reads"
    )
    article = models.ForeignKey(
        "newsroom.Article", on_delete=models.CASCADE, related_name="meter_reads"
    )
    first_read_at = models.DateTimeField()

    objects = MeterReadQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visitor_key", "article"],
                condition=Q(user__isnull=True),
                name="meterread_unique_visitor_article",
            ),
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(user__isnull=False),
                name="meterread_unique_user_article",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(visitor_key=""),
                name="meterread_has_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["visitor_key", "first_read_at"], name="meterread_visitor_time"),
            models.Index(fields=["user", "first_read_at"], name="meterread_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.visitor_key} read {self.article_id}"


# The longest `next` a pending sign-up keeps. Our own links are far shorter; Django's redirect
# check takes up to 2,048 characters, so views must refuse what this column cannot hold
# (PostgreSQL rejects the row with an error where SQLite would keep it).
NEXT_URL_MAX_LENGTH = 2000


class PendingSignUp(models.Model):
    """A sign-up waiting for its reader to open the link we emailed.

    The account is created only when the link is used: that proves the mailbox, and lets
    sign-up answer the same whether or not the address already has an account (an existing
    owner is emailed instead), so the form tells no one who reads the paper. Each request is
    its own row, so a stranger's sign-up with your address cannot set the password of yours.
    Only a hash of the link's token is kept.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254)
    password = models.CharField(max_length=128)  # hashed, as User.password
    display_name = models.CharField(max_length=150, blank=True)
    visitor_key = models.CharField(max_length=80, blank=True)
    next_url = models.CharField(max_length=NEXT_URL_MAX_LENGTH, blank=True)
    # What the reader ticked on the form (`signals.signup_consents` keys), acted on when the
    # link makes the account (`signals.reader_signed_up`).
    consents = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"sign-up of {self.email} at {self.created_at:%Y-%m-%d %H:%M}"

"""Newsletters as data: the lists, who is on them, each edition and each copy of it sent.

Sending is `sending.py`; the writes that span these models are `services.py`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from masthead.newsroom.models import Article, Section


class Newsletter(models.Model):
    class Kind(models.TextChoices):
        DIGEST = "digest", "Digest of the front"
        BREAKING = "breaking", "Breaking news alerts"
        CUSTOM = "custom", "Custom (editions written by editors)"

    class Cadence(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        ON_DEMAND = "on_demand", "On demand (an editor sends each edition)"

    WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday")]
    WEEKDAYS += [(4, "Friday"), (5, "Saturday"), (6, "Sunday")]

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DIGEST)
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.ON_DEMAND)
    send_time = models.TimeField(
        default=dt.time(6, 30), help_text="In the paper's time zone (daily and weekly lists)."
    )
    weekday = models.PositiveSmallIntegerField(
        choices=WEEKDAYS, null=True, blank=True, help_text="Weekly lists: the day it goes out."
    )
    stories = models.PositiveSmallIntegerField(
        default=8, help_text="Stories from the home front in a digest (the first leads)."
    )
    per_section = models.PositiveSmallIntegerField(
        default=3, help_text="Stories from each section a reader follows."
    )
    is_public = models.BooleanField(
        default=True, help_text="Offered on the subscribe page, with a public archive."
    )
    offer_at_signup = models.BooleanField(
        default=True, help_text="Offered (unticked) on the account sign-up form."
    )
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsletters:archive", args=[self.slug])

    @property
    def schedule_label(self) -> str:
        if self.cadence == self.Cadence.ON_DEMAND:
            return "when news breaks" if self.kind == self.Kind.BREAKING else "now and then"
        at = self.send_time.strftime("%-I:%M %p").lower()
        if self.cadence == self.Cadence.DAILY:
            return f"every morning at {at}" if self.send_time.hour < 12 else f"daily at {at}"
        day = dict(self.WEEKDAYS).get(self.weekday if self.weekday is not None else 0, "Monday")
        return f"every {day} at {at}"

    def last_slot(self, now: dt.datetime) -> dt.datetime | None:
        """The latest scheduled time at or before `now` (aware), or None for on-demand lists."""
        if self.cadence == self.Cadence.ON_DEMAND:
            return None
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        local = now.astimezone(zone)
        for back in range(8):
            day = local.date() - dt.timedelta(days=back)
            if self.cadence == self.Cadence.WEEKLY and day.weekday() != (self.weekday or 0):
                continue
            slot = dt.datetime.combine(day, self.send_time, tzinfo=zone)
            if slot <= local:
                return slot
        return None


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def active(self) -> SubscriptionQuerySet:
        """Confirmed and not unsubscribed: who gets the next edition."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def of_address(self, email: str) -> SubscriptionQuerySet:
        return self.filter(email__iexact=email.strip())


class Subscription(models.Model):
    """One address on one list. Kept after unsubscribing (with the time), so a bounce or an
    unsubscribe is remembered and an import does not put the address back unasked."""

    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="newsletter_subscriptions",
    )
    sections = models.ManyToManyField(
        Section, blank=True, related_name="+", help_text="Sections followed (digests)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_reason = models.CharField(max_length=40, blank=True)
    # Consent: where and when it was given, and a keyed hash of the client address block
    # (never the address itself), enough to answer "did this come from one script?".
    consent_source = models.CharField(max_length=200)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_address_hash = models.CharField(max_length=40, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "email"], name="subscription_one_per_address"
            )
        ]
        indexes = [models.Index(fields=["email"], name="subscription_email")]

    def __str__(self) -> str:
        return f"{self.email} on {self.newsletter}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Edition(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="editions")
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="A line or two above the stories (optional).")
    # The stories, fixed when the edition is built (`digest.snapshot`): {"lead": id, "top":
    # [ids], "sections": {section id: [ids]}}. A preview, the test, every copy and the web
    # version show the same edition however the front moves meanwhile.
    content = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Moved by the worker sending it before each batch: an edition whose heartbeat is older
    # than a claim is being sent by nobody, and the schedule's pass resumes it.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Made by the schedule (one per list per slot, whatever number of workers look).
    automatic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "scheduled_for"],
                condition=Q(automatic=True),
                name="edition_one_per_slot",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletters:edition", args=[self.newsletter.slug, self.pk])

    def story_ids(self) -> list[int]:
        content = self.content or {}
        ids = [content["lead"]] if content.get("lead") else []
        ids += list(content.get("top", []))
        for more in (content.get("sections") or {}).values():
            ids += list(more)
        return list(dict.fromkeys(int(i) for i in ids))


class Delivery(models.Model):
    """One copy of an edition for one subscription. The row exists before anything is sent,
    so a send's progress and its restart are both read off these rows (`sending.py`)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed by a worker"
        SENDING = "sending", "Handed to the mail server"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed meanwhile)"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscription"], name="delivery_one_per_subscription"
            )
        ]
        indexes = [models.Index(fields=["edition", "state"], name="delivery_edition_state")]

    def __str__(self) -> str:
        return f"{self.edition_id}/{self.subscription_id}: {self.state}"


class BreakingAlert(models.Model):
    """A story an editor marked as breaking: one alert per story, ever."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="+")
    edition = models.OneToOneField(
        Edition, null=True, blank=True, on_delete=models.SET_NULL, related_name="alert"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Breaking: {self.article}"

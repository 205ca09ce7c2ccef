"""Sending an edition: every reader one copy, at the configured rate, across crashes.

Each copy is a `Delivery` row, made for every active subscription when the edition starts
(`services.start_sending`). A worker claims a batch of pending rows in one transaction
(`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers never claim the same rows;
SQLite's write lock serialises the claims), then for each row:

    claimed  --(mark before handing it over)-->  sending  --(server accepted)-->  sent

A worker killed at any point leaves its batch `claimed` (never handed over: another worker
takes them once the claim expires, MASTHEAD_NEWSLETTER_CLAIM_SECONDS) and at most one row
`sending`: the copy in the mail server's hands when the worker died. Whether the server
accepted it cannot be known, so that row is **not** sent again: it is marked failed
("interrupted"), shown in the edition's progress, and an editor may resend the failed copies.
So the guarantee is exactly once for every copy except the one in flight at a crash, which is
at most once: a reader may miss one digest, never get two. A worker killed between copies (the
common case: most of a send's time is the pause that keeps the rate) loses nothing.

The rate is kept per batch: a batch is sent as fast as the server takes it, then the worker
waits out the rest of `batch size / rate` seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from masthead.newsletters import messages
from masthead.newsletters.digest import EditionRenderer
from masthead.newsletters.models import Delivery, Edition

logger = logging.getLogger(__name__)

UNFINISHED = [Delivery.State.PENDING, Delivery.State.CLAIMED, Delivery.State.SENDING]
INTERRUPTED = "interrupted while handed to the mail server; not resent (it may have arrived)"
# Refusals of one message (this address, this content): the copy fails, the send goes on. Any
# other error (the server gone, a provider's outage) stops the run with the copy still pending.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, AnymailRecipientsRefused)


class ServerUnavailable(Exception):
    """The mail server could not take messages; the edition stays sending, to be resumed."""


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    batches: int = 0


def _expired() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.MASTHEAD_NEWSLETTER_CLAIM_SECONDS)


def give_up_interrupted(edition: Edition) -> int:
    """Copies a dead worker had handed to the server: failed, never resent (at most once)."""
    return Delivery.objects.filter(
        edition=edition, state=Delivery.State.SENDING, claimed_at__lt=_expired()
    ).update(state=Delivery.State.FAILED, error=INTERRUPTED)


def claim_batch(edition: Edition, claim: str, size: int) -> list[Delivery]:
    now = timezone.now()
    with transaction.atomic():
        rows = Delivery.objects.filter(edition=edition).filter(
            Q(state=Delivery.State.PENDING)
            | Q(state=Delivery.State.CLAIMED, claimed_at__lt=_expired())
        )
        if connection.features.has_select_for_update_skip_locked:
            # Two workers on one edition (two machines, or a restart beside a slow one) take
            # different rows instead of waiting for each other's.
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.order_by("pk").values_list("pk", flat=True)[:size])
        Delivery.objects.filter(pk__in=ids).update(
            state=Delivery.State.CLAIMED, claim=claim, claimed_at=now
        )
    return list(
        Delivery.objects.filter(pk__in=ids, claim=claim, state=Delivery.State.CLAIMED)
        .select_related("subscription")
        .prefetch_related("subscription__sections")
        .order_by("pk")
    )


def _mark(delivery: Delivery, claim: str, state: str, **fields: object) -> bool:
    """Move one of our rows on; False if it is no longer ours (our claim expired and another
    worker took it)."""
    current = Delivery.State.CLAIMED if state == Delivery.State.SENDING else Delivery.State.SENDING
    return bool(
        Delivery.objects.filter(pk=delivery.pk, claim=claim, state=current).update(
            state=state, **fields
        )
    )


def send_batch(
    batch: list[Delivery], renderer: EditionRenderer, claim: str, report: Report
) -> None:
    newsletter = renderer.edition.newsletter
    mail = get_connection()
    try:
        mail.open()
        for index, delivery in enumerate(batch):
            subscription = delivery.subscription
            if not subscription.is_active:
                Delivery.objects.filter(
                    pk=delivery.pk, claim=claim, state=Delivery.State.CLAIMED
                ).update(state=Delivery.State.SKIPPED, error="unsubscribed before sending")
                report.skipped += 1
                continue
            copy = renderer.copy_for(subscription)
            message = messages.build(
                copy, newsletter=newsletter, to=subscription.email, subscription=subscription
            )
            if not _mark(delivery, claim, Delivery.State.SENDING, claimed_at=timezone.now()):
                continue
            try:
                accepted = mail.send_messages([message])
            except REFUSED as error:
                _mark(delivery, claim, Delivery.State.FAILED, error=type(error).__name__)
                report.failed += 1
                continue
            except Exception as error:  # noqa: BLE001 - any other failure is the server's
                # Not handed over: this copy and the rest of the batch go back to pending.
                Delivery.objects.filter(pk__in=[d.pk for d in batch[index:]], claim=claim).exclude(
                    state__in=[Delivery.State.SENT, Delivery.State.FAILED]
                ).update(state=Delivery.State.PENDING, claim="", error=type(error).__name__[:300])
                raise ServerUnavailable(type(error).__name__) from error
            if accepted:
                _mark(delivery, claim, Delivery.State.SENT, sent_at=timezone.now(), error="")
                report.sent += 1
            else:
                _mark(delivery, claim, Delivery.State.FAILED, error="not accepted")
                report.failed += 1
    finally:
        mail.close()


def deliver(
    edition_id: int,
    *,
    on_batch: Callable[[Report], None] | None = None,
    wait_for_others: bool = True,
) -> Report:
    """Send what is left of an edition; returns when nothing is left (or it was cancelled).

    Rows another worker holds are left to it; with `wait_for_others` this run waits for them to
    finish or their claim to expire (then takes them), so that it ends with the edition sent.
    """
    report = Report()
    claim = secrets.token_hex(16)
    size = max(1, settings.MASTHEAD_NEWSLETTER_BATCH_SIZE)
    rate = settings.MASTHEAD_NEWSLETTER_RATE
    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    renderer = EditionRenderer(edition)
    while True:
        state = Edition.objects.filter(pk=edition_id).values_list("state", flat=True).first()
        if state != Edition.State.SENDING:
            break
        give_up_interrupted(edition)
        Edition.objects.filter(pk=edition_id).update(heartbeat_at=timezone.now())
        started = time.monotonic()
        batch = claim_batch(edition, claim, size)
        if not batch:
            if (
                wait_for_others
                and Delivery.objects.filter(edition=edition, state__in=UNFINISHED).exists()
            ):
                time.sleep(min(1.0, settings.MASTHEAD_NEWSLETTER_CLAIM_SECONDS / 4))
                continue
            finish(edition)
            break
        send_batch(batch, renderer, claim, report)
        report.batches += 1
        logger.info(
            "edition %s: batch %s done (%s sent, %s failed in this run)",
            edition_id,
            report.batches,
            report.sent,
            report.failed,
        )
        if on_batch is not None:
            on_batch(report)
        if rate > 0:
            pause = len(batch) / rate - (time.monotonic() - started)
            if pause > 0:
                time.sleep(pause)
    return report


def finish(edition: Edition) -> bool:
    """Mark the edition sent once no copy is left to send."""
    if Delivery.objects.filter(edition=edition, state__in=UNFINISHED).exists():
        return False
    return bool(
        Edition.objects.filter(pk=edition.pk, state=Edition.State.SENDING).update(
            state=Edition.State.SENT, sent_at=timezone.now()
        )
    )


def progress(edition: Edition) -> dict[str, int]:
    counts = {state: 0 for state in Delivery.State.values}
    for row in Delivery.objects.filter(edition=edition).values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    total = sum(counts.values())
    return {
        "total": total,
        "sent": counts[Delivery.State.SENT],
        "failed": counts[Delivery.State.FAILED],
        "skipped": counts[Delivery.State.SKIPPED],
        "remaining": counts[Delivery.State.PENDING]
        + counts[Delivery.State.CLAIMED]
        + counts[Delivery.State.SENDING],
    }

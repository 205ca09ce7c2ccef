"""Writes that span the newsletters' models or have side effects (mail, tasks).

Each takes who acts (`by`, None for the reader or the system) where an editor may act, and is
called alike by the admin, the `newsletter` command, the views and the tasks.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from masthead.accounts.models import User
from masthead.lib.net import address_block, client_address
from masthead.newsletters import digest, messages, tokens
from masthead.newsletters.models import BreakingAlert, Delivery, Edition, Newsletter, Subscription
from masthead.newsroom.models import Article, Section

logger = logging.getLogger(__name__)


def normalize_email(address: str) -> str:
    # As accounts does: the whole address lower-cased, so one reader is one row per list.
    return address.strip().lower()


def address_hash(request: HttpRequest | None) -> str:
    """A keyed hash of the requester's address block: evidence of where consent came from,
    without keeping the address (as the meter keys addresses)."""
    if request is None:
        return ""
    raw = client_address(request)
    if not raw:
        return ""
    return salted_hmac("masthead.newsletters.consent", address_block(raw)).hexdigest()[:40]


def require_editor(by: User | None) -> None:
    """Sending to readers is an editor's act (the newsroom's `publish_article`)."""
    if by is not None and not by.has_perm("newsroom.publish_article"):
        raise PermissionDenied("Only editors may send or schedule newsletters.")


# -- Subscriptions -------------------------------------------------------------------------------


@transaction.atomic
def subscribe(
    *,
    email: str,
    newsletters: Iterable[Newsletter],
    source: str,
    confirmed: bool = True,
    consent_hash: str = "",
    user: User | None = None,
) -> list[Subscription]:
    """Put an address on lists with the consent given (`source`: where, e.g. "sign-up form").

    An address with an account is matched to it. An unsubscribed address comes back only by
    this (a new consent); `confirmed=False` keeps a row waiting for confirmation, sending
    nothing.
    """
    email = normalize_email(email)
    if user is None:
        user = User.objects.filter(email__iexact=email).first()
    now = timezone.now()
    done = []
    for newsletter in newsletters:
        subscription, _ = Subscription.objects.select_for_update().get_or_create(
            newsletter=newsletter,
            email=email,
            defaults={"consent_source": source[:200], "created_at": now},
        )
        subscription.user = user or subscription.user
        if confirmed and not subscription.is_active:
            subscription.confirmed_at = now
            subscription.unsubscribed_at = None
            subscription.unsubscribe_reason = ""
            subscription.consent_source = source[:200]
            subscription.consent_at = now
            subscription.consent_address_hash = consent_hash
        subscription.save()
        done.append(subscription)
    return done


def request_subscription(
    request: HttpRequest, *, email: str, newsletters: list[Newsletter], source: str
) -> bool:
    """The site's form. True if subscribed at once (a signed-in reader's own confirmed
    address), else a confirmation link is emailed (double opt-in) and nothing is stored."""
    email = normalize_email(email)
    user = request.user if request.user.is_authenticated else None
    if isinstance(user, User) and user.email_verified and user.email == email:
        subscribe(
            email=email,
            newsletters=newsletters,
            source=source,
            consent_hash=address_hash(request),
            user=user,
        )
        return True
    send_confirmation(email=email, newsletters=newsletters, source=source)
    return False


def send_confirmation(*, email: str, newsletters: list[Newsletter], source: str) -> None:
    token = tokens.confirm_token(
        email=email, newsletter_ids=[n.pk for n in newsletters], source=source
    )
    context = {
        "paper_name": settings.PAPER_NAME,
        "newsletters": newsletters,
        "url": digest.absolute(reverse("newsletters:confirm", args=[token])),
    }
    send_mail(
        subject=render_to_string("newsletters/email/confirm_subject.txt", context).strip(),
        message=render_to_string("newsletters/email/confirm_body.txt", context),
        from_email=messages.from_address(newsletters[0]) if newsletters else None,
        recipient_list=[email],
    )


def confirm(token: str, *, consent_hash: str = "") -> list[Subscription] | None:
    """The double opt-in link, followed: the subscriptions it asked for, or None if invalid."""
    read = tokens.read_confirm_token(token)
    if read is None:
        return None
    email, ids, source = read
    newsletters = list(Newsletter.objects.filter(pk__in=ids))
    return subscribe(
        email=email,
        newsletters=newsletters,
        source=f"{source} (confirmed by link)",
        consent_hash=consent_hash,
    )


def unsubscribe(subscription: Subscription, *, reason: str) -> bool:
    """Idempotent: True if this call took the address off the list."""
    return bool(
        Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now(), unsubscribe_reason=reason[:40]
        )
    )


def unsubscribe_address(email: str, *, reason: str) -> int:
    """Every list, for a bounce or a complaint."""
    return (
        Subscription.objects.of_address(normalize_email(email))
        .filter(unsubscribed_at__isnull=True)
        .update(unsubscribed_at=timezone.now(), unsubscribe_reason=reason[:40])
    )


@transaction.atomic
def update_preferences(
    *,
    email: str,
    newsletter_ids: set[int],
    section_ids: set[int],
    user: User | None = None,
    consent_hash: str = "",
) -> None:
    """The preferences page: the lists ticked, the sections followed on each digest. The
    page is reached signed in or by a signed link to this address, so ticking is consent."""
    email = normalize_email(email)
    wanted = list(Newsletter.objects.filter(pk__in=newsletter_ids))
    subscribe(
        email=email,
        newsletters=wanted,
        source="preferences page",
        consent_hash=consent_hash,
        user=user,
    )
    for subscription in Subscription.objects.of_address(email).exclude(
        newsletter_id__in=newsletter_ids
    ):
        unsubscribe(subscription, reason="preferences")
    sections = list(Section.objects.filter(pk__in=section_ids))
    for subscription in Subscription.objects.of_address(email).filter(
        newsletter__kind=Newsletter.Kind.DIGEST
    ):
        subscription.sections.set(sections)


# -- Editions ------------------------------------------------------------------------------------


def build_edition(
    newsletter: Newsletter,
    *,
    by: User | None = None,
    scheduled_for: dt.datetime | None = None,
    automatic: bool = False,
) -> Edition:
    """A new draft edition of a list from the front as it is now."""
    content = digest.snapshot(newsletter)
    return Edition.objects.create(
        newsletter=newsletter,
        subject=digest.default_subject(newsletter, content),
        content=content,
        created_by=by,
        scheduled_for=scheduled_for,
        automatic=automatic,
        state=Edition.State.SCHEDULED if scheduled_for else Edition.State.DRAFT,
    )


def start_sending(edition: Edition, *, by: User | None = None, enqueue: bool = True) -> int:
    """Make one delivery per active subscription and mark the edition sending; the worker
    sends it (`tasks.deliver_edition`, queued once this commits). Returns the copies to send."""
    require_editor(by)
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if locked.state not in (Edition.State.DRAFT, Edition.State.SCHEDULED):
            return 0
        ids = Subscription.objects.active().filter(newsletter=locked.newsletter_id)
        Delivery.objects.bulk_create(
            [
                Delivery(edition=locked, subscription_id=pk)
                for pk in ids.values_list("pk", flat=True)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        now = timezone.now()
        Edition.objects.filter(pk=locked.pk).update(
            state=Edition.State.SENDING, started_at=now, heartbeat_at=now
        )
        count = Delivery.objects.filter(edition=locked).count()
        if enqueue:
            transaction.on_commit(lambda: _enqueue(locked.pk))
    edition.refresh_from_db()
    logger.info("edition %s started: %s copies", edition.pk, count)
    return count


def _enqueue(edition_id: int) -> None:
    # Imported here: tasks imports this module.
    from masthead.newsletters.tasks import deliver_edition

    deliver_edition.enqueue(edition_id)


def schedule(edition: Edition, *, when: dt.datetime, by: User | None = None) -> None:
    require_editor(by)
    Edition.objects.filter(
        pk=edition.pk, state__in=[Edition.State.DRAFT, Edition.State.SCHEDULED]
    ).update(state=Edition.State.SCHEDULED, scheduled_for=when)
    edition.refresh_from_db()


def cancel(edition: Edition, *, by: User | None = None) -> None:
    """Stops a scheduled or sending edition; copies already sent stay sent."""
    require_editor(by)
    Edition.objects.filter(
        pk=edition.pk,
        state__in=[Edition.State.DRAFT, Edition.State.SCHEDULED, Edition.State.SENDING],
    ).update(state=Edition.State.CANCELLED)
    edition.refresh_from_db()


def retry_failed(edition: Edition, *, by: User | None = None) -> int:
    """Resend the failed copies (an editor's choice: an interrupted one may have arrived)."""
    require_editor(by)
    with transaction.atomic():
        count = Delivery.objects.filter(edition=edition, state=Delivery.State.FAILED).update(
            state=Delivery.State.PENDING, claim="", error=""
        )
        if count and Edition.objects.filter(
            pk=edition.pk, state__in=[Edition.State.SENT, Edition.State.SENDING]
        ).update(state=Edition.State.SENDING, sent_at=None):
            transaction.on_commit(lambda: _enqueue(edition.pk))
    return count


def send_test(edition: Edition, *, to: str) -> None:
    """One copy to `to` (the editor), as the first reader on the list would get it, all
    sections shown; its unsubscribe link goes nowhere."""
    renderer = digest.EditionRenderer(edition)
    every = frozenset(Section.objects.values_list("pk", flat=True))
    copy = renderer.variant(every).for_subscription(None, to)
    copy.subject = f"[Test] {copy.subject}"
    messages.build(copy, newsletter=edition.newsletter, to=to, subscription=None).send()


class AlreadyAlerted(Exception):
    """A story gets one breaking-news alert, ever."""


def send_breaking_alert(article: Article, *, by: User | None = None) -> BreakingAlert:
    """Alert the breaking-news list to a published story now (the worker sends it at once)."""
    require_editor(by)
    if not article.is_visible():
        raise ValueError("Only a published story can be sent as a breaking alert.")
    newsletter = (
        Newsletter.objects.filter(kind=Newsletter.Kind.BREAKING).order_by("position").first()
    )
    if newsletter is None:
        raise ValueError("There is no breaking-news list.")
    try:
        with transaction.atomic():
            edition = Edition.objects.create(
                newsletter=newsletter,
                subject=f"Breaking: {article.headline}"[:200],
                content={"lead": article.pk, "top": [], "sections": {}},
                created_by=by,
            )
            alert = BreakingAlert.objects.create(article=article, edition=edition, created_by=by)
            start_sending(edition, by=by)
    except IntegrityError:
        raise AlreadyAlerted(f"“{article.headline}” has had its alert.") from None
    return alert


# -- The schedule --------------------------------------------------------------------------------


@dataclass
class DuePass:
    built: int = 0
    started: int = 0
    resumed: int = 0


def run_due(now: dt.datetime | None = None) -> DuePass:
    """One pass of the newsletters' clock (`masthead newsletter due`, the `watch` loop):
    build each scheduled list's edition when its time comes (once per slot, whatever number of
    workers look), start scheduled editions that are due, resume sends nobody is working on."""
    now = now or timezone.now()
    done = DuePass()
    late = dt.timedelta(minutes=settings.MASTHEAD_NEWSLETTER_LATE_MINUTES)
    for newsletter in Newsletter.objects.filter(kind=Newsletter.Kind.DIGEST).exclude(
        cadence=Newsletter.Cadence.ON_DEMAND
    ):
        slot = newsletter.last_slot(now)
        if slot is None or now - slot > late:
            continue
        if Edition.objects.filter(
            newsletter=newsletter, scheduled_for=slot, automatic=True
        ).exists():
            continue
        try:
            with transaction.atomic():
                edition = build_edition(newsletter, scheduled_for=slot, automatic=True)
                if not edition.content.get("lead"):
                    # Nothing published to send: kept, cancelled, so the slot is not retried.
                    edition.state = Edition.State.CANCELLED
                    edition.save(update_fields=["state"])
            done.built += 1
        except IntegrityError:
            pass  # another worker built it
    for edition in Edition.objects.filter(state=Edition.State.SCHEDULED, scheduled_for__lte=now):
        if start_sending(edition):
            done.started += 1
    stale = now - dt.timedelta(seconds=settings.MASTHEAD_NEWSLETTER_CLAIM_SECONDS)
    for edition in Edition.objects.filter(state=Edition.State.SENDING, heartbeat_at__lt=stale):
        Edition.objects.filter(pk=edition.pk).update(heartbeat_at=now)
        _enqueue(edition.pk)
        done.resumed += 1
    return done

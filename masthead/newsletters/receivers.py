"""Side effects of other apps' events: a sign-up's newsletter choices, a provider's bounce."""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import tracking
from django.apps import apps
from django.db import DatabaseError
from django.db.models.signals import post_migrate

from masthead.accounts import signals as account_signals
from masthead.accounts.models import User
from masthead.newsletters import services
from masthead.newsletters.models import Newsletter

logger = logging.getLogger(__name__)

CONSENT_PREFIX = "newsletter-"
# Provider events that end a subscription: the address does not exist or refuses us
# (bounced, rejected by the provider for an earlier bounce), or its owner said "spam".
ENDING_EVENTS = {"bounced": "bounced", "rejected": "rejected", "complained": "complained"}


def offer_newsletters(sender: Any, **kwargs: Any) -> list[tuple[str, str]]:
    try:
        lists = list(Newsletter.objects.filter(offer_at_signup=True, is_public=True))
    except DatabaseError:  # before the first migration (a fresh database)
        return []
    return [
        (f"{CONSENT_PREFIX}{n.slug}", f"Email me {n.name}: {n.description}".rstrip(": "))
        for n in lists
    ]


def subscribe_new_reader(sender: Any, user: User, consents: list[str], **kwargs: Any) -> None:
    slugs = [c.removeprefix(CONSENT_PREFIX) for c in consents if c.startswith(CONSENT_PREFIX)]
    if not slugs or not user.email:
        return
    newsletters = list(Newsletter.objects.filter(slug__in=slugs))
    # The sign-up link proved the address: no second confirmation.
    services.subscribe(
        email=user.email, newsletters=newsletters, source="account sign-up", user=user
    )


def provider_event(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    reason = ENDING_EVENTS.get(getattr(event, "event_type", ""))
    recipient = getattr(event, "recipient", "") or ""
    if reason and recipient:
        ended = services.unsubscribe_address(recipient, reason=f"{esp_name} {reason}")
        logger.info("%s %s event: %s subscriptions ended", esp_name, reason, ended)


# What the newsroom's Editor role may do here (its other grants are masthead/newsroom/roles.py):
# read the lists and readers, make, send and schedule editions, send breaking alerts.
EDITOR_GRANTS = (
    "view_newsletter",
    "change_newsletter",
    "view_subscription",
    "add_edition",
    "change_edition",
    "view_edition",
    "add_breakingalert",
    "view_breakingalert",
)


def grant_editors(sender: Any, **kwargs: Any) -> None:
    """After every migrate or flush (as the newsroom keeps its roles): never removes a grant."""
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if not with_models or sender is not with_models[-1]:
        return
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.filter(name="Editor").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="newsletters", codename__in=EDITOR_GRANTS
            )
        )


def connect() -> None:
    post_migrate.connect(grant_editors, dispatch_uid="newsletters-editor-grants")
    account_signals.signup_consents.connect(offer_newsletters, dispatch_uid="newsletters-offer")
    account_signals.reader_signed_up.connect(
        subscribe_new_reader, dispatch_uid="newsletters-signup"
    )
    tracking.connect(provider_event, dispatch_uid="newsletters-tracking")

"""The meter's decision: may this reader have this article's full text?

One pure function with no Django import, so that every rule of the wall is written once and
tested on its own (with generated histories), and the view, a feed or an API cannot disagree
about who sees what. Gathering the inputs (who is asking, what they have read) and recording the
read are the access service's job (`masthead.accounts.access`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """Mirrors `newsroom.models.Access`; kept here so that this module imports no Django."""

    FREE = "free"
    REGISTRATION = "registration"
    SUBSCRIBERS = "subscribers"


class Reader(StrEnum):
    """Who is asking, as far as the wall cares."""

    ANONYMOUS = "anonymous"  # a visitor with our signed cookie
    COOKIELESS = "cookieless"  # no valid cookie: metered by a hash of address and user agent
    REGISTERED = "registered"
    SUBSCRIBER = "subscriber"
    STAFF = "staff"
    CRAWLER = "crawler"  # a search crawler verified by its address, never by its User-Agent


class Reason(StrEnum):
    FREE = "free"
    CRAWLER = "crawler"
    STAFF = "staff"
    SUBSCRIBER = "subscriber"
    REGISTERED = "registered"
    ALREADY_READ = "already_read"
    METERED = "metered"
    METER_EXHAUSTED = "meter_exhausted"
    SUBSCRIBERS_ONLY = "subscribers_only"


@dataclass(frozen=True, slots=True)
class AccessDecision:
    full: bool
    level: Level
    reason: Reason
    reader: Reader
    # The read should be written to the reader's history (it was granted, and the level is one
    # the meter or an account's history cares about).
    record: bool
    # The response depends on who asks: it must never sit in a shared cache.
    personal: bool
    allowance: int | None = None
    # Metered articles left after this one (None where no meter applies).
    remaining: int | None = None

    @property
    def walled(self) -> bool:
        return not self.full

    @property
    def is_subscribers_wall(self) -> bool:
        return self.reason is Reason.SUBSCRIBERS_ONLY


def decide(
    *,
    level: Level | str,
    reader: Reader | str,
    article_id: int,
    history: Mapping[int, dt.datetime],
    now: dt.datetime,
    window: dt.timedelta,
    allowance: int,
) -> AccessDecision:
    """Decide access from the article's level, the reader and the reader's read history.

    `history` maps article ids to the time each was first granted to this reader (older rows
    may be included; only those inside the rolling `window` count). `allowance` is the number
    of registration-level articles the reader may read per window (the cookieless allowance for
    a cookieless reader: the caller picks it).

    Rules, in order:
    - free articles are whole for everyone, and the same for everyone;
    - verified crawlers, staff and subscribers read everything;
    - a story this reader was granted inside the window stays readable (reading the same
      article twice costs one, and history merged into an account keeps its stories);
    - subscriber-level stories are walled for everyone else;
    - registered readers read registration-level stories;
    - anonymous readers have `allowance` distinct stories per window, then the wall.
    """
    level = Level(level)
    reader = Reader(reader)
    if level is Level.FREE:
        return AccessDecision(True, level, Reason.FREE, reader, record=False, personal=False)

    def grant(reason: Reason, *, record: bool, remaining: int | None = None) -> AccessDecision:
        return AccessDecision(
            True,
            level,
            reason,
            reader,
            record=record,
            personal=True,
            allowance=allowance if remaining is not None else None,
            remaining=remaining,
        )

    if reader is Reader.CRAWLER:
        return grant(Reason.CRAWLER, record=False)
    if reader is Reader.STAFF:
        return grant(Reason.STAFF, record=False)
    if reader is Reader.SUBSCRIBER:
        return grant(Reason.SUBSCRIBER, record=True)

    since = now - window
    recent = {aid for aid, first_read in history.items() if since < first_read <= now}
    if article_id in recent:
        return grant(Reason.ALREADY_READ, record=False)
    if level is Level.SUBSCRIBERS:
        return AccessDecision(
            False, level, Reason.SUBSCRIBERS_ONLY, reader, record=False, personal=True
        )
    if reader is Reader.REGISTERED:
        return grant(Reason.REGISTERED, record=True)

    used = len(recent)
    if used < allowance:
        return grant(Reason.METERED, record=True, remaining=allowance - used - 1)
    return AccessDecision(
        False,
        level,
        Reason.METER_EXHAUSTED,
        reader,
        record=False,
        personal=True,
        allowance=allowance,
        remaining=0,
    )

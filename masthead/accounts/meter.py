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
    COOKIELESS = "cookieless"  # no valid cookie: a new reader, metered by its address
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
    address_history: Mapping[int, dt.datetime] | None = None,
    address_allowance: int | None = None,
) -> AccessDecision:
    """Decide access from the article's level, the reader and the reader's read history.

    `history` maps article ids to the time each was first granted to this reader (older rows
    may be included; only those inside the rolling `window` count); `allowance` is the number
    of registration-level articles one reader may read per window.

    `address_history` is what every anonymous reader at the client's address read, and
    `address_allowance` that address's budget (None: the address is not metered, e.g. the
    paper's own network). It is what holds the wall when a reader clears cookies: a new cookie
    starts with an empty history but not with a fresh address. An address is shared (an
    office, a carrier's NAT), hence a larger budget than one reader's.

    Rules, in order:
    - free articles are whole for everyone, and the same for everyone;
    - verified crawlers, staff and subscribers read everything;
    - a story this reader was granted inside the window stays readable (reading the same
      article twice costs one, and history merged into an account keeps its stories); for a
      reader with no cookie yet, a story read at its address counts as read;
    - subscriber-level stories are walled for everyone else;
    - registered readers read registration-level stories;
    - anonymous readers have `allowance` distinct stories per window, and their address
      `address_allowance`, then the wall.
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

    def inside(reads: Mapping[int, dt.datetime]) -> set[int]:
        return {aid for aid, first_read in reads.items() if since < first_read <= now}

    recent = inside(history)
    at_address = inside(address_history or {})
    if article_id in recent or (reader is Reader.COOKIELESS and article_id in at_address):
        return grant(Reason.ALREADY_READ, record=False)
    if level is Level.SUBSCRIBERS:
        return AccessDecision(
            False, level, Reason.SUBSCRIBERS_ONLY, reader, record=False, personal=True
        )
    if reader is Reader.REGISTERED:
        return grant(Reason.REGISTERED, record=True)

    left = allowance - len(recent)
    if address_allowance is not None:
        left = min(left, address_allowance - len(at_address - {article_id}))
    if left > 0:
        return grant(Reason.METERED, record=True, remaining=left - 1)
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

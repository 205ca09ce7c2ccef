"""Discovery's knobs: a Django setting when the project sets one, else the environment.

Kept here rather than in masthead/settings.py so the app carries its own defaults, each with
its reason beside it.
"""

from __future__ import annotations

from django.conf import settings

from masthead.lib.env import envint, envstr


def _setting(name: str, env_default: int) -> int:
    return int(getattr(settings, name, env_default))


def popular_half_life_hours() -> float:
    # A day: yesterday's hit weighs half of today's, so the block turns over with the news cycle.
    return float(
        _setting(
            "MASTHEAD_POPULAR_HALF_LIFE_HOURS", envint("MASTHEAD_POPULAR_HALF_LIFE_HOURS", "24")
        )
    )


def popular_dedup_seconds() -> int:
    # One count per reader per story per half hour: a reload or a back-button is not a new read.
    return _setting(
        "MASTHEAD_POPULAR_DEDUP_SECONDS", envint("MASTHEAD_POPULAR_DEDUP_SECONDS", "1800")
    )


def popular_flush_seconds() -> int:
    # How long counts may sit in the buffer: Popular lags reality by at most this much.
    return _setting(
        "MASTHEAD_POPULAR_FLUSH_SECONDS", envint("MASTHEAD_POPULAR_FLUSH_SECONDS", "30")
    )


def related_limit() -> int:
    # Stored per story; the page shows five, the spare ones cover later kills.
    return _setting("MASTHEAD_RELATED_STORED", envint("MASTHEAD_RELATED_STORED", "10"))


def search_page_size() -> int:
    return _setting("MASTHEAD_SEARCH_PAGE_SIZE", envint("MASTHEAD_SEARCH_PAGE_SIZE", "10"))


def stale_drain_delay() -> float:
    # Seconds between a story going stale and the drain that refreshes it becoming runnable: a
    # wire burst is refreshed by one drain per delay (per writer process) rather than one task
    # per story, and search and Related lag the newsroom by about this much plus the worker's
    # polling interval.
    return float(
        getattr(
            settings,
            "MASTHEAD_STALE_DRAIN_DELAY",
            envstr("MASTHEAD_STALE_DRAIN_DELAY", "1"),
        )
    )

"""A warning when the counters that stop guessing would be counted per process.

The sign-in throttle, the sign-up and reset rates and (without Redis) nothing else of the meter
live in Django's default cache. A local-memory cache is one per process: with two gunicorn
workers each counts alone and a guesser gets twice the allowance. `masthead serve` prints this
at start-up, and `masthead check` reports it when `WEB_CONCURRENCY` asks for several workers.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core import checks

PROCESS_LOCAL = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def counters_warning(workers: int) -> str:
    """The warning for `workers` processes sharing the default cache ("" when there is none)."""
    backend = settings.CACHES["default"]["BACKEND"]
    if workers <= 1 or backend not in PROCESS_LOCAL:
        return ""
    return (
        f"{workers} web workers with a local-memory cache: each counts sign-in attempts and "
        f"sign-up and reset requests alone, so guessers get {workers} times the allowance. "
        "Set REDIS_URL to share the counters."
    )


@checks.register(checks.Tags.caches, checks.Tags.security)
def check_shared_counters(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    except ValueError:
        workers = 1
    message = counters_warning(workers)
    return [checks.Warning(message, id="masthead.W001")] if message else []

"""Sign-in throttle: N failures per account and per client address in a window, then a pause.

Counters live in Django's cache, so that with Redis every web machine sees the same counts.
A fixed window that starts at the first failure is enough here: the point is to make password
guessing slow, not to meter precisely.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from masthead.lib.net import client_address


def _account_key(identifier: str) -> str:
    # Hashed: cache keys must not carry readers' addresses (and memcached forbids spaces).
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"signin-fail:acct:{digest}"


def _address_key(request: HttpRequest) -> str:
    return f"signin-fail:addr:{client_address(request) or 'unknown'}"


def _keys(request: HttpRequest, identifier: str) -> list[str]:
    return [_account_key(identifier), _address_key(request)]


def is_locked(request: HttpRequest, identifier: str) -> bool:
    limit = settings.MASTHEAD_SIGNIN_MAX_FAILURES
    counts = cache.get_many(_keys(request, identifier))
    return any(int(count) >= limit for count in counts.values())


def record_failure(request: HttpRequest, identifier: str) -> None:
    timeout = settings.MASTHEAD_SIGNIN_LOCKOUT_SECONDS
    for key in _keys(request, identifier):
        cache.add(key, 0, timeout)
        try:
            cache.incr(key)
        except ValueError:
            # Expired between add and incr: this failure starts a new window.
            cache.set(key, 1, timeout)


def clear_account(identifier: str) -> None:
    """After a successful sign-in or password reset. The address counter stays: clearing it
    would let someone with one account of their own reset it between guesses at others."""
    cache.delete(_account_key(identifier))


def lockout_minutes() -> int:
    return max(1, settings.MASTHEAD_SIGNIN_LOCKOUT_SECONDS // 60)


def over_rate(scope: str, identifier: str, *, limit: int, seconds: int) -> bool:
    """Count one request for (`scope`, `identifier`); True once more than `limit` arrived in
    the window. Used for requests that send mail or create accounts (sign-up, reset)."""
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    key = f"rate:{scope}:{digest}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
        count = 1
    return count > limit


def over_address_rate(request: HttpRequest, scope: str, *, limit: int, seconds: int) -> bool:
    return over_rate(scope, client_address(request) or "unknown", limit=limit, seconds=seconds)

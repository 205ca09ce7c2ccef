"""Password guessing made slow: progressive delays per account and per client address.

Every password check that a request makes goes through `attempt` (the authentication backend
calls it, so the reader's sign-in, the admin's and any other `authenticate()` behave alike; the
forms that re-check a signed-in reader's password call it too). The first few attempts are free;
after that each attempt must wait for the previous one's delay, which doubles up to a ceiling.
No lockout: the real owner can always sign in after the current delay (at most
`MASTHEAD_SIGNIN_MAX_DELAY_SECONDS`), and a password reset lifts the account's delays at once.

Counters live in Django's default cache: Redis when `REDIS_URL` is set, so every worker and
every machine counts together. Without it each worker counts alone; `checks.py` warns at
start-up when that would multiply the allowance.

Exact under concurrency: an attempt takes its number with one atomic `incr` before the password
is checked, and a delayed attempt must win one atomic `add` of the "gate" key, so sixteen
parallel guesses get the same allowance as sixteen in a row. django-axes and
django-ratelimit were considered: axes locks accounts (the owner with them), ratelimit has no
progressive delay; the few cache operations here are smaller than either.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from masthead.lib.net import address_block, client_address

# The request attribute where the backend leaves a refusal for the form to explain.
WAIT_ATTRIBUTE = "_masthead_signin_wait"


def _digest(value: str) -> str:
    # Hashed: cache keys must not carry readers' addresses (and memcached forbids spaces).
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _address_block(request: HttpRequest) -> str:
    raw = client_address(request)
    return address_block(raw) if raw else "unknown"


@dataclass(frozen=True)
class _Scope:
    key: str
    free: int


def _scopes(request: HttpRequest, identifier: str) -> list[_Scope]:
    # The address first: a guesser it refuses never touches the account's counters, which the
    # owner shares.
    return [
        _Scope(
            f"signin:addr:{_digest(_address_block(request))}",
            settings.MASTHEAD_SIGNIN_ADDRESS_MAX_FAILURES,
        ),
        _Scope(f"signin:acct:{_digest(identifier)}", settings.MASTHEAD_SIGNIN_MAX_FAILURES),
    ]


def delay_after(attempts_over: int) -> int:
    """Seconds the next attempt waits after the `attempts_over`-th attempt past the free ones."""
    first = settings.MASTHEAD_SIGNIN_DELAY_SECONDS
    ceiling = settings.MASTHEAD_SIGNIN_MAX_DELAY_SECONDS
    return int(min(ceiling, first * 2 ** min(attempts_over - 1, 32)))


def _incr(key: str, timeout: int, *, extend: bool) -> int:
    """Count one under `key` (atomic where the cache is); `extend` restarts its timeout."""
    cache.add(key, 0, timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this one starts afresh
        cache.set(key, 1, timeout)
        count = 1
    if extend:
        cache.touch(key, timeout)
    return count


def attempt(request: HttpRequest, identifier: str) -> int:
    """Take one password attempt for `identifier` from `request`'s address.

    Returns 0 if the password may be checked now, else the seconds to wait (the attempt is then
    not counted: only evaluated guesses raise the delay).
    """
    memory = settings.MASTHEAD_SIGNIN_WINDOW_SECONDS
    now = time.time()
    counted: list[str] = []
    gates: list[str] = []
    for scope in _scopes(request, identifier):
        count = _incr(scope.key, memory, extend=True)
        counted.append(scope.key)
        if count < scope.free:
            continue
        delay = delay_after(count - scope.free + 1)
        gate = scope.key + ":gate"
        if cache.add(gate, now + delay, delay):
            gates.append(gate)
            continue
        # Refused: undo what this attempt took, so that only evaluated guesses count.
        until = cache.get(gate)
        cache.delete_many(gates)
        for key in counted:
            try:
                cache.decr(key)
            except ValueError:
                pass
        return max(1, math.ceil((until or now + delay) - now))
    return 0


def succeeded(identifier: str) -> None:
    """After a right password or a reset: the account's own delays end. The address's stay:
    clearing them would let someone with one account of their own reset it between guesses
    at others."""
    key = f"signin:acct:{_digest(identifier)}"
    cache.delete_many([key, key + ":gate"])


def refuse(request: HttpRequest, wait: int) -> None:
    """Leave the wait on the request for the form that shows the refusal."""
    setattr(request, WAIT_ATTRIBUTE, wait)


def wait_of(request: HttpRequest | None) -> int:
    return int(getattr(request, WAIT_ATTRIBUTE, 0) or 0)


def describe_wait(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minutes"


def over_rate(scope: str, identifier: str, *, limit: int, seconds: int) -> bool:
    """Count one request for (`scope`, `identifier`); True once more than `limit` arrived in
    the window. Used for requests that send mail or create accounts (sign-up, reset)."""
    return _incr(f"rate:{scope}:{_digest(identifier)}", seconds, extend=False) > limit


def over_address_rate(request: HttpRequest, scope: str, *, limit: int, seconds: int) -> bool:
    return over_rate(scope, _address_block(request), limit=limit, seconds=seconds)

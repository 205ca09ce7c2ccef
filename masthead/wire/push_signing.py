"""The push protocol's signature: what an agency signs, how fresh it must be, and that each
signature works once. The protocol as a whole is described in `masthead.wire.views`.

The timestamp is signed with the body so that a captured push cannot be re-dated; the
tolerance bounds how long a captured push stays usable at all, and the one-time memory closes
that window too: together they keep an old version from being pushed over a newer one, even
in formats (RSS without dates) whose items carry no version to compare.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.wire.models import UsedPushSignature

SIGNATURE_HEADER = "X-Masthead-Signature"
TIMESTAMP_HEADER = "X-Masthead-Timestamp"
# How far a push's timestamp may be from our clock, either way: room for an agency's clock
# drift and a slow upload of a big file, yet a captured push soon stops working.
TOLERANCE_SECONDS = 300
# A timestamp up to the tolerance in the future is acceptable until twice the tolerance from
# now, so a used signature is remembered that long (a flat window also absorbs small clock
# differences between the app servers).
REMEMBER_SECONDS = 2 * TOLERANCE_SECONDS
# Plain ASCII digits only: `int()` would also take " 17", "+17", "1_7" or Arabic-Indic digits,
# each a different signed string for the same instant.
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")


def expected_signature(secret: str, timestamp: str | int, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256, keyed with the feed's push secret, of the timestamp
    header's text, a full stop, and the raw body."""
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The two headers a pushing client sends with `body`, dated now unless told otherwise."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: expected_signature(secret, stamp, body)}


def timestamp_problem(value: str, *, now: float) -> str:
    """Why a push's timestamp header is refused, or "" when it is fresh enough."""
    if not _UNIX_SECONDS.fullmatch(value):
        return f"missing or malformed {TIMESTAMP_HEADER} header (Unix seconds expected)"
    if abs(now - int(value)) > TOLERANCE_SECONDS:
        return (
            f"{TIMESTAMP_HEADER} is more than {TOLERANCE_SECONDS} seconds away from the "
            "server's clock: sign each push when it is sent"
        )
    return ""


def signature_matches(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    expected = expected_signature(secret, timestamp, body)
    return hmac.compare_digest(given.encode(), expected.encode())


def first_use(*, feed_id: int, signature: str) -> bool:
    """Remember a verified signature; False when it was already used on this feed.

    A row with a unique digest: of two racing copies of one push, the database lets one insert
    and refuses the other, whichever process or machine each reached. Rows older than the
    remembering time are deleted on the way (pushes are few; no separate job is needed).
    """
    digest = hashlib.sha256(f"{feed_id}:{signature}".encode()).hexdigest()
    now = timezone.now()
    UsedPushSignature.objects.filter(
        used_at__lt=now - dt.timedelta(seconds=REMEMBER_SECONDS)
    ).delete()
    try:
        with transaction.atomic():
            UsedPushSignature.objects.create(digest=digest, used_at=now)
    except IntegrityError:
        return False
    return True

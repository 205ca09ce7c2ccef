"""Signed links in newsletter emails: nothing is stored to check them.

- unsubscribe: one subscription, no expiry (RFC 8058 links must keep working in old emails);
- preferences: an address, no expiry (the emailed "manage your newsletters" link);
- confirm: an address and the lists asked for, expiring (double opt-in), so an address is
  stored only once its owner confirms.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

UNSUBSCRIBE_SALT = "masthead.newsletters.unsubscribe"
PREFERENCES_SALT = "masthead.newsletters.preferences"
CONFIRM_SALT = "masthead.newsletters.confirm"


def _signer(salt: str) -> signing.Signer:
    # "." is outside the URL-safe base64 alphabet of the signature, and needs no quoting in a path.
    return signing.Signer(salt=salt, sep=".")


def unsubscribe_token(subscription_id: int) -> str:
    return _signer(UNSUBSCRIBE_SALT).sign(str(subscription_id))


def read_unsubscribe_token(token: str) -> int | None:
    try:
        return int(_signer(UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def preferences_token(email: str) -> str:
    return signing.dumps({"e": email.strip().lower()}, salt=PREFERENCES_SALT, compress=True)


def read_preferences_token(token: str) -> str | None:
    try:
        data = signing.loads(token, salt=PREFERENCES_SALT)
    except signing.BadSignature:
        return None
    email = data.get("e") if isinstance(data, dict) else None
    return email if isinstance(email, str) and email else None


def confirm_token(*, email: str, newsletter_ids: list[int], source: str) -> str:
    data = {"e": email, "n": sorted(newsletter_ids), "s": source}
    return signing.dumps(data, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> tuple[str, list[int], str] | None:
    """(email, newsletter ids, consent source), or None for a bad or expired link."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.MASTHEAD_NEWSLETTER_CONFIRM_MAX_AGE
        )
        return str(data["e"]), [int(i) for i in data["n"]], str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None

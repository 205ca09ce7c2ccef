"""Private preview links: an unpublished story as a reader will see it, for anyone holding
the link (a lawyer, a source checking a quote) until it expires.

The link carries the story's id and its expiry, signed with the site's secret (Django's
`signing`), so it needs no table and cannot be altered or extended; the reader site's preview
view (`masthead.site.views.preview`) reads it with `article_for` and answers 404 for anything
tampered with or expired, and marks its page noindex and never cached.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from masthead.newsroom.models import Article

SALT = "masthead.newsroom.preview"


def token_for(article: Article, *, hours: float | None = None) -> str:
    hours = settings.MASTHEAD_PREVIEW_HOURS if hours is None else hours
    expires = int(time.time() + hours * 3600)
    return signing.dumps({"a": article.pk, "e": expires}, salt=SALT, compress=True)


def _read(token: str) -> dict[str, Any] | None:
    """The token's content while it is genuine and in force, else None."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    try:
        if not isinstance(data, dict) or int(data.get("e", 0)) < time.time():
            return None
        return {"a": int(data.get("a", 0)), "e": int(data["e"])}
    except (TypeError, ValueError):
        return None


def article_for(token: str) -> Article | None:
    """The story a token opens, or None when it is forged, altered, expired or gone."""
    data = _read(token)
    if data is None:
        return None
    return Article.objects.for_page().filter(pk=data["a"]).first()


def expires_at(token: str) -> dt.datetime | None:
    """When a genuine token stops working (for the page to say so)."""
    data = _read(token)
    return dt.datetime.fromtimestamp(data["e"], tz=dt.UTC) if data is not None else None


def preview_url(article: Article, *, hours: float | None = None) -> str:
    """The absolute link to share (the paper's public address, MASTHEAD_PAPER_URL)."""
    path = reverse("site:preview", args=[token_for(article, hours=hours)])
    return settings.PAPER_URL.rstrip("/") + path

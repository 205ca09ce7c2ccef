"""Private preview links: an unpublished story as a reader will see it, for anyone holding
the link (a lawyer, a source checking a quote) until it expires.

The link carries the story's id and its expiry, signed with the site's secret (Django's
`signing`), so it needs no table and cannot be altered or extended; the reader site's preview
view (`masthead.site.views.preview`) reads it with `article_for` and answers 404 for anything
tampered with or expired, and marks its page noindex and never cached.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.urls import reverse

from masthead.newsroom.models import Article

SALT = "masthead.newsroom.preview"


def token_for(article: Article, *, hours: float | None = None) -> str:
    hours = settings.MASTHEAD_PREVIEW_HOURS if hours is None else hours
    expires = int(time.time() + hours * 3600)
    return signing.dumps({"a": article.pk, "e": expires}, salt=SALT, compress=True)


def article_for(token: str) -> Article | None:
    """The story a token opens, or None when it is forged, altered, expired or gone."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or int(data.get("e", 0)) < time.time():
        return None
    return Article.objects.for_page().filter(pk=int(data.get("a", 0))).first()


def preview_url(article: Article, *, hours: float | None = None) -> str:
    """The absolute link to share (the paper's public address, MASTHEAD_PAPER_URL)."""
    path = reverse("site:preview", args=[token_for(article, hours=hours)])
    return settings.PAPER_URL.rstrip("/") + path

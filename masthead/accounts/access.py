"""The access service: who is asking, what they have read, and what the article page may send.

The rules themselves are `meter.decide` (pure); this module gathers its inputs from the request
and the database, records granted reads, and makes responses that depend on the reader private,
so that no shared cache hands one reader's page to another.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.text import Truncator
from lxml import etree
from lxml import html as lxml_html

from masthead.accounts import crawlers, services
from masthead.accounts.meter import AccessDecision, Level, Reader, decide
from masthead.accounts.models import MeterRead
from masthead.lib.net import client_address

if TYPE_CHECKING:
    from masthead.newsroom.models import Article

COOKIE_SALT = "masthead.accounts.meter"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie (Chrome caps at 400 days)
_VISITOR_ID = re.compile(r"^[0-9a-f]{32}$")


def effective_level(article: Article) -> Level:
    """The level the wall enforces for `article`: `Article.effective_access`, as a Level.

    The rule itself (article, source, section, then registration for wire copy and free for our
    own reporting) lives on the model, so that feeds, JSON-LD and search snippets decide exactly
    as the wall does.
    """
    return Level(article.effective_access)


@dataclass(frozen=True)
class Visitor:
    """The requesting reader, identified for the meter."""

    kind: Reader
    user_id: int | None = None
    # The key the meter counts under ("c:<cookie id>" or "a:<address hash>").
    meter_key: str = ""
    # A cookie id issued with this response (the request carried none, or a bad one).
    new_cookie_id: str = ""

    @property
    def cookie_key(self) -> str:
        return f"c:{self.new_cookie_id}" if self.new_cookie_id else ""


def visitor_cookie_id(request: HttpRequest) -> str:
    """The id in the request's signed visitor cookie, or "" if absent or tampered with."""
    value = request.get_signed_cookie(
        settings.MASTHEAD_METER_COOKIE_NAME, default=None, salt=COOKIE_SALT
    )
    return value if isinstance(value, str) and _VISITOR_ID.match(value) else ""


def visitor_meter_key(request: HttpRequest) -> str:
    """The meter key of the request's visitor cookie, "" if it carries none (for merging)."""
    cookie_id = visitor_cookie_id(request)
    return f"c:{cookie_id}" if cookie_id else ""


def address_key(request: HttpRequest) -> str:
    # Keyed hash: the stored key must not let anyone recover the reader's address (IPv4 space
    # is small enough to hash exhaustively).
    material = f"{client_address(request)}|{request.META.get('HTTP_USER_AGENT', '')}"
    return "a:" + salted_hmac("masthead.accounts.meter.address", material).hexdigest()[:40]


def identify(request: HttpRequest) -> Visitor:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if user.is_staff:
            kind = Reader.STAFF
        elif user.is_subscriber:
            kind = Reader.SUBSCRIBER
        else:
            kind = Reader.REGISTERED
        return Visitor(kind, user_id=user.pk)
    if crawlers.is_verified_crawler(
        client_address(request), request.META.get("HTTP_USER_AGENT", "")
    ):
        return Visitor(Reader.CRAWLER)
    cookie_id = visitor_cookie_id(request)
    if cookie_id:
        return Visitor(Reader.ANONYMOUS, meter_key=f"c:{cookie_id}")
    # No cookie: a first visit or a client that keeps none. Metered by address until the
    # cookie issued now comes back.
    return Visitor(
        Reader.COOKIELESS, meter_key=address_key(request), new_cookie_id=uuid.uuid4().hex
    )


def history(visitor: Visitor, *, since: dt.datetime) -> dict[int, dt.datetime]:
    if visitor.user_id is not None:
        rows = MeterRead.objects.filter(user_id=visitor.user_id)
    elif visitor.meter_key:
        rows = MeterRead.objects.for_visitor(visitor.meter_key)
    else:
        return {}
    return dict(rows.since(since).values_list("article_id", "first_read_at"))


def first_paragraph(body_html: str) -> str:
    """The body's first paragraph with text, as HTML: all a walled reader is sent of the body."""
    if not body_html.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for p in root.iter("p"):
        if p.text_content().strip():
            return lxml_html.tostring(p, encoding="unicode", with_tail=False)
    text = Truncator(" ".join(root.text_content().split())).words(40)
    return f"<p>{escape(text)}</p>" if text else ""


@dataclass
class ArticleAccess:
    """What the article page needs to know: the decision, plus the walled reader's lead."""

    decision: AccessDecision
    article: Article
    visitor: Visitor
    next_url: str = ""
    _set_cookie: bool = field(default=False, repr=False)

    @property
    def full(self) -> bool:
        return self.decision.full

    @property
    def level(self) -> str:
        return str(self.decision.level)

    @property
    def reason(self) -> str:
        return str(self.decision.reason)

    @property
    def remaining(self) -> int | None:
        return self.decision.remaining

    @property
    def accessible_for_free(self) -> bool:
        """For schema.org `isAccessibleForFree`: the article's level, not this reader's luck.

        A verified crawler is sent the full text of a registration story, which must still be
        marked `isAccessibleForFree: false` with the gated part named.
        """
        return self.decision.level is Level.FREE

    @property
    def is_subscribers_wall(self) -> bool:
        return self.decision.is_subscribers_wall

    @cached_property
    def lead_html(self) -> str:
        return "" if self.full else first_paragraph(self.article.body)


def check_article_access(
    request: HttpRequest, article: Article, *, now: dt.datetime | None = None
) -> ArticleAccess:
    """Decide whether `request` gets `article` whole, and record the read if it is granted."""
    now = now or timezone.now()
    window = dt.timedelta(days=settings.MASTHEAD_METER_WINDOW_DAYS)
    level = effective_level(article)
    visitor = identify(request) if level is not Level.FREE else Visitor(Reader.ANONYMOUS)
    allowance = (
        settings.MASTHEAD_METER_COOKIELESS_FREE_ARTICLES
        if visitor.kind is Reader.COOKIELESS
        else settings.MASTHEAD_METER_FREE_ARTICLES
    )
    past = history(visitor, since=now - window) if level is not Level.FREE else {}
    decision = decide(
        level=level,
        reader=visitor.kind,
        article_id=article.pk,
        history=past,
        now=now,
        window=window,
        allowance=allowance,
    )
    if decision.full and decision.record:
        services.record_read(
            article_id=article.pk,
            user_id=visitor.user_id,
            visitor_keys=[k for k in (visitor.meter_key, visitor.cookie_key) if k],
            now=now,
            window=window,
        )
    return ArticleAccess(
        decision,
        article,
        visitor,
        next_url=article.get_absolute_url(),
        _set_cookie=bool(visitor.new_cookie_id) and decision.personal,
    )


def finish_response(request: HttpRequest, response: HttpResponse, access: ArticleAccess) -> None:
    """Keep reader-dependent pages out of shared caches and hand out the visitor cookie."""
    if access.decision.personal:
        # Private: a CDN or proxy must never serve one reader's page (whole or walled) to
        # another; Vary for the browser's own cache across sign-in and sign-out.
        patch_cache_control(response, private=True, max_age=0)
        patch_vary_headers(response, ("Cookie",))
    if access._set_cookie:
        response.set_signed_cookie(
            settings.MASTHEAD_METER_COOKIE_NAME,
            access.visitor.new_cookie_id,
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )

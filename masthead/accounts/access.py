"""The access service: who is asking, what they have read, and what the article page may send.

The rules themselves are `meter.decide` (pure); this module gathers its inputs from the request
and the database, records granted reads, and makes responses that depend on the reader private,
so that no shared cache hands one reader's page to another.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import re
import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property

from masthead.accounts import crawlers, meter_notice, meter_store, services
from masthead.accounts.meter import AccessDecision, Level, Reader, Reason, decide
from masthead.accounts.models import MeterRead
from masthead.lib.net import address_block, client_address
from masthead.text import teaser

if TYPE_CHECKING:
    from masthead.newsroom.models import Article

COOKIE_SALT = "masthead.accounts.meter"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie (Chrome caps at 400 days)
_VISITOR_ID = re.compile(r"^[0-9a-f]{32}$")
# The id the edge gives a reader it sees without one (masthead/edge/varnish/masthead.vcl).
EDGE_COOKIE = "mh_edge"
_EDGE_ID = re.compile(r"^e[0-9]{20,60}$")


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
    # The reader's own meter key: "c:<cookie id>" ("" without a cookie, or for an account).
    meter_key: str = ""
    # The client address's meter key, "a:<keyed hash>" ("" where addresses are not metered).
    address_key: str = ""
    # A cookie id issued with this response (the request carried none, or a bad one).
    new_cookie_id: str = ""

    @property
    def cookie_key(self) -> str:
        return f"c:{self.new_cookie_id}" if self.new_cookie_id else ""

    @property
    def own_key(self) -> str:
        """The key this reader's reads are kept under from now on."""
        return self.meter_key or self.cookie_key


def visitor_cookie_id(request: HttpRequest) -> str:
    """The id in the request's signed visitor cookie, or "" if absent or tampered with.

    Behind the shipped Varnish, a reader's first page comes from the edge, which cannot carry
    the origin's signed cookie (an ESI include's headers are dropped), so the edge makes the id
    itself (`EDGE_COOKIE`, unsigned). Unsigned is no weaker here: an id only names a reader's
    own history, and making up new ones is what clearing cookies does, which the address budget
    stops; the cookie is HttpOnly, so one reader cannot learn another's.
    """
    value = request.get_signed_cookie(
        settings.MASTHEAD_METER_COOKIE_NAME, default=None, salt=COOKIE_SALT
    )
    if isinstance(value, str) and _VISITOR_ID.match(value):
        return value
    edge = request.COOKIES.get(EDGE_COOKIE, "")
    return edge if _EDGE_ID.match(edge) else ""


def visitor_meter_key(request: HttpRequest) -> str:
    """The meter key of the request's visitor cookie, "" if it carries none (for merging)."""
    cookie_id = visitor_cookie_id(request)
    return f"c:{cookie_id}" if cookie_id else ""


@functools.cache
def _trusted_networks(
    spec: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(net, strict=False) for net in spec)


def address_key(request: HttpRequest) -> str:
    """The meter key of the client's address; "" for the paper's own networks or no address.

    The User-Agent is not part of it (changing it must not open a new allowance); an IPv6
    client is keyed by its /64 (`address_block`). Keyed hash: the stored key must not let
    anyone recover the address (IPv4 space is small enough to hash exhaustively).
    """
    raw = client_address(request)
    if not raw:
        return ""
    address = ipaddress.ip_address(raw)
    trusted = _trusted_networks(tuple(settings.MASTHEAD_METER_TRUSTED_NETWORKS))
    if any(address in net for net in trusted):
        return ""
    block = address_block(raw)
    return "a:" + salted_hmac("masthead.accounts.meter.address", block).hexdigest()[:40]


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
        return Visitor(
            Reader.ANONYMOUS, meter_key=f"c:{cookie_id}", address_key=address_key(request)
        )
    # No cookie: a first visit, a client that keeps none, or a reader who cleared them. A new
    # cookie is issued; the address's budget is what stops the last of these.
    return Visitor(
        Reader.COOKIELESS, address_key=address_key(request), new_cookie_id=uuid.uuid4().hex
    )


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
        """What a walled reader is sent of the body: a share of its words (`teaser`)."""
        if self.full:
            return ""
        return teaser.visible_share(self.article.body, settings.MASTHEAD_WALL_VISIBLE_SHARE)


def check_article_access(
    request: HttpRequest, article: Article, *, now: dt.datetime | None = None
) -> ArticleAccess:
    """Decide whether `request` gets `article` whole, and record the read if it is granted."""
    now = now or timezone.now()
    window = dt.timedelta(days=settings.MASTHEAD_METER_WINDOW_DAYS)
    level = effective_level(article)
    if level is Level.FREE:
        visitor = Visitor(Reader.ANONYMOUS)
    else:
        visitor = identify(request)
    allowance = settings.MASTHEAD_METER_FREE_ARTICLES
    address_allowance = (
        settings.MASTHEAD_METER_ADDRESS_FREE_ARTICLES if visitor.address_key else None
    )
    store = meter_store.get_store()
    past: dict[int, dt.datetime] = {}
    at_address: dict[int, dt.datetime] | None = None
    if level is not Level.FREE and visitor.user_id is not None:
        past = dict(
            MeterRead.objects.for_user_id(visitor.user_id)
            .since(now - window)
            .values_list("article_id", "first_read_at")
        )
    elif level is not Level.FREE:
        keys = [key for key in (visitor.meter_key, visitor.address_key) if key]
        found = store.histories(keys, since=now - window) if keys else {}
        past = found.get(visitor.meter_key, {})
        at_address = found.get(visitor.address_key) if visitor.address_key else None
    decision = decide(
        level=level,
        reader=visitor.kind,
        article_id=article.pk,
        history=past,
        now=now,
        window=window,
        allowance=allowance,
        address_history=at_address,
        address_allowance=address_allowance,
    )
    if decision.full and decision.record:
        if visitor.user_id is not None:
            services.record_account_read(
                user_id=visitor.user_id, article_id=article.pk, now=now, window=window
            )
        else:
            limits: dict[str, int | None] = {visitor.own_key: allowance}
            if visitor.address_key:
                limits[visitor.address_key] = address_allowance
            if not store.grant(article.pk, limits=limits, now=now, window=window):
                # Another request of this reader (or address) took the last free story
                # between our read of the history and now.
                decision = replace(
                    decision, full=False, reason=Reason.METER_EXHAUSTED, record=False, remaining=0
                )
    return ArticleAccess(
        decision,
        article,
        visitor,
        next_url=article.get_absolute_url(),
        _set_cookie=bool(visitor.new_cookie_id) and decision.personal,
    )


def finish_response(request: HttpRequest, response: HttpResponse, access: ArticleAccess) -> None:
    """Keep reader-dependent pages out of shared caches, put this reader's meter notice in the
    face (`meter_notice`: the face itself is shared), and hand out the visitor cookie.

    Every read of a story passes here, its face cached or not, page or ESI fragment."""
    if access.decision.personal:
        # Private: a CDN or proxy must never serve one reader's page (whole or walled) to
        # another; Vary for the browser's own cache across sign-in and sign-out.
        patch_cache_control(response, private=True, max_age=0)
        patch_vary_headers(response, ("Cookie",))
    elif not getattr(getattr(request, "user", None), "is_authenticated", False):
        # A free story, the same for every anonymous reader: shared caches may keep it.
        patch_cache_control(response, public=True)
    meter_notice.fill(response, access)
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

"""Every public URL, fuzzed: no path value, query string, form post or header makes a 500.

The routes are read from the project's resolver, so a URL added later fails
`test_it_fuzzes_every_public_url` until it gets a `Route` below or an `EXCLUDED` reason: a page
nobody fuzzes is where the next 500 waits. The parameters each route fuzzes were read off its
view (and off the Django view it subclasses: `page` for ListView, `p` for sitemaps, `next` for
the auth views); every request may also carry a parameter no view reads and hostile headers,
since middleware reads those on every page.

Each example runs in a savepoint that is rolled back and starts with empty caches, so one
example's sign-up, deleted account, throttle counter or stored page is not the next one's
starting point, and a database error (PostgreSQL refusing a NUL) shows as that example's 500
rather than as "transaction aborted" in every example after it. Half the examples run with the
origin's page cache on, as production does. Requests that once made a 500 (`REGRESSIONS`) are
tried first on every run, since a fuzz this size finds a rare combination only now and then.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

import hypothesis
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from masthead.accounts import emails, services
from masthead.accounts.models import User
from masthead.discovery import popular
from masthead.newsletters import sending as newsletter_sending
from masthead.newsletters import services as newsletter_services
from masthead.newsletters import tokens as newsletter_tokens
from masthead.newsletters.models import Newsletter
from masthead.newsroom.actions import ApplyCorrectionAction
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Access, Article, Source
from masthead.newsroom.preview import token_for
from masthead.wire.models import Feed
from masthead.wire.push_signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    SourceFactory,
    StaffSourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "fuzzing is not a password"
NEW_PASSWORD = "a far better passphrase 7"
READER_EMAIL = "reader@example.com"

# -- Which routes are fuzzed ------------------------------------------------------------------

# Route prefixes left out whole, with the reason.
EXCLUDED_PREFIXES = {
    "admin/": "staff only, behind the admin's sign-in; its list filters have their own tests",
    "newsletters/anymail/": "the mail provider's webhooks: anymail's views, behind its basic"
    " auth (tests/newsletters/test_bounce.py covers what an event does)",
}
# Single public routes left out, route → (name, reason). Empty: every public page is fuzzed.
EXCLUDED: dict[str, tuple[str, str]] = {}


@dataclass(frozen=True)
class Route:
    """One public URL pattern and what its view reads."""

    name: str
    route: str  # as the resolver spells it, from the root and without the leading slash
    # The GET parameters and POST fields the view reads, each with the value a valid request
    # would send ("": none, the field is left out). Most requests send those values with one
    # field fuzzed: a form whose every field is junk never gets past its validation.
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    methods: tuple[str, ...] = ("GET",)
    # For each placeholder in turn, the `Content.known` values that name something real, so
    # that the fuzz gets past the 404 to the page itself.
    real: tuple[str, ...] = ()
    # Whom the page is for: signed-in readers (True) or strangers (False) get three requests in
    # four; None, either half the time.
    signed_in: bool | None = None
    refused: bool = False  # nothing the fuzz sends may succeed: every answer must be a 4xx
    examples: int = 12


FUZZ_DESK = Actor.system("tests")

ROUTES = (
    # The reader site.
    Route("site:home", ""),
    Route(
        "site:section", "section/<slug:slug>/", query={"page": "2"}, real=("sections",), examples=40
    ),
    Route("site:tag", "tag/<slug:slug>/", query={"page": "2"}, real=("tags",), examples=40),
    Route("site:corrections", "corrections/", query={"page": "2"}, examples=40),
    Route("site:article", "story/<slug:slug>/", real=("stories",), examples=60),
    # A metered story's face, which an ESI edge includes in the story's shared shell.
    Route("site:article-face", "story/<slug:slug>/face/", real=("stories",), examples=40),
    # A story's private preview: a signed token (a draft's, a killed one's, an expired one).
    Route("site:preview", "preview/<signed:token>/", real=("preview tokens",), examples=40),
    Route(
        "site:search",
        "search/",
        query={
            "q": "harbor",
            "page": "",
            "section": "",
            "tag": "",
            "source": "",
            "from": "",
            "to": "",
        },
        examples=200,
    ),
    # The paper's own pages, and the icon browsers ask for.
    Route("about", "about/"),
    Route("contact", "contact/"),
    Route("privacy", "privacy/"),
    Route("terms", "terms/"),
    Route("favicon", "favicon.ico"),
    Route("site:rendition", "media/renditions/<path:path>", methods=("GET", "HEAD")),
    # Discovery: the beacon, robots, sitemaps, feeds.
    Route("discovery:beacon", "b/<int:article_id>.gif", real=("story ids",), examples=60),
    Route("discovery:robots", "robots.txt"),
    Route("discovery:sitemap-index", "sitemap.xml"),
    Route(
        "discovery:sitemap-section",
        "sitemap-<slug:section>.xml",
        query={"p": "1"},
        real=("sitemaps",),
        examples=30,
    ),
    Route("discovery:news-sitemap", "news-sitemap.xml", query={"p": "1"}),
    Route("discovery:feed-rss", "feeds/rss/"),
    Route("discovery:feed-atom", "feeds/atom/"),
    Route("discovery:section-feed-rss", "feeds/section/<slug:slug>/rss/", real=("sections",)),
    Route("discovery:section-feed-atom", "feeds/section/<slug:slug>/atom/", real=("sections",)),
    Route("discovery:tag-feed-rss", "feeds/tag/<slug:slug>/rss/", real=("tags",)),
    Route("discovery:tag-feed-atom", "feeds/tag/<slug:slug>/atom/", real=("tags",)),
    # The wire's push endpoint: without the feed's secret, nothing gets in.
    Route(
        "wire:push",
        "wire/push/<slug:slug>/",
        methods=("POST", "GET"),
        real=("feeds",),
        refused=True,
        examples=60,
    ),
    # Accounts.
    Route(
        "accounts:login",
        "accounts/signin/",
        query={"next": ""},
        form={"username": READER_EMAIL, "password": PASSWORD, "next": "/search/?q=harbor"},
        methods=("GET", "POST"),
        examples=50,
        signed_in=False,
    ),
    Route(
        "accounts:logout",
        "accounts/signout/",
        form={"next": "/"},
        methods=("POST", "GET"),
        signed_in=True,
    ),
    Route(
        "accounts:signup",
        "accounts/signup/",
        query={"next": ""},
        form={
            "email": "new@example.com",
            "password": PASSWORD,
            "display_name": "Ana",
            "next": "/search/?q=harbor",
        },
        methods=("GET", "POST"),
        examples=50,
        signed_in=False,
    ),
    Route("accounts:signup_sent", "accounts/signup/sent/"),
    Route(
        "accounts:signup_confirm",
        "accounts/signup/confirm/<str:token>/",
        methods=("GET", "POST"),
        real=("tokens",),
        examples=25,
        signed_in=False,
    ),
    Route("accounts:account", "accounts/", signed_in=True),
    Route(
        "accounts:email_change",
        "accounts/email/",
        form={"email": "changed@example.com", "password": PASSWORD},
        methods=("GET", "POST"),
        examples=25,
        signed_in=True,
    ),
    Route(
        "accounts:verify_email",
        "accounts/email/verify/<str:token>/",
        real=("tokens",),
        examples=25,
    ),
    Route(
        "accounts:verify_email_resend",
        "accounts/email/resend/",
        methods=("POST", "GET"),
        signed_in=True,
    ),
    Route(
        "accounts:password_change",
        "accounts/password/",
        form={
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        methods=("GET", "POST"),
        examples=25,
        signed_in=True,
    ),
    Route(
        "accounts:delete",
        "accounts/delete/",
        form={"password": PASSWORD, "confirm": "on"},
        methods=("GET", "POST"),
        examples=20,
        signed_in=True,
    ),
    Route(
        "accounts:password_reset",
        "accounts/password/reset/",
        form={"email": READER_EMAIL},
        methods=("GET", "POST"),
        examples=25,
        signed_in=False,
    ),
    Route("accounts:password_reset_done", "accounts/password/reset/sent/"),
    Route(
        "accounts:password_reset_confirm",
        "accounts/password/reset/<uidb64>/<token>/",
        form={"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        real=("reset uids", "tokens"),
        methods=("GET", "POST"),
        examples=40,
        signed_in=False,
    ),
    Route("accounts:password_reset_complete", "accounts/password/reset/done/"),
    # Newsletters: the subscribe form, signed links from emails, the archive.
    Route(
        "newsletters:home",
        "newsletters/",
        query={"list": "daily"},
        form={"email": "new@example.com", "newsletters": "1"},
        methods=("GET", "POST"),
        examples=40,
    ),
    Route("newsletters:sent", "newsletters/sent/"),
    Route(
        "newsletters:confirm",
        "newsletters/confirm/<str:token>/",
        methods=("GET", "POST"),
        real=("newsletter tokens",),
        examples=25,
    ),
    Route(
        "newsletters:unsubscribe",
        "newsletters/u/<str:token>/",
        form={"List-Unsubscribe": "One-Click"},
        methods=("GET", "POST"),
        real=("newsletter tokens",),
        examples=30,
    ),
    Route(
        "newsletters:preferences",
        "newsletters/preferences/",
        form={"newsletters": "1", "sections": ""},
        methods=("GET", "POST"),
        signed_in=True,
        examples=25,
    ),
    Route(
        "newsletters:preferences_token",
        "newsletters/preferences/<str:token>/",
        form={"newsletters": "2", "sections": ""},
        methods=("GET", "POST"),
        real=("newsletter tokens",),
        examples=30,
    ),
    Route(
        "newsletters:archive",
        "newsletters/<slug:slug>/archive/",
        query={"page": "2"},
        real=("newsletters",),
    ),
    Route(
        "newsletters:edition",
        "newsletters/<slug:slug>/<int:pk>/",
        real=("newsletters", "edition ids"),
        examples=30,
    ),
)


@dataclass(frozen=True)
class Served:
    name: str
    converters: dict[str, Any]  # placeholder → the converter the resolver matches it with


def served_routes() -> dict[str, Served]:
    """Every route the project serves outside `EXCLUDED_PREFIXES`, with its converters."""
    found: dict[str, Served] = {}

    def walk(
        entries: list[URLPattern | URLResolver],
        prefix: str,
        namespace: str,
        converters: dict[str, Any],
    ) -> None:
        for entry in entries:
            route = prefix + str(entry.pattern)
            if route.startswith(tuple(EXCLUDED_PREFIXES)):
                continue
            seen = {**converters, **entry.pattern.converters}
            if isinstance(entry, URLResolver):
                inner = ":".join(n for n in (namespace, entry.namespace) if n)
                walk(entry.url_patterns, route, inner, seen)
            else:
                name = ":".join(n for n in (namespace, entry.name) if n)
                found[route] = Served(name=name, converters=seen)

    walk(get_resolver().url_patterns, "", "", {})
    return found


def test_it_fuzzes_every_public_url() -> None:
    served = {route: s.name for route, s in served_routes().items()}
    listed = {r.route: r.name for r in ROUTES}
    assert len(listed) == len(ROUTES), "a route is listed twice in ROUTES"
    excluded = {route: name for route, (name, _reason) in EXCLUDED.items()}
    assert not listed.keys() & excluded.keys(), "a route is both fuzzed and excluded"
    missing = {r: n for r, n in served.items() if r not in listed and r not in excluded}
    assert not missing, (
        f"served but not fuzzed: {missing}; add a Route to ROUTES (with the parameters its view "
        "reads) or an EXCLUDED entry saying why not"
    )
    assert {**listed, **excluded} == served, "ROUTES or EXCLUDED name a route no longer served"


# -- What is sent -----------------------------------------------------------------------------


class Raw(str):
    """A value already percent-encoded (a broken escape, say): sent as it is."""


def url_encoded(value: str) -> str:
    return value if isinstance(value, Raw) else quote(value, safe="")


def form_encoded(value: str) -> str:
    return value if isinstance(value, Raw) else quote_plus(value)


# Text without lone surrogates (no UTF-8 can carry them), control characters and NUL included.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
LONG_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=200, max_size=3000)
# Header values as HTTP carries them: visible Latin-1, spaces and tabs.
HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")
    | st.just("\t"),
    max_size=300,
)
# What any parameter may be sent, whatever it means.
HOSTILE = (
    "",
    " ",
    "0",
    "-1",
    "9223372036854775808",
    "\x00",
    "a\x00b",
    "\r\n",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
    "🦜",
    "Ω" * 300,
    "'",
    '"',
    "\\",
    "%",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "..",
    "../../etc/passwd",
    *map(Raw, ["%FF%FE", "%ZZ", "%", "%0", "%C0%AF", "%ED%A0%80", "%00", "%2F", "%252F", "+"]),
)
# Lengths just past the columns' and Django's limits (CharField max_lengths, MAX_URL_LENGTH):
# SQLite stores a value too long for its column, PostgreSQL refuses it with an error.
LENGTHS = st.sampled_from([81, 121, 151, 201, 255, 256, 301, 1001, 2001, 2048, 2049, 5000])
GENERIC = st.one_of(st.sampled_from(HOSTILE), TEXT, LENGTHS.map(lambda n: "a" * n))

NUMBER_EDGES = (
    "1",
    "2",
    "0",
    "-0",
    "-1",
    "+1",
    " 1",
    "1_000",
    "last",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    str(10**30),
    "9" * 400,
    "1e400",
    "NaN",
    "inf",
    "1.5",
    "0x1F",
    "²",
    "١٢٣",
    "𝟗",
)
INT_EDGES = (
    "0",
    "00",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    str(10**30),
    "0" * 30 + "1",
    "9" * 400,
)
NUMBERS = st.integers(min_value=-(10**30), max_value=10**30).map(str) | st.floats().map(repr)
DATE_EDGES = (
    "9999-12-31",
    "9999-12-30",
    "0001-01-01",
    "0001-01-02",
    "2026-02-30",
    "2024-02-29",
    "99999-01-01",
    "-2026-01-01",
    "2026-13-01",
    "0000-00-00",
    "2026-1-1",
    "20260101",
    "2026-W01-1",
    "2026-01-01T25:61",
    " 2026-01-01 ",
    "２０２６-01-01",
)
DATES = st.dates().map(dt.date.isoformat) | st.tuples(
    st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)
).map(lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}")
NEXT_EDGES = (
    "/",
    "/accounts/",
    "/search/?q=harbor",
    "http://testserver/accounts/",
    "//evil.example",
    "///evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http://[::1",
    "http://testserver:99999999/",
    "/" + "a" * 2000,
    "/" + "a" * 2047,
)
EMAIL_EDGES = (
    READER_EMAIL,
    READER_EMAIL.upper(),
    f" {READER_EMAIL} ",
    "new@example.com",
    "a" * 300 + "@example.com",
    "@",
    "a@b",
    "ünï@cödé.example",
    f"{READER_EMAIL}\x00",
)
PASSWORD_EDGES = (PASSWORD, NEW_PASSWORD, "a" * 5000, "\x00")
SLUGS = st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True)
BROWSERS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15",
)
# Mostly readers' browsers: the beacon and the meter ignore what looks like a bot.
USER_AGENTS = st.one_of(
    st.sampled_from(BROWSERS),
    st.tuples(st.just("Mozilla/5.0 "), HEADER_TEXT).map("".join),
    st.sampled_from(["", "curl/8.5", "Mozilla/5.0 (compatible; Googlebot/2.1)"]),
    HEADER_TEXT,
)


def values(*choices: tuple[str, ...] | st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A parameter's real and edge values (tuples), plausible ones (strategies), and what any
    parameter may be sent; each choice about as likely as the next."""
    return st.one_of(
        *(c if isinstance(c, st.SearchStrategy) else st.sampled_from(c) for c in choices),
        GENERIC,
    )


@dataclass
class Content:
    """What the pages have to render, and real values for the fuzz to send."""

    reader: User
    known: dict[str, tuple[str, ...]]  # what names a real section, story, token…
    reset_link: str
    words: tuple[str, ...] = ("harbor", "council", "Économie", "wall")


def parameter_values(name: str, content: Content) -> st.SearchStrategy[str]:
    """Values for the query parameter or form field `name` (decoded)."""
    query_edges = (
        *content.words,
        '"harbor wall"',
        "harbor*",
        "-harbor",
        "harbor OR council",
        "NEAR(harbor wall)",
        "headline:harbor",
        "( )",
        "AND NOT",
    )
    words = st.lists(st.sampled_from([*content.words, "OR", "-", '"', "*"]), max_size=8)
    slug_edges = ("World", "wörld", "world\x00", "-", "a" * 5000)
    by_name = {
        "q": values(query_edges, words.map(" ".join), LONG_TEXT),
        "page": values(NUMBER_EDGES, NUMBERS),
        "p": values(NUMBER_EDGES, NUMBERS),
        "from": values(DATE_EDGES, DATES),
        "to": values(DATE_EDGES, DATES),
        "section": values(content.known["sections"], slug_edges, SLUGS),
        "tag": values(content.known["tags"], slug_edges, SLUGS),
        "source": values(content.known["sources"], slug_edges, SLUGS),
        "next": values(NEXT_EDGES),
        "email": values(EMAIL_EDGES, st.emails()),
        "username": values(EMAIL_EDGES, st.emails()),
        "password": values(PASSWORD_EDGES, LONG_TEXT),
        "old_password": values(PASSWORD_EDGES, LONG_TEXT),
        "new_password1": values(PASSWORD_EDGES, LONG_TEXT),
        "new_password2": values(PASSWORD_EDGES, LONG_TEXT),
        "display_name": values(("Ana", "a" * 5000), LONG_TEXT),
        "confirm": values(("on", "true", "1", "false", "off")),
    }
    return by_name.get(name, GENERIC)


JUNK_NAMES = st.sampled_from(["page[]", "", "q\x00", "__proto__", "a" * 300]) | GENERIC


@st.composite
def encoded_pairs(
    draw: st.DrawFn,
    fuzzed: dict[str, st.SearchStrategy[str]],
    valid: dict[str, str],
    encode: Callable[[str], str],
) -> str:
    """A query string or form body: the valid values with one field fuzzed (three times in
    four, when there are valid values), or every field fuzzed (absent, once or repeated);
    maybe a junk field besides."""
    one_field = fuzzed and any(valid.values()) and draw(st.integers(0, 3)) > 0
    target = draw(st.sampled_from(sorted(fuzzed))) if one_field else None
    pairs = []
    for name, strategy in fuzzed.items():
        if target is None or name == target:
            chosen = draw(st.lists(strategy, max_size=2))
        else:
            chosen = [valid[name]] if valid.get(name) else []
        pairs += [f"{encode(name)}={encode(value)}" for value in chosen]
    for name, value in draw(st.lists(st.tuples(JUNK_NAMES, GENERIC), max_size=1)):
        pairs.append(f"{encode(name)}={encode(value)}")
    return "&".join(pairs)


def segment_values(converter: Any) -> st.SearchStrategy[str]:
    """Path segments for one placeholder: edges, ones its converter matches, hostile ones."""
    matching = st.from_regex(f"(?:{converter.regex})", fullmatch=True).filter(_sendable)
    if converter.regex == "[0-9]+":  # <int:…>: any run of ASCII digits, past every column's range
        return values(INT_EDGES, matching | st.integers(min_value=0).map(str))
    if converter.regex == "[-a-zA-Z0-9_]+":
        return values(("a" * 5000, "-" * 300, "_"), matching)
    return values(("a" * 5000, "MQ", "AAAA", "-_-_", "=", "set-password"), matching)


def _sendable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


PLACEHOLDER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class FuzzedRequest:
    """One request as drawn; a failure prints it whole, so it can be sent again by hand."""

    method: str
    url: str
    body: bytes
    content_type: str
    headers: dict[str, str]
    cookies: dict[str, str]
    signed_in: bool
    # A real reset link opened first puts its token in the session, so a POST to the
    # `…/set-password/` URL reaches the new-password form.
    reset_link_opened: bool
    # The origin's page cache on (as in production), and a stored page asked for again.
    page_cache: bool = False

    def __str__(self) -> str:
        shown = f"{self.method} {self.url[:2000]}"
        if self.body:
            shown += f" body={self.body[:500]!r} ({self.content_type})"
        if self.headers:
            shown += f" headers={self.headers!r}"
        if self.cookies:
            shown += f" cookies={self.cookies!r}"
        if self.signed_in:
            shown += " (signed in)"
        if self.reset_link_opened:
            shown += " (after opening a real reset link)"
        if self.page_cache:
            shown += " (page cache on)"
        return shown


def regression(method: str, url: str, form: dict[str, str] | None = None) -> FuzzedRequest:
    return FuzzedRequest(
        method=method,
        url=url,
        body=urlencode(form or {}).encode(),
        content_type="application/x-www-form-urlencoded",
        headers={"User-Agent": BROWSERS[0]},
        cookies={},
        signed_in=False,
        reset_link_opened=False,
    )


# Requests that once answered 500 (or broke what they feed), by route. Every run tries them
# first, as explicit examples, so a regression fails at once instead of when the fuzz next
# happens upon it.
REGRESSIONS = {
    "site:search": (
        regression("GET", "/search/?q=harbor&to=9999-12-31"),  # the inclusive end overflowed
        regression("GET", "/search/?q=harbor&section=world%00"),  # PostgreSQL refuses a NUL
    ),
    # The read was buffered, and the flush failed on an id past the column's range.
    "discovery:beacon": (regression("GET", "/b/9223372036854775808.gif"),),
    "accounts:signup": (
        # A `next` too long for the pending sign-up's column: PostgreSQL refused the row.
        regression(
            "POST",
            "/accounts/signup/",
            {"email": "new@example.com", "password": PASSWORD, "next": "/" + "a" * 2000},
        ),
    ),
}


def fuzzed_requests(
    route: Route, served: Served, content: Content
) -> st.SearchStrategy[FuzzedRequest]:
    """Requests to `route`: method, path, query string, body, headers and cookies."""
    placeholders = [m["name"] for m in PLACEHOLDER.finditer(route.route)]
    real = {
        name: st.sampled_from(content.known[key])
        for name, key in zip(placeholders, route.real, strict=False)
    }
    fuzzed = {name: segment_values(served.converters[name]) for name in placeholders}
    query = encoded_pairs(
        {n: parameter_values(n, content) for n in route.query}, route.query, form_encoded
    )
    form = encoded_pairs(
        {n: parameter_values(n, content) for n in route.form}, route.form, form_encoded
    )
    cookie_names = [
        "sessionid",
        "csrftoken",
        "messages",
        django_settings.MASTHEAD_METER_COOKIE_NAME,
    ]

    @st.composite
    def build(draw: st.DrawFn) -> FuzzedRequest:
        def segment(name: str) -> str:
            # Half the time one that names something real, so that the page behind the 404 is
            # fuzzed too (with the query string, the headers, the reader signed in or not).
            real_one = name in real and draw(st.booleans())
            return url_encoded(draw(real[name] if real_one else fuzzed[name]))

        path = "/" + PLACEHOLDER.sub(lambda m: segment(m["name"]), route.route)
        query_string = draw(query)
        # A form's POST three times in four: that is where its view does its work.
        posted = route.form and "POST" in route.methods and draw(st.integers(0, 3)) > 0
        method = "POST" if posted else draw(st.sampled_from(route.methods))
        headers = draw(
            st.fixed_dictionaries(
                {"User-Agent": USER_AGENTS},
                optional={
                    "Accept-Language": HEADER_TEXT | st.just("zz-ZZ;q=NaN, *;q=-1"),
                    "X-Forwarded-For": HEADER_TEXT | st.sampled_from(["::1", "999.1.1.1", ", ,"]),
                    # What the shipped Varnish sends: a metered story becomes a shell and a face.
                    "Surrogate-Capability": st.just('varnish="ESI/1.0"') | HEADER_TEXT,
                },
            )
        )
        body, content_type = b"", "application/x-www-form-urlencoded"
        if route.name == "wire:push":
            now = int(time.time())
            stamps = st.sampled_from([str(now), str(now - 10_000), f"{now}.0", f" {now}"])
            headers[TIMESTAMP_HEADER] = draw(stamps | HEADER_TEXT)
            headers[SIGNATURE_HEADER] = draw(
                st.from_regex(r"sha256=[0-9a-f]{64}", fullmatch=True) | HEADER_TEXT
            )
            body = draw(st.binary(max_size=2000) | st.just(json.dumps({"uri": "urn:x"}).encode()))
            content_type = draw(
                st.sampled_from(["application/json", "application/xml", "text/plain"])
            )
        elif method == "POST":
            # Mostly form fields; now and then bytes that are no form at all.
            raw = draw(st.integers(0, 9)) == 0
            body = draw(st.binary(max_size=500)) if raw else draw(form).encode()
        usual = draw(st.integers(0, 3)) > 0  # three times in four
        if route.signed_in is None:
            signed_in = draw(st.booleans())
        else:
            signed_in = route.signed_in if usual else not route.signed_in
        return FuzzedRequest(
            method=method,
            url=f"{path}?{query_string}" if query_string else path,
            body=body,
            content_type=content_type,
            headers=headers,
            # In the client's jar, not a Cookie header, which would drop a signed-in session.
            cookies=draw(st.dictionaries(st.sampled_from(cookie_names), HEADER_TEXT, max_size=2)),
            signed_in=signed_in,
            reset_link_opened=route.name == "accounts:password_reset_confirm"
            and draw(st.booleans()),
            page_cache=draw(st.booleans()),
        )

    return build()


# -- The fuzz ---------------------------------------------------------------------------------


@pytest.fixture
def content(settings, django_capture_on_commit_callbacks) -> Iterator[Content]:
    """A small paper: stories of every kind in two sections, walls, a reader, push feeds."""
    settings.MASTHEAD_CRAWLER_DNS_CHECK = False  # no DNS from tests; crawler claims still parsed
    settings.MASTHEAD_TRUSTED_PROXIES = 1  # so X-Forwarded-For is read, junk and all
    settings.MASTHEAD_POPULAR_FLUSH_SECONDS = 0  # flushed by the test, in its transaction
    settings.MASTHEAD_PAGE_SIZE = 2  # a few stories make several pages
    settings.MASTHEAD_SEARCH_PAGE_SIZE = 2
    with django_capture_on_commit_callbacks(execute=True):  # the search index is filled on commit
        world = SectionFactory(name="World", slug="world")
        local = SectionFactory(name="Local", slug="local", in_nav=False)
        tags = [TagFactory(name="Harbor"), TagFactory(name="Économie", slug="economie")]
        wire = SourceFactory(name="Wire", slug="wire")
        noindex = SourceFactory(
            name="Syndicated", slug="syndicated", index_policy=Source.IndexPolicy.NOINDEX
        )
        staff = StaffSourceFactory()
        author = AuthorFactory(name="Ana Reporter")
        now = timezone.now()
        stories = [
            ArticleFactory(
                headline=f"Harbor council story {n}",
                source=wire,
                sections=[world],
                tags=tags,
                authors=[author],
            )
            for n in range(5)
        ]
        stories += [
            ArticleFactory(
                headline="Économie: <img src=x> & the harbor’s “wall”\x0b",
                source=staff,
                is_local=True,
                sections=[local],
                access=Access.FREE,
            ),
            ArticleFactory(source=wire, access=Access.SUBSCRIBERS, sections=[world]),
            ArticleFactory(source=noindex, published_at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC)),
            ArticleFactory(status=Article.Status.KILLED, kill_reason="Withdrawn."),
            ArticleFactory(status=Article.Status.DRAFT, published_at=None),
            ArticleFactory(published_at=now + dt.timedelta(days=1)),
            ArticleFactory(embargo_until=now + dt.timedelta(days=1)),
        ]
        stories.append(ArticleFactory(duplicate_of=stories[0]))
        # Corrections on several pages of them, the odd headline's and the killed story's too.
        for story in stories[3:9]:
            ApplyCorrectionAction(
                article=story, note=f"Corrected <b>{story.pk}</b> & so on.", actor=FUZZ_DESK
            ).execute()
    reader = services.register_reader(email=READER_EMAIL, password=PASSWORD)
    Feed.objects.create(name="Push", slug="push", push_secret="s3cret", source=wire)
    Feed.objects.create(name="Pull", slug="pull", location="https://wire.example/feed")
    Feed.objects.create(name="Sourceless", slug="sourceless", push_secret="s3cret")
    signup = services.start_sign_up(email="new@example.com", password=PASSWORD)
    daily = Newsletter.objects.get(slug="daily")
    (subscription,) = newsletter_services.subscribe(
        email=READER_EMAIL, newsletters=[daily], source="fuzz"
    )
    edition = newsletter_services.build_edition(daily)
    newsletter_services.start_sending(edition, enqueue=False)
    newsletter_sending.deliver(edition.pk)
    uidb64 = urlsafe_base64_encode(force_bytes(reader.pk))
    reset_token = default_token_generator.make_token(reader)
    yield Content(
        reader=reader,
        known={
            "stories": tuple(a.slug for a in stories),
            "story ids": tuple(str(a.pk) for a in stories),
            "sections": ("world", "local"),
            "tags": tuple(t.slug for t in tags),
            "sources": ("wire", "syndicated", "staff"),
            "sitemaps": ("articles", "sections", "news"),
            "feeds": ("push", "pull", "sourceless"),
            "tokens": (
                signup.token,
                emails.verification_token(reader),
                reset_token,
                "set-password",
            ),
            "reset uids": (uidb64,),
            "newsletters": ("daily", "breaking"),
            "edition ids": (str(edition.pk),),
            "newsletter tokens": (
                newsletter_tokens.unsubscribe_token(subscription.pk),
                newsletter_tokens.preferences_token(READER_EMAIL),
                newsletter_tokens.confirm_token(
                    email="new@example.com", newsletter_ids=[daily.pk], source="fuzz"
                ),
            ),
            "preview tokens": (
                *(token_for(a) for a in stories),
                token_for(stories[0], hours=-1),
            ),
        },
        reset_link=f"/accounts/password/reset/{uidb64}/{reset_token}/",
    )
    popular.get_buffer().drain()  # no beacon read outlives the test


def send(request: FuzzedRequest, content: Content) -> HttpResponse:
    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    if request.signed_in:
        client.force_login(content.reader)
    for name, value in request.cookies.items():
        client.cookies[name] = value
    if request.reset_link_opened:
        client.get(content.reset_link)
    return client.generic(
        request.method,
        request.url,
        data=request.body,
        content_type=request.content_type,
        headers=request.headers,
    )


def cause(response: HttpResponse) -> str:
    """The exception behind a 500: its message, where it was raised, and our frames on the way."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return "no exception: the view answered with this status itself"
    exc_type, exc, tb = exc_info
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if "/masthead/" in f.filename] or frames[-1:]
    via = " <- ".join(
        f"masthead/{f.filename.split('/masthead/', 1)[-1]}:{f.lineno} in {f.name}"
        for f in ours[::-1][:4]
    )
    last = frames[-1]
    return f"{exc_type.__name__}: {exc}\n  raised at {last.filename}:{last.lineno}\n  via {via}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_no_public_url_answers_a_server_error(route: Route, content: Content) -> None:
    served = served_routes().get(route.route)
    assert served is not None, f"{route.route!r} is not served (test_it_fuzzes_every_public_url)"

    # Decorated here rather than on the test, so that each route has its own number of examples
    # and the content is built once per route, not once per example.
    @hypothesis.settings(
        max_examples=route.examples,
        deadline=None,
        database=None,  # nothing written into the work tree; a failure prints its example
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(request=fuzzed_requests(route, served, content))
    def example(request: FuzzedRequest) -> None:
        # Throttles, meters and stored pages start afresh, as the rolled-back content does.
        cache.clear()
        caches["pages"].clear()
        with transaction.atomic(), override_settings(MASTHEAD_PAGE_CACHE=request.page_cache):
            try:
                responses = [send(request, content)]
                if responses[0].get("X-Origin-Cache") == "miss":
                    responses.append(send(request, content))  # the stored page, served
                for response in responses:
                    status = response.status_code
                    assert status < 500, f"{status} for {request}\n{cause(response)}"
                    if route.refused:
                        assert 400 <= status < 500, f"{status}, not refused, for {request}"
                if route.name == "discovery:beacon":
                    # The beacon only buffers the read; the flush that writes it must take any
                    # id the URL can carry as well.
                    try:
                        popular.flush()
                    except Exception as exc:  # noqa: BLE001 - reported with the request
                        raise AssertionError(f"the flush after {request} failed: {exc!r}") from exc
            finally:
                popular.get_buffer().drain()
                transaction.set_rollback(True)

    for case in REGRESSIONS.get(route.name, ()):
        example = hypothesis.example(request=case)(example)
    example()

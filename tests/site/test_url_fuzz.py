"""Every public URL, fuzzed: no path value, query string, form post or header makes a 500.

The routes are read from the project's resolver, so a URL added later fails
`test_it_fuzzes_every_public_url` until it gets a `Route` below or an `EXCLUDED` reason: a page
nobody fuzzes is where the next 500 waits. The parameters each route fuzzes were read off its
view (and off the Django view it subclasses: `page` for ListView, `p` for sitemaps, `next` for
the auth views); every request may also carry a parameter no view reads and hostile headers,
since middleware reads those on every page.

Each example runs in a savepoint that is rolled back and starts with an empty cache, so one
example's sign-up, deleted account or throttle counter is not the next one's starting point,
and a database error (PostgreSQL refusing a NUL) shows as that example's 500 rather than as
"transaction aborted" in every example after it.
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
from urllib.parse import quote, quote_plus

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.accounts import emails, services
from masthead.accounts.models import User
from masthead.discovery import popular
from masthead.newsroom.models import Access, Article, Source
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
READER_EMAIL = "reader@example.com"

# -- Which routes are fuzzed ------------------------------------------------------------------

# Route prefixes left out whole, with the reason.
EXCLUDED_PREFIXES = {
    "admin/": "staff only, behind the admin's sign-in; its list filters have their own tests",
}
# Single public routes left out, route → (name, reason). Empty: every public page is fuzzed.
EXCLUDED: dict[str, tuple[str, str]] = {}


@dataclass(frozen=True)
class Route:
    """One public URL pattern and what its view reads."""

    name: str
    route: str  # as the resolver spells it, from the root and without the leading slash
    query: tuple[str, ...] = ()  # GET parameters the view reads
    form: tuple[str, ...] = ()  # POST fields the view reads
    methods: tuple[str, ...] = ("GET",)
    refused: bool = False  # nothing the fuzz sends may succeed: every answer must be a 4xx
    examples: int = 12


ROUTES = (
    # The reader site.
    Route("site:home", ""),
    Route("site:section", "section/<slug:slug>/", query=("page",), examples=25),
    Route("site:tag", "tag/<slug:slug>/", query=("page",), examples=25),
    Route("site:article", "story/<slug:slug>/", examples=40),
    Route(
        "site:search",
        "search/",
        query=("q", "page", "section", "tag", "source", "from", "to"),
        examples=150,
    ),
    # Discovery: the beacon, robots, sitemaps, feeds.
    Route("discovery:beacon", "b/<int:article_id>.gif", examples=40),
    Route("discovery:robots", "robots.txt"),
    Route("discovery:sitemap-index", "sitemap.xml"),
    Route("discovery:sitemap-section", "sitemap-<slug:section>.xml", query=("p",), examples=30),
    Route("discovery:news-sitemap", "news-sitemap.xml", query=("p",)),
    Route("discovery:feed-rss", "feeds/rss/"),
    Route("discovery:feed-atom", "feeds/atom/"),
    Route("discovery:section-feed-rss", "feeds/section/<slug:slug>/rss/", examples=20),
    Route("discovery:section-feed-atom", "feeds/section/<slug:slug>/atom/", examples=20),
    Route("discovery:tag-feed-rss", "feeds/tag/<slug:slug>/rss/", examples=20),
    Route("discovery:tag-feed-atom", "feeds/tag/<slug:slug>/atom/", examples=20),
    # The wire's push endpoint: without the feed's secret, nothing gets in.
    Route(
        "wire:push", "wire/push/<slug:slug>/", methods=("POST", "GET"), refused=True, examples=60
    ),
    # Accounts.
    Route(
        "accounts:login",
        "accounts/signin/",
        query=("next",),
        form=("username", "password", "next"),
        methods=("GET", "POST"),
        examples=40,
    ),
    Route("accounts:logout", "accounts/signout/", form=("next",), methods=("POST", "GET")),
    Route(
        "accounts:signup",
        "accounts/signup/",
        query=("next",),
        form=("email", "password", "display_name", "next"),
        methods=("GET", "POST"),
        examples=40,
    ),
    Route("accounts:signup_sent", "accounts/signup/sent/"),
    Route(
        "accounts:signup_confirm",
        "accounts/signup/confirm/<str:token>/",
        methods=("GET", "POST"),
        examples=25,
    ),
    Route("accounts:account", "accounts/"),
    Route(
        "accounts:email_change",
        "accounts/email/",
        form=("email", "password"),
        methods=("GET", "POST"),
        examples=25,
    ),
    Route("accounts:verify_email", "accounts/email/verify/<str:token>/", examples=25),
    Route("accounts:verify_email_resend", "accounts/email/resend/", methods=("POST", "GET")),
    Route(
        "accounts:password_change",
        "accounts/password/",
        form=("old_password", "new_password1", "new_password2"),
        methods=("GET", "POST"),
        examples=25,
    ),
    Route(
        "accounts:delete",
        "accounts/delete/",
        form=("password", "confirm"),
        methods=("GET", "POST"),
        examples=20,
    ),
    Route(
        "accounts:password_reset",
        "accounts/password/reset/",
        form=("email",),
        methods=("GET", "POST"),
        examples=25,
    ),
    Route("accounts:password_reset_done", "accounts/password/reset/sent/"),
    Route(
        "accounts:password_reset_confirm",
        "accounts/password/reset/<uidb64>/<token>/",
        form=("new_password1", "new_password2"),
        methods=("GET", "POST"),
        examples=40,
    ),
    Route("accounts:password_reset_complete", "accounts/password/reset/done/"),
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


def test_it_fuzzes_every_public_url():
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

# Text without lone surrogates (they cannot be sent as UTF-8), control characters included.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
LONG_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=200, max_size=3000)
# Header values as HTTP can carry them: visible Latin-1, spaces and tabs.
HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")
    | st.just("\t"),
    max_size=300,
)

HOSTILE = (
    "",
    " ",
    "0",
    "-0",
    "-1",
    "00",
    "+1",
    " 1",
    "1_000",
    "1e400",
    "NaN",
    "inf",
    "-inf",
    "0x1F",
    "²",
    "١٢٣",
    "𝟗",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    str(10**30),
    "9" * 400,
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "99999-01-01",
    "2026-13-01",
    "0000-00-00",
    "2026-01-01T25:61",
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
    '"unterminated',
    "harbor*",
    "NEAR(harbor wall)",
    "headline:harbor",
    "-harbor",
    "OR",
    "AND NOT",
    "( )",
    "..",
    "../../etc/passwd",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\\evil.example",
    "a" * 5000,
)
# Already percent-encoded: broken escapes, invalid UTF-8, an encoded surrogate, an encoded slash.
RAW = ("%FF%FE", "%ZZ", "%", "%0", "%C0%AF", "%ED%A0%80", "%00", "%2F", "%252F", "+", "%E2%80%AE")
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from([2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30]).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.just("last"),
)
DATES = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.tuples(st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
    ),
)
URLS = st.sampled_from(
    ["/", "/accounts/", "/search/?q=harbor", "http://testserver/", "///evil.example", "\\\\x"]
)
# What an `<int:…>` converter takes: any run of ASCII digits, far past every column's range.
INT_IDS = st.one_of(
    st.integers(min_value=0).map(str),
    st.sampled_from([0, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]).map(str),
    st.just("0" * 30 + "1"),
)
SLUGS = st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True)


def hostile(
    decoded: st.SearchStrategy[str], encode: Callable[[str], str]
) -> st.SearchStrategy[str]:
    """`decoded` values and the hostile ones, encoded for the URL or body, or raw escapes."""
    return st.one_of(
        decoded.map(encode),
        st.sampled_from(HOSTILE).map(encode),
        TEXT.map(encode),
        st.sampled_from(RAW),
    )


@dataclass
class Content:
    """What the pages have to render, and real values for the fuzz to mix in."""

    reader: User
    slugs: list[str]
    ids: list[str]
    tokens: list[str]
    uidb64: str
    reset_link: str
    words: list[str] = field(default_factory=lambda: ["harbor", "council", "Économie"])


def parameter_values(name: str, content: Content) -> st.SearchStrategy[str]:
    """Plausible and hostile values for the parameter or form field `name`, decoded."""
    by_name: dict[str, st.SearchStrategy[str]] = {
        "q": st.one_of(
            st.sampled_from(content.words),
            st.lists(st.sampled_from([*content.words, "OR", "-", '"', "*"]), max_size=6).map(
                " ".join
            ),
            LONG_TEXT,
        ),
        "page": NUMBERS,
        "p": NUMBERS,
        "from": DATES,
        "to": DATES,
        "section": st.sampled_from(content.slugs) | SLUGS,
        "tag": st.sampled_from(content.slugs) | SLUGS,
        "source": st.sampled_from(content.slugs) | SLUGS,
        "next": URLS,
        "email": st.sampled_from([READER_EMAIL, READER_EMAIL.upper(), "new@example.com"])
        | st.emails(),
        "username": st.sampled_from([READER_EMAIL, "a" * 300 + "@example.com"]) | st.emails(),
        "password": st.just(PASSWORD) | LONG_TEXT,
        "old_password": st.just(PASSWORD) | LONG_TEXT,
        "new_password1": st.just("a far better passphrase 7") | LONG_TEXT,
        "new_password2": st.just("a far better passphrase 7") | LONG_TEXT,
        "display_name": LONG_TEXT,
        "confirm": st.sampled_from(["on", "true", "1", "false"]),
    }
    return by_name.get(name, TEXT)


def encoded_pairs(
    names: tuple[str, ...], content: Content, encode: Callable[[str], str]
) -> st.SearchStrategy[str]:
    """A query string or form body: the view's parameters, repeated or not, and junk ones."""
    junk_name = st.sampled_from(["page[]", "", "q\x00", "__proto__", "a" * 300]) | TEXT
    named = [
        hostile(parameter_values(n, content), encode).map(lambda v, n=n: f"{encode(n)}={v}")
        for n in names
    ]
    junk = st.tuples(junk_name.map(encode), hostile(TEXT, encode)).map("=".join)
    pair = st.one_of(*named, junk) if named else junk
    return st.lists(pair, max_size=8 if names else 2).map("&".join)


def segment_values(placeholder: str, converter: Any, content: Content) -> st.SearchStrategy[str]:
    """Path segments for one placeholder: ones its converter matches and hostile ones."""
    matching = st.from_regex(f"(?:{converter.regex})", fullmatch=True).filter(_sendable)
    real: list[str] = []
    if converter.regex == "[0-9]+":
        matching = st.one_of(matching, INT_IDS)
        real = content.ids
    elif converter.regex == "[-a-zA-Z0-9_]+":
        matching = st.one_of(matching, st.just("a" * 5000), st.just("-" * 300))
        real = content.slugs
    elif placeholder == "uidb64":
        real = [content.uidb64]
    else:
        real = content.tokens
    return st.one_of(
        st.sampled_from(real).map(lambda v: quote(v, safe="")),
        hostile(matching, lambda v: quote(v, safe="")),
    )


def _sendable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


PLACEHOLDER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


@st.composite
def http_requests(
    draw: st.DrawFn, route: Route, served: Served, content: Content
) -> dict[str, Any]:
    """One request to `route`: method, path, query string, body and headers."""
    path = "/" + PLACEHOLDER.sub(
        lambda m: draw(segment_values(m["name"], served.converters[m["name"]], content)),
        route.route,
    )
    query = draw(encoded_pairs(route.query, content, quote_plus))
    method = draw(st.sampled_from(route.methods))
    headers = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "User-Agent": HEADER_TEXT | st.just("Mozilla/5.0 (compatible; Googlebot/2.1)"),
                "Accept-Language": HEADER_TEXT | st.just("zz-ZZ;q=NaN, *;q=-1"),
                "X-Forwarded-For": HEADER_TEXT | st.sampled_from(["::1", "999.1.1.1", ", ,"]),
            },
        )
    )
    # Set in the client's jar, not as a Cookie header, which would replace the session cookie
    # of a signed-in client.
    cookies = draw(
        st.dictionaries(
            st.sampled_from(
                ["sessionid", "csrftoken", "messages", django_settings.MASTHEAD_METER_COOKIE_NAME]
            ),
            HEADER_TEXT,
            max_size=2,
        )
    )
    body, content_type = b"", "application/x-www-form-urlencoded"
    if route.name == "wire:push":
        stamp = st.sampled_from([str(int(time.time())), str(int(time.time()) - 10_000)])
        headers[TIMESTAMP_HEADER] = draw(stamp | HEADER_TEXT)
        headers[SIGNATURE_HEADER] = draw(
            st.from_regex(r"sha256=[0-9a-f]{64}", fullmatch=True) | HEADER_TEXT
        )
        body = draw(st.binary(max_size=2000) | st.just(json.dumps({"uri": "urn:x"}).encode()))
        content_type = draw(st.sampled_from(["application/json", "application/xml", "text/plain"]))
    elif method == "POST":
        body = draw(
            encoded_pairs(route.form, content, quote_plus).map(str.encode) | st.binary(max_size=500)
        )
    return {
        "method": method,
        "url": f"{path}?{query}" if query else path,
        "body": body,
        "content_type": content_type,
        "headers": headers,
        "cookies": cookies,
        "signed_in": draw(st.booleans()),
        # A real reset link opened first puts its token in the session, so a POST to the
        # `set-password` URL reaches the new-password form.
        "reset_link_opened": route.name == "accounts:password_reset_confirm"
        and draw(st.booleans()),
    }


# -- The fuzz ---------------------------------------------------------------------------------


@pytest.fixture
def content(settings, django_capture_on_commit_callbacks) -> Iterator[Content]:
    """A small paper: stories of every kind in two sections, walls, a reader, a push feed."""
    settings.MASTHEAD_CRAWLER_DNS_CHECK = False  # no DNS from tests; claims are still parsed
    settings.MASTHEAD_TRUSTED_PROXIES = 1  # so X-Forwarded-For is read, junk and all
    settings.MASTHEAD_POPULAR_FLUSH_SECONDS = 0  # flushed below, in the test's transaction
    settings.MASTHEAD_PAGE_SIZE = 2  # a few stories make several pages
    settings.MASTHEAD_SEARCH_PAGE_SIZE = 2
    with django_capture_on_commit_callbacks(execute=True):
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
    reader = services.register_reader(email=READER_EMAIL, password=PASSWORD)
    Feed.objects.create(name="Push", slug="push", push_secret="s3cret", source=wire)
    Feed.objects.create(name="Pull", slug="pull", location="https://wire.example/feed")
    Feed.objects.create(name="Sourceless", slug="sourceless", push_secret="s3cret")
    signup = services.start_sign_up(email="new@example.com", password=PASSWORD)
    uidb64 = urlsafe_base64_encode(force_bytes(reader.pk))
    reset_token = default_token_generator.make_token(reader)
    yield Content(
        reader=reader,
        slugs=[
            *(a.slug for a in stories),
            "world",
            "local",
            *(t.slug for t in tags),
            "wire",
            "staff",
            "push",
            "pull",
            "sourceless",
            "articles",
            "sections",
            "news",
        ],
        ids=[str(a.pk) for a in stories],
        tokens=[
            signup.token,
            emails.verification_token(reader),
            reset_token,
            "set-password",
        ],
        uidb64=uidb64,
        reset_link=f"/accounts/password/reset/{uidb64}/{reset_token}/",
    )
    popular.get_buffer().drain()  # no counted beacon outlives the test


def send(request: dict[str, Any], content: Content) -> tuple[HttpResponse, str]:
    """The response to `request`, and the request as a line for a failure message."""
    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    if request["signed_in"]:
        client.force_login(content.reader)
    for name, value in request["cookies"].items():
        client.cookies[name] = value
    if request["reset_link_opened"]:
        client.get(content.reset_link)
    method, url = request["method"], request["url"]
    response = client.generic(
        method,
        url,
        data=request["body"],
        content_type=request["content_type"],
        headers=request["headers"],
    )
    shown = f"{method} {url}"
    if request["body"]:
        shown += f" body={request['body'][:300]!r}"
    if request["headers"]:
        shown += f" headers={request['headers']!r}"
    if request["cookies"]:
        shown += f" cookies={request['cookies']!r}"
    if request["signed_in"]:
        shown += " (signed in)"
    return response, shown


def cause(response: HttpResponse) -> str:
    """The exception behind a 500: its message, and where it was raised in our code."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return "no exception: the view answered with this status itself"
    exc_type, exc, tb = exc_info
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if "/masthead/" in f.filename] or frames[-1:]
    where = " <- ".join(
        f"{f.filename.split('/masthead/', 1)[-1]}:{f.lineno} in {f.name}" for f in ours[::-1][:4]
    )
    last = frames[-1]
    return f"{exc_type.__name__}: {exc}\n  raised at {last.filename}:{last.lineno}\n  via {where}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_no_public_url_answers_a_server_error(route: Route, content: Content):
    served = served_routes().get(route.route)
    assert served is not None, f"{route.route!r} is not served (test_it_fuzzes_every_public_url)"

    # Decorated here, not on the test, so that each route gets its own number of examples and
    # the content above is built once per route rather than once per example.
    @settings(
        max_examples=route.examples,
        deadline=None,
        database=None,  # nothing written to the work tree; a failure prints its example
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(request=http_requests(route, served, content))
    def example(request: dict[str, Any]) -> None:
        cache.clear()  # throttles and the meter start afresh, as the content does
        with transaction.atomic():
            try:
                response, shown = send(request, content)
                status = response.status_code
                assert status < 500, f"{status} for {shown}\n{cause(response)}"
                if route.refused:
                    assert 400 <= status < 500, f"{status} (not refused) for {shown}"
                if route.name == "discovery:beacon":
                    # The beacon only buffers the read; the flush that writes it must take any
                    # id the URL could carry too.
                    try:
                        popular.flush()
                    except Exception as exc:  # noqa: BLE001 - reported with the URL
                        raise AssertionError(f"flush after {shown} failed: {exc!r}") from exc
            finally:
                popular.get_buffer().drain()
                transaction.set_rollback(True)

    example()

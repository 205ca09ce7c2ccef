"""Purge keys and cache headers on every response, and the origin's page cache in front.

A response is shared-cacheable when its view said `Cache-Control: public` and it sets no
cookie; it then carries its purge keys (`Surrogate-Key` for Fastly and the like, `xkey` for
Varnish, `Cache-Tag` for Cloudflare), a `Surrogate-Control` telling edges how long to keep it
(purges end it sooner), and is stored in the origin's page cache. A request is answered from
that cache only when nothing about it can be personal: GET, no session cookie (so no
signed-in reader), no pending messages, and no query but `page`; a hit touches no database.

Metered stories are `private` (the meter decides per reader) and never stored here: the
article view caches their two faces itself (`faces.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control

from masthead.edge import pagecache
from masthead.lib import surrogates

CACHEABLE_STATUS = (200, 410)
# Query parameters a cached page may have; any other makes the request bypass the cache, so
# random query strings cannot fill it.
CACHEABLE_QUERY = frozenset({"page"})


def anonymous(request: HttpRequest) -> bool:
    """Nothing in the request can make the page personal (judged from cookies: no session
    lookup, no database)."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _eligible(request: HttpRequest) -> bool:
    return (
        settings.MASTHEAD_PAGE_CACHE
        and request.method == "GET"
        and anonymous(request)
        and set(request.GET) <= CACHEABLE_QUERY
        and not request.path.startswith("/admin/")
    )


def renders_esi(request: HttpRequest) -> bool:
    """The request came through an edge that renders ESI (the shipped VCL says so, and removes
    the header from readers' own requests). A reader sending it themselves gets a metered
    story's shell without its body: nothing to gain."""
    return "ESI/1.0" in request.headers.get("Surrogate-Capability", "")


def page_name(request: HttpRequest) -> str:
    # The host is part of it: pages carry absolute URLs (canonical, share links). An ESI
    # edge's request gets a metered story's shell, which only an ESI edge may be given.
    edge = ":esi" if renders_esi(request) else ""
    return f"page:{request.get_host()}:{request.get_full_path()}{edge}"


def is_shared(response: HttpResponseBase) -> bool:
    control = response.get("Cache-Control", "")
    return (
        "public" in control
        and "private" not in control
        and "no-store" not in control
        and not response.cookies
    )


def mark(response: HttpResponseBase, keys: set[str]) -> None:
    """Purge keys and the edge's lifetime on a shared-cacheable response."""
    value = " ".join(sorted(keys))
    response["Surrogate-Key"] = value
    response["xkey"] = value
    if settings.MASTHEAD_CLOUDFLARE_ZONE_ID:
        response["Cache-Tag"] = ",".join(sorted(keys))
    lifetime = f"max-age={settings.MASTHEAD_PAGE_CACHE_SECONDS}"
    existing = response.get("Surrogate-Control", "")  # e.g. content="ESI/1.0" on a shell
    response["Surrogate-Control"] = f"{existing}, {lifetime}" if existing else lifetime


def from_entry(entry: pagecache.Entry) -> HttpResponse:
    response = HttpResponse(entry.content, status=entry.status)
    for name, value in entry.headers.items():
        response[name] = value
    response["X-Origin-Cache"] = "hit"
    return response


def to_entry(response: HttpResponse) -> pagecache.Entry:
    headers = {h: response[h] for h in pagecache.KEPT_HEADERS if response.has_header(h)}
    return pagecache.Entry(status=response.status_code, content=response.content, headers=headers)


class EdgeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        eligible = _eligible(request)
        if eligible:
            entry = pagecache.get(page_name(request))
            if entry is not None:
                return from_entry(entry)
        started = time.time()
        with surrogates.collecting() as found:
            response = self.get_response(request)
            keys = set(found)
        if not is_shared(response) or getattr(response, "streaming", False):
            return response
        if not response.has_header("Cache-Control") or "max-age" not in response["Cache-Control"]:
            patch_cache_control(response, max_age=settings.MASTHEAD_BROWSER_CACHE_SECONDS)
        mark(response, keys)
        if (
            eligible
            and response.status_code in CACHEABLE_STATUS
            and isinstance(response, HttpResponse)
        ):
            pagecache.put(page_name(request), to_entry(response), keys, rendered_since=started)
            response["X-Origin-Cache"] = "miss"
        return response

"""Reader-facing discovery endpoints: the Popular beacon, robots.txt (the search page is the
site's, built on `masthead.discovery.search`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from masthead.discovery.popular import record_view

# The smallest transparent GIF (43 bytes).
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@require_GET
@never_cache
def beacon(request: HttpRequest, article_id: int) -> HttpResponse:
    """The Popular beacon: a 1×1 GIF that counts a read and is never cached anywhere.

    Every id gets the same pixel, counted or not (a bot, a repeat, an id no story can have), so
    the answer tells a prober nothing and costs no query.
    """
    record_view(request, article_id)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    def absolute(name: str) -> str:
        return request.build_absolute_uri(reverse(name))

    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        # Search result pages are infinite and thin; the beacon is not content.
        "Disallow: /search/",
        "Disallow: /b/",
        "",
        f"Sitemap: {absolute('discovery:sitemap-index')}",
        f"Sitemap: {absolute('discovery:news-sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

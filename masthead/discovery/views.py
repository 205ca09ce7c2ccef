"""Reader-facing discovery pages: search, the Popular beacon, robots.txt."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from masthead.discovery.popular import record_view
from masthead.discovery.search import SearchFilters
from masthead.discovery.search.results import search_page, suggestions
from masthead.discovery.search.text import parse_query
from masthead.newsroom.models import Section, Source, Tag

# The smallest transparent GIF (43 bytes).
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class SearchView(TemplateView):
    """`/search/?q=…&section=…&tag=…&source=…&from=YYYY-MM-DD&to=YYYY-MM-DD&page=N`."""

    template_name = "discovery/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        query = params.get("q", "").strip()[:200]
        terms = parse_query(query)
        section = Section.objects.filter(slug=params.get("section", "")).first()
        tag = Tag.objects.filter(slug=params.get("tag", "")).first()
        source = Source.objects.filter(slug=params.get("source", "")).first()
        date_from, date_to = _parse_date(params.get("from", "")), _parse_date(params.get("to", ""))
        filters = SearchFilters(
            section_id=section.pk if section else None,
            tag_id=tag.pk if tag else None,
            source_id=source.pk if source else None,
            date_from=_start_of(date_from) if date_from else None,
            # "to" is inclusive for readers: everything before the next day's midnight.
            date_to=_start_of(date_to + dt.timedelta(days=1)) if date_to else None,
        )
        filter_params = {
            key: value
            for key, value in [
                ("section", section.slug if section else ""),
                ("tag", tag.slug if tag else ""),
                ("source", source.slug if source else ""),
                ("from", date_from.isoformat() if date_from else ""),
                ("to", date_to.isoformat() if date_to else ""),
            ]
            if value
        }
        page = (
            search_page(
                terms,
                filters,
                page=params.get("page", 1),
                per_page=settings.MASTHEAD_SEARCH_PAGE_SIZE,
            )
            if terms
            else None
        )
        suggested: list[dict[str, str]] = []
        if page is not None and page.paginator.count == 0:
            for suggestion, keep_filters in suggestions(terms, filters):
                qs = {"q": suggestion, **(filter_params if keep_filters else {})}
                suggested.append({"query": suggestion, "url": f"?{urlencode(qs)}"})
        base_qs = urlencode({"q": query, **filter_params})
        context.update(
            search_query=query,
            terms=terms,
            page_obj=page,
            hits=list(page.object_list) if page is not None else [],
            suggestions=suggested,
            filters=filter_params,
            base_qs=base_qs,
            sections=Section.objects.all(),
            sources=Source.objects.all(),
            selected_tag=tag,
        )
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        # Result pages are thin, endless and change by the minute: keep them out of indexes.
        response["X-Robots-Tag"] = "noindex, follow"
        return response


@require_GET
@never_cache
def beacon(request: HttpRequest, article_id: int) -> HttpResponse:
    """The Popular beacon: a 1×1 GIF that counts a read and is never cached anywhere."""
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

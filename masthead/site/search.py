"""The search page: the reader site's view of discovery's full-text search.

The page is the site's (it wears the site's layout); what it finds, ranks and suggests is
`masthead.discovery.search`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from masthead.discovery.search import SearchFilters
from masthead.discovery.search.results import search_page, suggestions
from masthead.discovery.search.text import parse_query
from masthead.newsroom.models import Section, Source, Tag

# The days a filter may name. A day's midnight, the next day's ("to" is inclusive) and both in
# UTC must all be datetimes; a day's margin at either end covers every UTC offset, where
# `to=9999-12-31` used to overflow into a 500.
EARLIEST_DAY = dt.date.min + dt.timedelta(days=1)
LATEST_DAY = dt.date.max - dt.timedelta(days=1)
# What the site's `<slug:…>` URLs accept; anything else names no section, tag or source, and a
# NUL in it is refused by PostgreSQL with an error rather than matched.
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")

M = TypeVar("M", bound=Model)


def _parse_date(request: HttpRequest, name: str, label: str) -> dt.date | None:
    """The day in the query parameter `name`, or None; an unusable one is ignored and said so."""
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not EARLIEST_DAY <= day <= LATEST_DAY:
        messages.warning(
            request,
            f"The {label} date “{value[:40]}” was ignored: give a date as YYYY-MM-DD, between "
            f"{EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}.",
        )
        return None
    return day


def _by_slug(queryset: QuerySet[M], value: str) -> M | None:
    return queryset.filter(slug=value).first() if SLUG_RE.fullmatch(value) else None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class SearchView(TemplateView):
    """`/search/?q=…&section=…&tag=…&source=…&from=YYYY-MM-DD&to=YYYY-MM-DD&page=N`."""

    template_name = "site/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        query = params.get("q", "").strip()[:200]
        terms = parse_query(query)
        section = _by_slug(Section.objects.all(), params.get("section", ""))
        tag = _by_slug(Tag.objects.all(), params.get("tag", ""))
        source = _by_slug(Source.objects.all(), params.get("source", ""))
        date_from = _parse_date(self.request, "from", "“from”")
        date_to = _parse_date(self.request, "to", "“to”")
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

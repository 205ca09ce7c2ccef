"""The search page: the reader site's view of discovery's full-text search.

The page is the site's (it wears the site's layout); what it finds, ranks and suggests is
`masthead.discovery.search`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from masthead.discovery.search import SearchFilters
from masthead.discovery.search.results import search_page, suggestions
from masthead.discovery.search.text import parse_query
from masthead.newsroom.models import Section, Source, Tag


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


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

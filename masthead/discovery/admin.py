"""Editors' view of Popular: views per story per hour, as a chart in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from masthead.discovery.charts import chart_for
from masthead.discovery.models import ViewBucket
from masthead.discovery.popular import is_story_id

DEFAULT_HOURS = 48
MIN_HOURS, MAX_HOURS = 6, 24 * 14  # fewer is not a trend; more is not "recent" reading


def chart_params(params: QueryDict) -> tuple[list[int], int, list[str]]:
    """The stories (`?article=`) and period (`?hours=`) asked for, and what was ignored or
    clamped, said in words: a hand-edited URL gets the chart and a note, never an error page
    (an id past the column's range, or a digit `int()` refuses, such as "²", used to be a 500).
    """
    problems: list[str] = []
    ids: list[int] = []
    for value in params.getlist("article"):
        try:
            article_id = int(value)
        except ValueError:
            article_id = 0
        if is_story_id(article_id):
            ids.append(article_id)
        else:
            problems.append(f"Ignored the story id “{value[:40]}”: not a story's id.")
    raw_hours = params.get("hours", "")
    try:
        hours = int(raw_hours) if raw_hours else DEFAULT_HOURS
    except ValueError:
        problems.append(f"Ignored the period “{raw_hours[:40]}”: not a number of hours.")
        hours = DEFAULT_HOURS
    if not MIN_HOURS <= hours <= MAX_HOURS:
        hours = min(max(hours, MIN_HOURS), MAX_HOURS)
        problems.append(f"The period is {MIN_HOURS} to {MAX_HOURS} hours; showing {hours}.")
    return ids, hours, problems


@admin.register(ViewBucket)
class ViewChartAdmin(admin.ModelAdmin):
    """The changelist is the chart: the most-read stories of the last hours, or chosen ones."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids, hours, problems = chart_params(request.GET)
        for problem in problems:
            messages.warning(request, problem)
        chart = chart_for(ids or None, hours=hours)
        context = {
            **self.admin_site.each_context(request),
            "title": "Views per story",
            "opts": self.model._meta,
            "chart_svg": mark_safe(chart["svg"]),  # noqa: S308 - built by charts.py, labels escaped
            "legend": chart["legend"],
            "hours": hours,
        }
        return TemplateResponse(request, "admin/discovery/view_chart.html", context)

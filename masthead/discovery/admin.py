"""Editors' view of Popular: views per story per hour, as a chart in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from masthead.discovery.charts import chart_for
from masthead.discovery.models import ViewBucket


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
        ids = [int(v) for v in request.GET.getlist("article") if v.isdigit()]
        try:
            hours = min(max(int(request.GET.get("hours", "48")), 6), 24 * 14)
        except ValueError:
            hours = 48
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

"""Views-per-hour charts for editors, as server-rendered SVG (no JavaScript, no chart library)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from html import escape

from django.db.models import Sum
from django.utils import timezone

from masthead.discovery.models import ViewBucket
from masthead.newsroom.models import Article

PALETTE = ["#1b6ca8", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#2c3e50", "#b7950b"]


def hourly_views(article_ids: list[int], *, start_hour: int, end_hour: int) -> dict[int, list[int]]:
    """Views per hour for each story over [start_hour, end_hour), zeros included."""
    series: dict[int, list[int]] = {pk: [0] * (end_hour - start_hour) for pk in article_ids}
    rows = ViewBucket.objects.filter(
        article_id__in=article_ids, hour__gte=start_hour, hour__lt=end_hour
    ).values_list("article_id", "hour", "views")
    for article_id, hour, views in rows:
        series[article_id][hour - start_hour] += views
    return series


def top_read(*, start_hour: int, end_hour: int, limit: int = 8) -> list[Article]:
    ranked = (
        ViewBucket.objects.filter(hour__gte=start_hour, hour__lt=end_hour)
        .values("article_id")
        .annotate(total=Sum("views"))
        .order_by("-total")[:limit]
    )
    ids = [row["article_id"] for row in ranked]
    found = Article.objects.filter(pk__in=ids).only("headline", "slug").in_bulk()
    return [found[pk] for pk in ids if pk in found]


def line_chart(
    series: list[tuple[str, list[int]]], *, start_hour: int, width: int = 760, height: int = 260
) -> str:
    """An SVG line chart; labels are escaped (headlines come from wires)."""
    left, right, top, bottom = 44, 12, 12, 28
    points = max((len(values) for _, values in series), default=0)
    peak = max((max(values, default=0) for _, values in series), default=0) or 1
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(points - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img" aria-label="Views per hour"'
        ' font-family="sans-serif" font-size="11">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"'
        ' stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    tz = timezone.get_current_timezone()
    for i in range(0, points, max(points // 6, 1)):
        moment = dt.datetime.fromtimestamp((start_hour + i) * 3600, tz=dt.UTC).astimezone(tz)
        parts.append(
            f'<text x="{left + i * step:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{moment:%a %H:00}</text>"
        )
    for n, (label, values) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        coords = " ".join(
            f"{left + i * step:.1f},{top + plot_h - v / peak * plot_h:.1f}"
            for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}">'
            f"<title>{escape(label)}</title></polyline>"
        )
    parts.append("</svg>")
    return "".join(parts)


def legend(series: list[tuple[str, list[int]]]) -> list[tuple[str, str, int]]:
    return [
        (PALETTE[n % len(PALETTE)], label, sum(values)) for n, (label, values) in enumerate(series)
    ]


def chart_for(article_ids: list[int] | None, *, hours: int = 48) -> dict[str, object]:
    end_hour = int(timezone.now().timestamp() // 3600) + 1
    start_hour = end_hour - hours
    articles = (
        list(Article.objects.filter(pk__in=article_ids).only("headline", "slug"))
        if article_ids
        else top_read(start_hour=start_hour, end_hour=end_hour)
    )
    by_id = hourly_views([a.pk for a in articles], start_hour=start_hour, end_hour=end_hour)
    series = [(a.headline, by_id[a.pk]) for a in articles]
    totals: dict[int, int] = defaultdict(int)
    for a in articles:
        totals[a.pk] = sum(by_id[a.pk])
    return {
        "svg": line_chart(series, start_hour=start_hour),
        "legend": legend(series),
        "hours": hours,
    }

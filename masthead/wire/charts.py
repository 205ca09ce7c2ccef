"""The wire desk at a glance: ingest activity per hour as a server-rendered SVG bar chart.

A stack of new / updated / killed / failed items per hour tells an editor at once whether a
feed has gone quiet or started failing, which a list of log lines does not. Hand-written SVG
because the admin page needs one small static picture, not a charting library or JavaScript.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from masthead.wire.models import IngestLog, Outcome

SERIES = [  # (action, label, colour): colours distinguishable with common colour blindness
    (Outcome.NEW, "New", "#1b6ca8"),
    (Outcome.UPDATED, "Updated", "#7fb3d5"),
    (Outcome.KILLED, "Killed", "#6c3483"),
    (Outcome.ERROR, "Failed (quarantined)", "#c0392b"),
]


def hourly_activity(
    *, hours: int, now: dt.datetime | None = None
) -> tuple[list[dt.datetime], dict[str, list[int]]]:
    """Counts per action per hour for the last `hours` hours, oldest first, zeros included."""
    now = timezone.localtime(now or timezone.now())
    end = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    start = end - dt.timedelta(hours=hours)
    slots = [start + dt.timedelta(hours=i) for i in range(hours)]
    counts: dict[str, list[int]] = {str(action): [0] * hours for action, _, _ in SERIES}
    rows = (
        IngestLog.objects.filter(created__gte=start, created__lt=end)
        .annotate(hour=TruncHour("created"))
        .values("hour", "action")
        .annotate(n=Count("id"))
    )
    for row in rows:
        index = int((row["hour"] - start).total_seconds() // 3600)
        if row["action"] in counts and 0 <= index < hours:
            counts[row["action"]][index] += row["n"]
    return slots, counts


def activity_chart(*, hours: int = 48, now: dt.datetime | None = None) -> dict[str, object]:
    slots, counts = hourly_activity(hours=hours, now=now)
    width, height, left, right, top, bottom = 760, 220, 40, 10, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(counts[a][i] for a, _, _ in SERIES) for i in range(hours)]
    peak = max(totals, default=0) or 1
    bar = plot_w / max(hours, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="11"'
        f' aria-label="Wire items per hour over the last {hours} hours">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"'
        ' stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 8}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    for i, slot in enumerate(slots):
        y: float = top + plot_h
        for action, label, colour in SERIES:
            n = counts[action][i]
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            when = escape(slot.strftime("%b %-d, %-I %p"))
            parts.append(
                f'<rect x="{left + i * bar + 1:.1f}" y="{y:.1f}" width="{max(bar - 2, 1):.1f}"'
                f' height="{h:.1f}" fill="{colour}"><title>{when}: {n} {escape(label.lower())}'
                "</title></rect>"
            )
        if slot.hour % 6 == 0:
            parts.append(
                f'<text x="{left + i * bar:.1f}" y="{height - 10}">'
                f"{escape(slot.strftime('%-I %p' if slot.hour else '%b %-d'))}</text>"
            )
    parts.append("</svg>")
    legend = [(colour, label, sum(counts[action])) for action, label, colour in SERIES]
    return {"svg": "".join(parts), "legend": legend, "hours": hours}

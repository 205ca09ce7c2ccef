"""A send's progress over time for editors: copies sent and failed per minute, as a
server-rendered SVG bar chart (the same approach as the wire desk's `wire/charts.py`: one small
static picture, no charting library, no JavaScript)."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.db.models import Count
from django.db.models.functions import TruncMinute
from django.utils import timezone

from masthead.newsletters.models import Delivery, Edition

SERIES = [(Delivery.State.SENT, "Sent", "#1b6ca8"), (Delivery.State.FAILED, "Failed", "#c0392b")]
MAX_BARS = 60


def per_minute(edition: Edition) -> tuple[list[dt.datetime], dict[str, list[int]]]:
    rows = list(
        Delivery.objects.filter(edition=edition, sent_at__isnull=False)
        .annotate(minute=TruncMinute("sent_at"))
        .values("minute", "state")
        .annotate(n=Count("id"))
    )
    failed = list(
        Delivery.objects.filter(edition=edition, state=Delivery.State.FAILED, sent_at__isnull=True)
        .annotate(minute=TruncMinute("claimed_at"))
        .values("minute", "state")
        .annotate(n=Count("id"))
    )
    rows += [r for r in failed if r["minute"] is not None]
    start = (edition.started_at or timezone.now()).replace(second=0, microsecond=0)
    last = max([r["minute"] for r in rows], default=start)
    minutes = min(MAX_BARS, max(1, int((last - start).total_seconds() // 60) + 1))
    step = max(1, -(-int((last - start).total_seconds() // 60 + 1) // minutes))
    slots = [start + dt.timedelta(minutes=i * step) for i in range(minutes)]
    counts = {str(state): [0] * minutes for state, _, _ in SERIES}
    for row in rows:
        index = min(minutes - 1, max(0, int((row["minute"] - start).total_seconds() // 60) // step))
        if row["state"] in counts:
            counts[row["state"]][index] += row["n"]
    return slots, counts


def progress_chart(edition: Edition) -> str:
    slots, counts = per_minute(edition)
    bars = len(slots)
    width, height, left, right, top, bottom = 760, 200, 44, 10, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(counts[str(s)][i] for s, _, _ in SERIES) for i in range(bars)]
    peak = max(totals, default=0) or 1
    bar = min(plot_w / max(bars, 1), 48.0)  # a short send is a few bars, not one wall
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%"'
        f' style="max-width:{width}px" role="img" font-family="sans-serif" font-size="11"'
        ' aria-label="Copies sent and failed per minute">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"'
        ' stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 8}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    label_every = max(1, bars // 8)
    for i, slot in enumerate(slots):
        y: float = top + plot_h
        for state, label, colour in SERIES:
            n = counts[str(state)][i]
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            when = escape(timezone.localtime(slot).strftime("%-I:%M %p"))
            parts.append(
                f'<rect x="{left + i * bar + 1:.1f}" y="{y:.1f}" width="{max(bar - 2, 1):.1f}"'
                f' height="{h:.1f}" fill="{colour}"><title>{when}: {n} {escape(label.lower())}'
                "</title></rect>"
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{left + i * bar + bar / 2:.1f}" y="{height - 10}" text-anchor="middle">'
                f"{escape(timezone.localtime(slot).strftime('%-I:%M'))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)

"""The wire desk's picture: items per hour by what happened to them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from masthead.wire.charts import activity_chart, hourly_activity
from masthead.wire.models import IngestLog, Outcome

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 28, 18, 30, tzinfo=dt.UTC)


def log(action: str, hours_ago: float, n: int = 1) -> None:
    for _ in range(n):
        IngestLog.objects.create(
            action=action, created=NOW - dt.timedelta(hours=hours_ago), guid="g"
        )


def test_it_counts_each_action_per_hour_with_empty_hours_as_zero():
    log(Outcome.NEW, 0.2, n=3)
    log(Outcome.ERROR, 0.1)
    log(Outcome.UPDATED, 5.5, n=2)
    log(Outcome.NEW, 60)  # outside the window
    slots, counts = hourly_activity(hours=48, now=NOW)
    assert len(slots) == 48 and slots[-1].hour == 10  # 10 AM in Los Angeles, the paper's zone
    assert counts[Outcome.NEW][-1] == 3
    assert counts[Outcome.ERROR][-1] == 1
    assert counts[Outcome.UPDATED][-6] == 2
    assert sum(counts[Outcome.NEW]) == 3
    assert sum(counts[Outcome.KILLED]) == 0


def test_it_draws_one_bar_segment_per_nonzero_count_scaled_to_the_busiest_hour():
    log(Outcome.NEW, 0.2, n=4)
    log(Outcome.KILLED, 0.2, n=4)
    log(Outcome.NEW, 2.2, n=2)
    chart = activity_chart(hours=48, now=NOW)
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', chart["svg"])]
    assert len(heights) == 3
    assert max(heights) == pytest.approx(180 / 2)  # 4 of the peak hour's 8
    assert min(heights) == pytest.approx(180 / 4)
    assert ("#c0392b", "Failed (quarantined)", 0) in chart["legend"]


def test_it_shows_the_chart_above_the_ingest_log_in_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser("ed", "ed@example.org", "pw-tests-only")
    client.force_login(admin)
    with time_machine.travel(NOW, tick=False):
        log(Outcome.NEW, 0.2, n=2)
        html = client.get("/admin/wire/ingestlog/").content.decode()
    assert "Wire activity, last 48 hours" in html
    assert html.index("<svg") < html.index('id="result_list"')
    assert "New: 2" in html

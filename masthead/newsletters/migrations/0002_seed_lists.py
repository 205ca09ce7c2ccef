"""The two lists every paper starts with: the morning digest and breaking news."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    Newsletter = apps.get_model("newsletters", "Newsletter")
    Newsletter.objects.get_or_create(
        slug="daily",
        defaults={
            "name": "The Morning Briefing",
            "description": "The day's front page, and the sections you follow, every morning.",
            "kind": "digest",
            "cadence": "daily",
            "send_time": dt.time(6, 30),
            "position": 1,
        },
    )
    Newsletter.objects.get_or_create(
        slug="breaking",
        defaults={
            "name": "Breaking News",
            "description": "An alert when big news breaks. A few a month.",
            "kind": "breaking",
            "cadence": "on_demand",
            "position": 2,
        },
    )


def unseed(apps, schema_editor):
    Newsletter = apps.get_model("newsletters", "Newsletter")
    Newsletter.objects.filter(slug__in=["daily", "breaking"], editions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

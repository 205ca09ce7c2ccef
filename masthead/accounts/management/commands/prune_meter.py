"""Delete anonymous meter history older than the window (run daily by cron)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from masthead.accounts.services import prune_meter


class Command(BaseCommand):
    help = "Delete anonymous readers' meter rows that fell out of the rolling window."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_meter(window_days=settings.MASTHEAD_METER_WINDOW_DAYS)
        self.stdout.write(f"Deleted {deleted} expired meter rows")

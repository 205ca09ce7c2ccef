"""The discovery tests' frozen moment."""

from __future__ import annotations

import datetime as dt

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)

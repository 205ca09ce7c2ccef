"""Admin pieces every app's back office shares: a changelist that answers hostile query strings
with the admin's "unusable filter" redirect instead of a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest

# The date hierarchy's bounds, converted to UTC for the query, must stay datetimes: a day's
# margin at either end covers every UTC offset.
EARLIEST_DRILLDOWN = dt.datetime.min + dt.timedelta(days=1)
LATEST_DRILLDOWN = dt.datetime.max - dt.timedelta(days=1)


def check_date_drilldown(params: dict[str, str], field: str) -> None:
    """Refuse a `date_hierarchy` drill-down (`?<field>__year=…&…__month=…&…__day=…`) whose
    period Django could not bound.

    Django's ChangeList turns year, month and day into `[start, end)`, but only catches the
    ValueError of building `start`: `year=9999` (the end is year 10000), `…12-31` (one day past
    date.max) and a year past a C long raise out of it as a 500. Raising
    IncorrectLookupParameters instead gives the admin's answer to any unusable filter: back to
    the unfiltered list, flagged `?e=1`.
    """
    year = params.get(f"{field}__year")
    if year is None:
        return  # no drill-down: Django treats a lone month or day as an ordinary lookup
    month, day = params.get(f"{field}__month"), params.get(f"{field}__day")
    try:
        start = dt.datetime(int(year), int(month or 1), int(day or 1))
        if day:
            end = start + dt.timedelta(days=1)
        elif month:
            end = (start + dt.timedelta(days=32)).replace(day=1)
        else:
            end = start.replace(year=start.year + 1)
    except (ValueError, OverflowError) as exc:
        raise IncorrectLookupParameters(exc) from exc
    if start < EARLIEST_DRILLDOWN or end > LATEST_DRILLDOWN:
        raise IncorrectLookupParameters(f"{field}: {start:%Y-%m-%d} is out of range")


class CheckedChangeList(ChangeList):
    """A changelist that refuses, as unusable filters, query strings that used to be 500s."""

    def get_filters(self, request: HttpRequest) -> Any:
        # PostgreSQL refuses a NUL in a text parameter with an error, so `?guid=%00` failed
        # the page instead of matching nothing.
        if any("\x00" in value for values in self.filter_params.values() for value in values):
            raise IncorrectLookupParameters("a NUL character in a filter")
        if self.date_hierarchy:
            check_date_drilldown(self.params, self.date_hierarchy)
        return super().get_filters(request)


class CheckedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose changelist uses `CheckedChangeList`."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return CheckedChangeList

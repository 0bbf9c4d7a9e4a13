"""Filters for `Schedule(filters=..., or_filters=..., not_filters=...)`.

A filter takes a scheduled time and returns True to keep it. All of them read the
wall-clock fields of the time in its own zone (a 23:00 New York event on a Friday is a
Friday event). The `between_*` filters include both ends and wrap around when the
start comes after the end (22:00-01:00, December 30-January 2).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import datetime, time

from prefect_compat.schedules import _time

__all__ = [
    "at_time",
    "between_dates",
    "between_datetimes",
    "between_times",
    "is_day_of_week",
    "is_month_end",
    "is_month_start",
    "is_weekday",
    "is_weekend",
    "on_date",
    "on_datetime",
]

Filter = Callable[[datetime], bool]


def _within(value: tuple, start: tuple, end: tuple) -> bool:
    if start <= end:
        return start <= value <= end
    return value >= start or value <= end


def on_datetime(dt: datetime) -> Filter:
    """Keep only the time equal to `dt`."""

    def _filter_fn(when: datetime) -> bool:
        return bool(when == dt)

    return _filter_fn


def on_date(month: int, day: int) -> Filter:
    """Keep times on this month and day, any year."""

    def _filter_fn(when: datetime) -> bool:
        return (when.month, when.day) == (month, day)

    return _filter_fn


def at_time(t: time) -> Filter:
    """Keep times whose wall-clock time of day equals `t`."""

    def _filter_fn(when: datetime) -> bool:
        return when.time() == t

    return _filter_fn


def between_datetimes(start: datetime, end: datetime) -> Filter:
    """Keep times from `start` to `end` (naive bounds are read as UTC)."""
    low, high = _time.aware(start, "start"), _time.aware(end, "end")

    def _filter_fn(when: datetime) -> bool:
        return low <= _time.aware(when) <= high

    return _filter_fn


def between_times(start: time, end: time) -> Filter:
    """Keep times of day from `start` to `end`, wrapping past midnight if start > end."""

    def _filter_fn(when: datetime) -> bool:
        return _within((when.time(),), (start,), (end,))

    return _filter_fn


def between_dates(start_month: int, start_day: int, end_month: int, end_day: int) -> Filter:
    """Keep days of the year from start to end, wrapping past New Year if start > end."""

    def _filter_fn(when: datetime) -> bool:
        return _within((when.month, when.day), (start_month, start_day), (end_month, end_day))

    return _filter_fn


def is_weekday(dt: datetime) -> bool:
    """Monday to Friday."""
    return dt.weekday() < 5


def is_weekend(dt: datetime) -> bool:
    """Saturday or Sunday."""
    return dt.weekday() > 4


def is_month_start(dt: datetime) -> bool:
    """The first day of a month."""
    return dt.day == 1


def is_month_end(dt: datetime) -> bool:
    """The last day of a month."""
    return dt.day == calendar.monthrange(dt.year, dt.month)[1]


def is_day_of_week(day_of_week: int) -> Filter:
    """Keep one day of the week: 0 is Monday, 6 is Sunday."""

    def _filter_fn(when: datetime) -> bool:
        return when.weekday() == day_of_week

    return _filter_fn

"""Adjustments for `Schedule(adjustments=...)`: move a kept time somewhere else.

Each takes an aware datetime and returns one (naive input is read as UTC).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from prefect_compat.schedules import _time

__all__ = ["add", "next_weekday"]


def add(interval: timedelta) -> Callable[[datetime], datetime]:
    """Move times later by `interval` of elapsed time (24 hours across a DST change is 24h)."""

    def _adjustment_fn(dt: datetime) -> datetime:
        return _time.add_absolute(_time.aware(dt), interval)

    return _adjustment_fn


def next_weekday(dt: datetime) -> datetime:
    """Move a Saturday or Sunday to the following Monday, same wall-clock time."""
    when = _time.aware(dt)
    if when.weekday() < 5:
        return when
    tz = when.tzinfo
    assert tz is not None
    days = 7 - when.weekday()
    return _time.resolve(_time.wall(when, tz) + timedelta(days=days), tz)

"""`Schedule`: clocks merged in time order, then filtered and adjusted.

`next(n, after)` walks the clocks' events together (a heap merge by instant), drops
an event identical to one already seen at the same instant (same parameters and
labels; events that differ in parameters are all kept, as in Prefect), keeps the
events that pass the filters, applies the adjustments in order, and stops at `n`.

Filters: an event is kept when every `filters` function returns True, at least one
`or_filters` function does (if any are given), and no `not_filters` function does.
Adjustments run after filtering, so an adjusted time is never filtered again. As in
Prefect, one call looks at no more than 10,000 clock events, so a filter that rejects
everything ends the search instead of looping forever.

`IntervalSchedule`, `CronSchedule` and `RRuleSchedule` are functions, as in Prefect,
returning a one-clock Schedule. 0.13's `OneTimeSchedule` and `UnionSchedule` live in
`_legacy.py` and are re-exported here.
"""

from __future__ import annotations

import heapq
import itertools
import operator
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from prefect_compat._datetime import as_datetime
from prefect_compat.schedules import _time
from prefect_compat.schedules._legacy import OneTimeSchedule, UnionSchedule
from prefect_compat.schedules.clocks import Clock, ClockEvent, CronClock, IntervalClock, RRuleClock

__all__ = [
    "CronSchedule",
    "IntervalSchedule",
    "OneTimeSchedule",
    "RRuleSchedule",
    "Schedule",
    "UnionSchedule",
]

Filter = Callable[[datetime], bool]
Adjustment = Callable[[datetime], datetime]
MAX_EVENTS_CHECKED = 10_000


def _check_clocks(clocks: Any) -> list[Clock]:
    if not isinstance(clocks, list):
        raise TypeError(
            f"clocks should be a list of clocks. (Schedule argument `clocks` got {clocks!r})"
        )
    if not clocks:
        raise ValueError(
            "A Schedule needs at least one clock: argument `clocks` is empty. Pass e.g. "
            "clocks=[IntervalClock(timedelta(hours=1))]."
        )
    for clock in clocks:
        if not callable(getattr(clock, "events", None)):
            raise TypeError(
                f"clocks should be a list of clocks. (Schedule argument `clocks` holds "
                f"{clock!r}; use the classes in prefect.schedules.clocks)"
            )
    return list(clocks)


def _unique(events: Iterator[ClockEvent]) -> Iterator[ClockEvent]:
    """Drop events identical to one already yielded at the same instant."""
    instant: datetime | None = None
    seen: list[ClockEvent] = []
    for event in events:
        if event.start_time != instant:
            instant, seen = event.start_time, []
        if event not in seen:
            seen.append(event)
            yield event


class Schedule:
    """Clocks plus filters and adjustments; `next(n)` lists the next scheduled times."""

    def __init__(
        self,
        clocks: list[Clock],
        filters: list[Filter] | None = None,
        or_filters: list[Filter] | None = None,
        not_filters: list[Filter] | None = None,
        adjustments: list[Adjustment] | None = None,
    ) -> None:
        self.clocks = _check_clocks(clocks)
        self.filters = filters or []
        self.or_filters = or_filters or []
        self.not_filters = not_filters or []
        self.adjustments = adjustments or []

    @property
    def start_date(self) -> datetime | None:
        """The earliest start date of any clock, or None."""
        dates = [c.start_date for c in self.clocks if c.start_date is not None]
        return min(dates) if dates else None

    @property
    def end_date(self) -> datetime | None:
        """The latest end date of any clock, or None."""
        dates = [c.end_date for c in self.clocks if c.end_date is not None]
        return max(dates) if dates else None

    def next(self, n: int, after: datetime | None = None, return_events: bool = False) -> list[Any]:
        """The next `n` times (or ClockEvents) strictly after `after` (default: now).

        Fewer than `n` when the clocks run out or 10,000 events were checked. Times are
        aware datetimes.
        """
        try:
            n = operator.index(n)
        except TypeError:
            raise TypeError(
                f"Schedule.next(n): `n` is how many times to return and must be an int, got {n!r}"
            ) from None
        after = _time.now() if after is None else _time.aware(after, "after")
        found: list[Any] = []
        if n <= 0:
            return found
        checked = itertools.islice(self._events(after), MAX_EVENTS_CHECKED)
        for event in checked:
            if not self._passes(event.start_time):
                continue
            when = as_datetime(self._adjust(event.start_time))  # adjustments may give datetimes
            if return_events:
                found.append(ClockEvent(when, event.parameter_defaults, event.labels))
            else:
                found.append(when)
            if len(found) >= n:
                break
        return found

    def _events(self, after: datetime) -> Iterator[ClockEvent]:
        streams = [clock.events(after=after) for clock in self.clocks]
        merged = heapq.merge(*streams, key=lambda event: event.start_time)
        return _unique(merged)

    def _passes(self, when: datetime) -> bool:
        return (
            all(check(when) for check in self.filters)
            and (not self.or_filters or any(check(when) for check in self.or_filters))
            and not any(check(when) for check in self.not_filters)
        )

    def _adjust(self, when: datetime) -> datetime:
        for adjustment in self.adjustments:
            when = _time.aware(adjustment(when), "adjusted time")
        return when


def IntervalSchedule(  # noqa: N802 - Prefect's public name for a factory function
    start_date: datetime | None = None,
    interval: timedelta | None = None,
    end_date: datetime | None = None,
) -> Schedule:
    """A Schedule with one IntervalClock."""
    clock = IntervalClock(interval=interval, start_date=start_date, end_date=end_date)  # type: ignore[arg-type]
    return Schedule(clocks=[clock])


def CronSchedule(  # noqa: N802 - Prefect's public name for a factory function
    cron: str,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    day_or: bool | None = None,
) -> Schedule:
    """A Schedule with one CronClock."""
    clock = CronClock(cron=cron, start_date=start_date, end_date=end_date, day_or=day_or)
    return Schedule(clocks=[clock])


def RRuleSchedule(  # noqa: N802 - Prefect's public name for a factory function
    rrule_obj: Any,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
) -> Schedule:
    """A Schedule with one RRuleClock."""
    clock = RRuleClock(rrule_obj=rrule_obj, start_date=start_date, end_date=end_date)
    return Schedule(clocks=[clock])

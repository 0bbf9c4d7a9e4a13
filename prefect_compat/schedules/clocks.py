"""Clocks: sources of scheduled times, merged by a `Schedule`.

Each clock's `events(after)` yields `ClockEvent`s strictly after `after` (default:
now), in increasing time order, no earlier than its `start_date` and no later than its
`end_date` (both inclusive). Every event carries the clock's `parameter_defaults` and
`labels`. Times are plain aware `datetime`s in the zone of the clock's start date
(UTC when it has none or it is naive); see `_time.py` for the zone rules.

Interval and cron clocks count in wall-clock time of that zone, as Prefect's do: a
daily clock started at 09:00 New York time stays at 09:00 across DST changes, and
a wall-clock time that falls in a DST gap moves to the time after the gap. Unlike
Prefect, a clock never yields the same instant twice or goes back in time (Prefect's
interval clock can, inside a spring-forward gap).

CronClock needs the `croniter` package (`pip install 'prefect-compat[cron]'`),
imported when the first CronClock is built, never on `import`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, tzinfo
from typing import Any

from prefect_compat._datetime import as_datetime
from prefect_compat.schedules import _time

__all__ = ["Clock", "ClockEvent", "CronClock", "DatesClock", "IntervalClock", "RRuleClock"]

_ONE_SECOND = timedelta(seconds=1)


def _optional_date(value: Any, argument: str) -> datetime | None:
    return None if value is None else _time.aware(value, argument)


class ClockEvent:
    """One scheduled time, with the parameters and labels of the clock that made it.

    Compares equal to another event with the same time, parameters and labels, and to
    a datetime equal to its `start_time`; orders by `start_time`. Not hashable.
    """

    def __init__(
        self,
        start_time: datetime,
        parameter_defaults: dict | None = None,
        labels: list[str] | None = None,
    ) -> None:
        self.start_time = as_datetime(start_time)  # prints as Prefect's pendulum times
        self.parameter_defaults = parameter_defaults or {}
        self.labels = labels

    def __repr__(self) -> str:
        return f"<{self.start_time.isoformat()},{self.labels},{self.parameter_defaults}>"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, ClockEvent):
            return (
                self.start_time == other.start_time
                and self.parameter_defaults == other.parameter_defaults
                and self.labels == other.labels
            )
        if isinstance(other, datetime):
            return bool(self.start_time == other)
        return False

    __hash__ = None  # type: ignore[assignment]  # equal by value and mutable

    def __lt__(self, other: Any) -> bool:
        other_time = other.start_time if isinstance(other, ClockEvent) else other
        return bool(self.start_time < other_time)

    def __gt__(self, other: Any) -> bool:
        other_time = other.start_time if isinstance(other, ClockEvent) else other
        return bool(self.start_time > other_time)


class Clock:
    """Base class: start/end dates, parameter defaults and labels; subclasses yield events."""

    def __init__(
        self,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        parameter_defaults: dict | None = None,
        labels: list[str] | None = None,
    ) -> None:
        self.start_date = _optional_date(start_date, "start_date")
        self.end_date = _optional_date(end_date, "end_date")
        self.parameter_defaults = parameter_defaults or {}
        self.labels = labels

    def events(self, after: datetime | None = None) -> Iterable[ClockEvent]:
        """Events strictly after `after` (default: now), in time order."""
        raise NotImplementedError("Must be implemented on Clock subclasses")

    def _event(self, start_time: datetime) -> ClockEvent:
        return ClockEvent(start_time, self.parameter_defaults, self.labels)

    def _zone(self) -> tzinfo:
        start = self.start_date
        return start.tzinfo if start is not None and start.tzinfo is not None else _time.UTC

    def _bounded(self, times: Iterable[datetime], after: datetime) -> Iterator[ClockEvent]:
        """Events for `times` (roughly increasing): > after, >= start, <= end, no repeats."""
        last = after
        start, end = self.start_date, self.end_date
        for when in times:
            if end is not None and when > end:
                return
            if when > last and (start is None or when >= start):
                last = when
                yield self._event(when)


class IntervalClock(Clock):
    """Every `interval` from `start_date` (default 2019-01-01 00:00 UTC), in wall-clock time."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        interval: timedelta,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        parameter_defaults: dict | None = None,
        labels: list[str] | None = None,
    ) -> None:
        if not isinstance(interval, timedelta):
            raise TypeError(
                f"Interval must be a timedelta. (IntervalClock argument `interval` got "
                f"{interval!r}; use e.g. datetime.timedelta(minutes=5))"
            )
        if interval.total_seconds() <= 0:
            raise ValueError(
                f"Interval must be greater than 0. (IntervalClock argument `interval` got "
                f"{interval!r})"
            )
        self.interval = interval
        super().__init__(start_date, end_date, parameter_defaults, labels)

    def events(self, after: datetime | None = None) -> Iterator[ClockEvent]:
        after = _time.now() if after is None else _time.aware(after, "after")
        start = self.start_date or _time.default_start()
        tz = start.tzinfo
        assert tz is not None
        origin = _time.wall(start, tz)
        # begin one interval before the one containing `after`: wall-clock steps and
        # elapsed time differ by at most a DST shift, and `_bounded` drops the extras
        first = max(0, (_time.wall(after, tz) - origin) // self.interval - 1)

        def times() -> Iterator[datetime]:
            step = first
            while True:
                yield _time.resolve(origin + self.interval * step, tz)
                step += 1

        return self._bounded(times(), after)


def _croniter() -> Any:
    from prefect_compat._lazy import require

    module = require("croniter", extra="cron", feature="CronClock")
    return module.croniter


class CronClock(Clock):
    """Times matching a cron expression, read in the zone of `start_date` (default UTC).

    `day_or` (default True) is croniter's switch for how day-of-month and day-of-week
    combine when both are restricted: either matches (True) or both must (False).
    """

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        cron: str,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        parameter_defaults: dict | None = None,
        labels: list[str] | None = None,
        day_or: bool | None = None,
    ) -> None:
        croniter = _croniter()
        if not isinstance(cron, str) or not croniter.is_valid(cron):
            raise ValueError(
                f"Invalid cron string: {cron} (CronClock argument `cron`; expected five "
                "fields 'minute hour day-of-month month day-of-week', e.g. '0 9 * * 1-5')"
            )
        self.cron = cron
        self.day_or = True if day_or is None else day_or
        super().__init__(start_date, end_date, parameter_defaults, labels)

    def events(self, after: datetime | None = None) -> Iterator[ClockEvent]:
        after = _time.now() if after is None else _time.aware(after, "after")
        tz = self._zone()
        lower = after
        if self.start_date is not None and self.start_date > after:
            lower = self.start_date - _ONE_SECOND  # the start date itself may match
        matches = _croniter()(self.cron, _time.wall(lower, tz), day_or=self.day_or)

        def times() -> Iterator[datetime]:
            while True:
                yield _time.resolve(matches.get_next(datetime), tz)

        return self._bounded(times(), after)


class DatesClock(Clock):
    """Exactly the given dates (naive ones read as UTC), each in its own zone."""

    def __init__(
        self,
        dates: list[datetime],
        parameter_defaults: dict | None = None,
        labels: list[str] | None = None,
    ) -> None:
        if isinstance(dates, datetime) or not isinstance(dates, Iterable):
            raise TypeError(
                f"DatesClock argument `dates` must be a list of datetimes, got {dates!r}"
            )
        moments = sorted(_time.aware(d, "dates") for d in dates)
        if not moments:
            raise ValueError(
                "DatesClock needs at least one date: argument `dates` is empty. "
                "Pass e.g. dates=[datetime(2030, 1, 1, 9, 0)]."
            )
        super().__init__(moments[0], moments[-1], parameter_defaults, labels)
        self.dates = list(dates)
        self._moments = moments

    def events(self, after: datetime | None = None) -> Iterator[ClockEvent]:
        after = _time.now() if after is None else _time.aware(after, "after")
        return self._bounded(iter(self._moments), after)


class RRuleClock(Clock):
    """The occurrences of a dateutil `rrule` or `rruleset` (naive ones read as UTC)."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        rrule_obj: Any,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        parameter_defaults: dict | None = None,
        labels: list[str] | None = None,
    ) -> None:
        if not callable(getattr(rrule_obj, "xafter", None)):
            raise TypeError(
                "RRuleClock argument `rrule_obj` must be a dateutil.rrule.rrule or rruleset, "
                f"got {rrule_obj!r}"
            )
        super().__init__(start_date, end_date, parameter_defaults, labels)
        self.rrule_obj = rrule_obj

    def _occurrences(self, after: datetime) -> Iterator[Any]:
        try:
            self.rrule_obj.after(after)  # eager, unlike xafter: finds out if the rule is naive
        except TypeError:  # a naive rule cannot be compared with an aware datetime
            after = after.astimezone(_time.UTC).replace(tzinfo=None)
        return iter(self.rrule_obj.xafter(after))

    def events(self, after: datetime | None = None) -> Iterator[ClockEvent]:
        after = _time.now() if after is None else _time.aware(after, "after")
        lower = after
        if self.start_date is not None and self.start_date > after:
            lower = self.start_date - _ONE_SECOND
        occurrences = self._occurrences(lower)
        return self._bounded((_real_wall_time(o) for o in occurrences), after)


def _real_wall_time(occurrence: datetime) -> datetime:
    """An rrule occurrence as an aware datetime whose wall time exists in its zone.

    dateutil builds occurrences by wall time, so one can fall in a spring-forward gap
    (02:30 New York on 2020-03-08, offset -04:00); the same instant is shown as the
    zone shows it (01:30 EST), as Prefect does.
    """
    value = _time.aware(occurrence, "rrule occurrence")
    tz = value.tzinfo
    assert tz is not None
    return value.astimezone(_time.UTC).astimezone(tz)

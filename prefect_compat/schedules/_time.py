"""Time-zone arithmetic for schedules, on the standard library alone (no pendulum).

What it is for: every datetime a schedule hands out is a plain, *aware* `datetime`.
Inputs may be naive (read as UTC, as Prefect does), stdlib-aware, or come from
pendulum / pytz / dateutil; named zones are turned into `zoneinfo.ZoneInfo` so that
wall-clock arithmetic follows the zone's daylight-saving rules.

Wall-clock times that do not exist (the spring-forward gap) or exist twice (the
fall-back overlap) are resolved the way Prefect's pendulum-based clocks resolve them:
with the offset in force *after* the transition. In both cases that is the smaller of
the two candidate offsets (`fold=0` / `fold=1`), so 02:30 on a New York spring-forward
day becomes 03:30 EDT and 01:30 on the fall-back day becomes 01:30 EST.

What it must not do: import anything outside the standard library.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from prefect_compat._datetime import wall_fields

__all__ = ["UTC", "add_absolute", "aware", "default_start", "now", "resolve", "wall", "zone_of"]

UTC = timezone.utc
_EPOCH_2019 = datetime(2019, 1, 1, tzinfo=timezone.utc)


def _zoneinfo(key: Any) -> tzinfo | None:
    if not isinstance(key, str) or not key or key[0] in "+-":
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_of(tz: tzinfo) -> tzinfo:
    """A DST-aware stdlib zone for `tz` when it names one (pendulum, pytz), else `tz`."""
    from zoneinfo import ZoneInfo

    if type(tz) is ZoneInfo or tz is timezone.utc:
        return tz
    for attr in ("key", "zone", "name"):  # ZoneInfo subclasses / pytz / pendulum 2
        found = _zoneinfo(getattr(tz, attr, None))
        if found is not None:
            return found
    return tz


def aware(value: Any, argument: str = "datetime") -> datetime:
    """`value` as a plain aware datetime; naive values are read as UTC.

    Raises TypeError naming `argument` for anything that is not a datetime.
    """
    if not isinstance(value, datetime):
        raise TypeError(f"`{argument}` must be a datetime.datetime, got {value!r}")
    tz = value.tzinfo
    tz = timezone.utc if tz is None or value.utcoffset() is None else zone_of(tz)
    result = datetime(*wall_fields(value), tzinfo=tz, fold=value.fold)
    if result.fold and result.replace(fold=0).utcoffset() == result.utcoffset():
        # pendulum 3 sets fold=1 on every time; it only means something in an overlap
        result = result.replace(fold=0)
    return result


def now() -> datetime:
    return datetime.now(timezone.utc)


def default_start() -> datetime:
    """Where an IntervalClock without a start date counts its intervals from."""
    return _EPOCH_2019


def wall(value: datetime, tz: tzinfo) -> datetime:
    """The naive wall-clock reading of the instant `value` in zone `tz`."""
    return value.astimezone(tz).replace(tzinfo=None, fold=0)


def resolve(naive: datetime, tz: tzinfo) -> datetime:
    """The instant shown as wall-clock `naive` in `tz`, post-transition rule for gaps/overlaps."""
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    offset_first, offset_second = first.utcoffset(), second.utcoffset()
    if offset_first == offset_second or offset_first is None or offset_second is None:
        return first
    offset = min(offset_first, offset_second)
    return (naive - offset).replace(tzinfo=timezone.utc).astimezone(tz)


def add_absolute(value: datetime, delta: timedelta) -> datetime:
    """`value + delta` in elapsed time, shown in `value`'s zone."""
    tz = value.tzinfo
    assert tz is not None
    return (value.astimezone(timezone.utc) + delta).astimezone(tz)

"""`DateTime`: the datetimes prefect-compat hands to user code where Prefect hands pendulum's.

Prefect 1.x gives `context.date`, `context.scheduled_start_time`, `Schedule.next()` and
`DateTimeParameter` values as pendulum 2 `DateTime`s. Printed (`str()`, an f-string, a
`{date}` field in a result location) those read `2021-02-03T04:05:06+00:00`; a plain
`datetime` reads `2021-02-03 04:05:06+00:00`, which would move checkpoint files and
targets named from them. pendulum is not a dependency, so these values are this small
subclass of `datetime.datetime` instead: the same value, compared and hashed as the
datetime it is, printed with the "T". Arithmetic, `replace` and `astimezone` keep the
class. pendulum's own methods (`.add()`, `.in_tz()`) are not provided.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar, cast

T = TypeVar("T")

__all__ = ["DateTime", "as_datetime", "wall_fields"]


class DateTime(datetime):
    """A `datetime.datetime` that prints as ISO 8601 with a "T", as pendulum 2 does."""

    __slots__ = ()

    def __str__(self) -> str:
        return self.isoformat()


def wall_fields(value: datetime) -> tuple[int, int, int, int, int, int, int]:
    """The wall-clock fields of `value`, year to microsecond (a datetime's first seven
    constructor arguments)."""
    return (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def as_datetime(value: T) -> T:
    """`value` as a `DateTime` when it is a plain datetime; anything else unchanged."""
    if type(value) is not datetime:
        return value
    moment = cast(datetime, value)
    return cast(T, DateTime(*wall_fields(moment), moment.tzinfo, fold=moment.fold))

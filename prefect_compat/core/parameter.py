"""`Parameter` and `DateTimeParameter`: flow inputs given to `flow.run(...)`.

A Parameter is a task whose run() reads `context.parameters[name]` (filled by the
engine from `flow.run(parameters=..., **kwargs)`), falling back to its default. Its
slug is its name, so two Parameters with one name cannot share a flow. Parameters
are never copied by a call, so one Parameter object may appear in several flows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from prefect_compat import _context
from prefect_compat._datetime import as_datetime
from prefect_compat.core._binding import resolve_flow
from prefect_compat.core.task import Task

__all__ = ["DateTimeParameter", "Parameter"]


class _NoDefault:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<no default>"

    def __reduce__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


class Parameter(Task):
    """A flow input: required unless it has a default (or `required=False` is given)."""

    def __init__(
        self,
        name: str,
        default: Any = NO_DEFAULT,
        required: bool | None = None,
        tags: Iterable[str] | None = None,
    ) -> None:
        if required is None:
            required = default is NO_DEFAULT
        self.required = required
        self.default = None if default is NO_DEFAULT else default
        from prefect_compat.engine.results import PrefectResult

        super().__init__(name=name, slug=name, tags=tags, checkpoint=True, result=PrefectResult())

    def __repr__(self) -> str:
        return f"<Parameter: {self.name}>"

    def __call__(self, flow: Any = None) -> Parameter:  # type: ignore[override]
        """Add this Parameter (itself, not a copy) to the flow and return it."""
        resolve_flow(flow, self).add_task(self)
        return self

    def copy(self, name: str, **task_args: Any) -> Parameter:  # type: ignore[override]
        """A copy under a new `name` (required, as in Prefect), which is also its slug."""
        task_args["name"] = name
        task_args.setdefault("slug", name)
        return super().copy(**task_args)  # type: ignore[return-value]

    def serialize(self) -> dict[str, Any]:
        """This Parameter as `ParameterSchema` writes it."""
        from prefect_compat.serialization.task import ParameterSchema

        return ParameterSchema().dump(self)  # type: ignore[no-any-return]

    def run(self) -> Any:
        params = _context.lookup("parameters", None) or {}
        if self.name in params:
            return params[self.name]
        if self.required:
            from prefect_compat.engine.signals import FAIL

            raise FAIL(f'Parameter "{self.name}" was required but not provided.')
        return self.default


class DateTimeParameter(Parameter):
    """A Parameter whose value (an ISO 8601 string) arrives as a timezone-aware datetime.

    Naive values are taken as UTC. The result is a `datetime.datetime` (Prefect returns
    a pendulum DateTime, a subclass); strings are read as `parse_datetime` says.
    """

    def __init__(
        self,
        name: str,
        default: Any = NO_DEFAULT,
        required: bool = True,
        tags: Iterable[str] | None = None,
    ) -> None:
        super().__init__(name=name, default=default, required=required, tags=tags)

    def run(self) -> Any:
        return parse_datetime(self.name, super().run())


def parse_datetime(name: str, value: Any) -> datetime.datetime | None:
    """`value` (None, str, date or datetime) as an aware datetime; naive means UTC.

    Strings may use any ISO 8601 form Prefect's parser (pendulum) reads: extended or
    basic (`20210304T050607Z`), week (`2021-W09-4`) and ordinal (`2021-063`) dates,
    `2021-03`, `2021`, fractions of any length, `Z`/`+05:30`/`-0530` offsets. The same
    on every supported Python (`datetime.fromisoformat` reads fewer before 3.11).
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, datetime.date):
        parsed = datetime.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        parsed = _parse_iso(name, value)
    else:
        raise TypeError(
            f'Parameter "{name}": expected an ISO 8601 string or a datetime, got '
            f"{type(value).__name__}."
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return as_datetime(parsed)  # prints as Prefect's pendulum DateTime (_datetime.py)


_DATE_TIME = re.compile(r"(?P<date>[^Tt ]+)(?:[Tt ](?P<time>.+))?")
_DATE = re.compile(
    r"(\d{4})(?:-?W(\d{2})(?:-?(\d))?|-?(\d{3})|(\d{2})(\d{2})|-(\d{2})-(\d{2})|-(\d{2}))?"
)
_TIME = re.compile(r"(\d{2})(?::?(\d{2})(?::?(\d{2}))?)?((?:[.,]\d+)?)(.*)")


def _parse_iso(name: str, value: str) -> datetime.datetime:
    from prefect_compat.engine.serializers import parse_iso8601

    text = value.strip()
    try:
        return parse_iso8601(text)  # the extended forms
    except ValueError:
        pass
    try:
        return parse_iso8601(_extended(text))
    except ValueError:
        raise ValueError(
            f'Parameter "{name}": cannot parse {value!r} as an ISO 8601 datetime '
            "(e.g. '2020-01-02T03:04:05+00:00')."
        ) from None


def _extended(text: str) -> str:
    """`text` in ISO 8601 extended calendar form (ValueError if it is not ISO 8601)."""
    parts = _DATE_TIME.fullmatch(text)
    found = _DATE.fullmatch(parts["date"]) if parts else None
    if parts is None or found is None:
        raise ValueError(text)
    year, week, weekday, ordinal, b_month, b_day, month, day, only_month = found.groups()
    y = int(year)
    if week:
        date = datetime.date.fromisocalendar(y, int(week), int(weekday or 1))
    elif ordinal:
        date = datetime.date(y, 1, 1) + datetime.timedelta(days=int(ordinal) - 1)
        if int(ordinal) < 1 or date.year != y:
            raise ValueError(text)
    else:
        m, d = (b_month, b_day) if b_month else (month, day) if month else (only_month, None)
        date = datetime.date(y, int(m or 1), int(d or 1))
    if parts["time"] is None:
        return date.isoformat()
    clock = _TIME.fullmatch(parts["time"])
    if clock is None:
        raise ValueError(text)
    hour, minute, second, fraction, offset = clock.groups()
    return f"{date.isoformat()}T{hour}:{minute or '00'}:{second or '00'}{fraction}{offset}"

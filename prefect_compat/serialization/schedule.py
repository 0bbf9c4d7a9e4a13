"""`prefect.serialization.schedule`: schedules and their clocks, in Prefect's shape.

A Schedule is written as its clocks (each tagged with its class), filters and
adjustments (as `{"fn": dotted path, "kwargs": ...}`); see `_objects.py` for the value
conventions. Classes are found in `prefect_compat.schedules`.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping

from prefect_compat.serialization._objects import ObjectSchema, _find, dump_object, load_object
from prefect_compat.serialization._rrule import dump_rrule, load_rrule
from prefect_compat.serialization._schema import FORMAT_VERSIONS, format_version

_HOMES = ("prefect_compat.schedules.schedules", "prefect_compat.schedules.clocks", "dateutil.rrule")

__all__ = [
    "ADJUSTMENTS",  # noqa: F822 - provided by __getattr__ (needs prefect_compat.schedules)
    "ClockSchema",
    "CronClockSchema",
    "DatesClockSchema",
    "FILTERS",  # noqa: F822 - provided by __getattr__
    "IntervalClockSchema",
    "NewScheduleSchema",
    "RRuleBaseSchema",
    "RRuleClockSchema",
    "RRuleSchema",
    "RRuleSetSchema",
    "ScheduleSchema",
]


class ScheduleSchema(ObjectSchema):
    """A Schedule (or, 0.13, one of the old schedule classes).

    0.13.19 tags it with its class in `type` (it had several schedule classes); 1.4.1
    has only `Schedule` and writes no `type`. Either dict loads under either setting.
    """

    homes = _HOMES

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_object(obj, where, typed=format_version() == FORMAT_VERSIONS["0.13"])

    def _load(self, data: Any, where: str) -> Any:
        if isinstance(data, Mapping) and "type" not in data:
            return load_object(data, where, self.homes, _find("Schedule", self.homes, where))
        return super()._load(data, where)


class ClockSchema(ObjectSchema):
    """Any clock, tagged with its class name in `type`."""

    homes = _HOMES


NewScheduleSchema = ScheduleSchema  # 0.13's name for the clock-based Schedule schema

_FUNCTIONS = {
    "ADJUSTMENTS": ("prefect_compat.schedules.adjustments", ("add", "next_weekday")),
    "FILTERS": (
        "prefect_compat.schedules.filters",
        (
            "on_datetime",
            "on_date",
            "at_time",
            "between_datetimes",
            "between_dates",
            "between_times",
            "is_weekday",
            "is_weekend",
            "is_month_end",
            "is_day_of_week",
            "is_month_start",
        ),
    ),
}


def __getattr__(name: str) -> Any:
    """ADJUSTMENTS / FILTERS: the functions a schedule may name, loaded on first use."""
    if name in _FUNCTIONS:
        import importlib

        module, names = _FUNCTIONS[name]
        try:
            found = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            raise AttributeError(
                f"{__name__}.{name} needs {module}, which is not available"
            ) from exc
        value = [getattr(found, n) for n in names]
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _RRuleSchema(ObjectSchema):
    """dateutil rules, written as Prefect writes them (see `_rrule.py`)."""

    kind: str | None = None

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_rrule(obj, typed=False)

    def _load(self, data: Any, where: str) -> Any:
        return load_rrule(data, where, self.kind)


class IntervalClockSchema(ObjectSchema):
    homes = _HOMES
    object_class = "IntervalClock"


class CronClockSchema(ObjectSchema):
    homes = _HOMES
    object_class = "CronClock"


class DatesClockSchema(ObjectSchema):
    homes = _HOMES
    object_class = "DatesClock"


class RRuleClockSchema(ObjectSchema):
    homes = _HOMES
    object_class = "RRuleClock"


class RRuleBaseSchema(_RRuleSchema):
    kind = None


class RRuleSchema(_RRuleSchema):
    kind = "rrule"


class RRuleSetSchema(_RRuleSchema):
    kind = "rruleset"

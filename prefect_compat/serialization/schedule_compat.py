"""`prefect.serialization.schedule_compat` (0.13): the pre-clock schedule classes."""

from __future__ import annotations

from prefect_compat.serialization._objects import ObjectSchema

_HOMES = ("prefect_compat.schedules.schedules", "prefect_compat.schedules")

__all__ = [
    "CronScheduleSchema",
    "IntervalScheduleSchema",
    "OneTimeScheduleSchema",
    "UnionScheduleSchema",
]


class CronScheduleSchema(ObjectSchema):
    homes = _HOMES
    object_class = "CronSchedule"


class IntervalScheduleSchema(ObjectSchema):
    homes = _HOMES
    object_class = "IntervalSchedule"


class OneTimeScheduleSchema(ObjectSchema):
    homes = _HOMES
    object_class = "OneTimeSchedule"


class UnionScheduleSchema(ObjectSchema):
    homes = _HOMES
    object_class = "UnionSchedule"

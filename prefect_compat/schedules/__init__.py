"""Schedules at Prefect's import path: `prefect.schedules` (1.x and 0.13).

A `Schedule` merges `clocks`, then applies `filters` and `adjustments`; with
`Flow(schedule=...)`, `flow.run()` runs the flow at each scheduled time (see
`core/_scheduled_run.py`). Importing this package loads no third-party module;
`CronClock` imports croniter when one is built.
"""

from prefect_compat.schedules import adjustments, clocks, filters, schedules
from prefect_compat.schedules.schedules import (
    CronSchedule,
    IntervalSchedule,
    OneTimeSchedule,
    RRuleSchedule,
    Schedule,
    UnionSchedule,
)

__all__ = [
    "CronSchedule",
    "IntervalSchedule",
    "OneTimeSchedule",
    "RRuleSchedule",
    "Schedule",
    "UnionSchedule",
    "adjustments",
    "clocks",
    "filters",
    "schedules",
]

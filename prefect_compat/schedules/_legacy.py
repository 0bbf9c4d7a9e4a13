"""0.13's `OneTimeSchedule` and `UnionSchedule`: deprecated there, kept for old scripts.

Both warn with Prefect 0.13's category (UserWarning) and wording, then build a plain
`Schedule`. Deleting this module only breaks these two 0.13 names (HOUSE_STYLE R13).
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prefect_compat.schedules.schedules import Schedule

__all__ = ["OneTimeSchedule", "UnionSchedule"]


def OneTimeSchedule(start_date: datetime) -> Schedule:  # noqa: N802 - Prefect 0.13's name
    """A Schedule with one date (0.13); write `Schedule([DatesClock([start_date])])`."""
    from prefect_compat.schedules.clocks import DatesClock
    from prefect_compat.schedules.schedules import Schedule

    warnings.warn(
        "The OneTimeSchedule is deprecated and will be removed from Prefect. "
        "Use a Schedule with a single-date DatesClock instead.",
        UserWarning,
        stacklevel=2,
    )
    return Schedule(clocks=[DatesClock(dates=[start_date])])


def UnionSchedule(schedules: list[Schedule]) -> Schedule:  # noqa: N802 - Prefect 0.13's name
    """The clocks of several schedules in one (0.13); their filters are not carried over."""
    from prefect_compat.schedules.schedules import Schedule

    warnings.warn(
        "The UnionSchedule is deprecated and will be removed from Prefect. "
        "Use a Schedule with multiple clocks instead.",
        UserWarning,
        stacklevel=2,
    )
    return Schedule(clocks=[clock for schedule in schedules for clock in schedule.clocks])

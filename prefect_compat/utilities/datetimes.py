"""`prefect.utilities.datetimes`: `retry_delay`, a retry interval with optional backoff."""

from __future__ import annotations

import datetime
from typing import Any, Callable

__all__ = ["retry_delay"]


def retry_delay(
    interval: datetime.timedelta | None = None,
    *args: Any,
    exponential_backoff: bool = False,
    max_delay: datetime.timedelta = datetime.timedelta(hours=2),
    **kwargs: Any,
) -> Callable[[int], datetime.timedelta]:
    """A function `run_number -> delay`: `interval`, or `timedelta(*args, **kwargs)`.

    With `exponential_backoff` the delay doubles from the second attempt on
    (`interval * 2 ** (run_number - 2)`), capped at `max_delay`.
    """
    if interval is not None and (args or kwargs):
        raise ValueError("Provide an interval or interval keywords, but not both.")
    if interval is None:
        if not (args or kwargs):
            raise ValueError("Provide either an interval or interval keywords.")
        interval = datetime.timedelta(*args, **kwargs)
    base = interval

    def delay(run_number: int) -> datetime.timedelta:
        if not exponential_backoff:
            return base
        return min(base * 2 ** max(run_number - 2, 0), max_delay)

    return delay

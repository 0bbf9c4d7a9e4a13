"""`prefect.utilities.datetimes`: `retry_delay`, a retry interval with optional backoff."""

from __future__ import annotations

import datetime
from typing import Any, Callable

__all__ = ["retry_delay"]


def retry_delay(
    interval: datetime.timedelta | None = None,
    *args: Any,
    exponential_backoff: bool = False,
    max_delay: datetime.timedelta | None = datetime.timedelta(hours=2),
    **kwargs: Any,
) -> Callable[[int], datetime.timedelta]:
    """A function `run_number -> delay`: `interval`, or `timedelta(**kwargs)`.

    With `exponential_backoff` the delay doubles from the second attempt on
    (`interval * 2 ** (run_number - 2)`). Every delay is capped at `max_delay`
    (None: no cap). As in Prefect, extra positional arguments are ignored.
    """
    if interval is not None and kwargs:
        raise ValueError("Provide an interval or interval keywords, but not both.")
    if interval is None:
        if not kwargs:
            raise ValueError("Provide either an interval or interval keywords.")
        interval = datetime.timedelta(**kwargs)
    if not isinstance(interval, datetime.timedelta):
        raise TypeError(
            f"retry_delay: interval must be a datetime.timedelta, not {interval!r}; "
            "e.g. retry_delay(datetime.timedelta(seconds=5)) or retry_delay(seconds=5)."
        )
    if max_delay is not None and not isinstance(max_delay, datetime.timedelta):
        raise TypeError(
            f"retry_delay: max_delay must be a datetime.timedelta or None, not {max_delay!r}."
        )
    base = interval

    def retry_delay(run_number: int) -> datetime.timedelta:
        delay = base * 2 ** max(run_number - 2, 0) if exponential_backoff else base
        return delay if max_delay is None else min(delay, max_delay)

    return retry_delay

"""Exception roots shared by the engine and user code (`prefect.exceptions` in 1.x).

Two families, kept apart on purpose: `PrefectException` is an ordinary `Exception`
for things that went wrong; `PrefectSignal` derives from `BaseException` because
signals steer the engine (FAIL, SKIP, ENDRUN, timeouts) and a user's blanket
`except Exception:` must not swallow them, exactly as in Prefect 1.x.

This module imports nothing from the package, so any module may import it.
"""

from __future__ import annotations

__all__ = [
    "FlowStorageError",
    "MissingResult",
    "PrefectException",
    "PrefectSignal",
    "ResultReadError",
    "TaskTimeoutSignal",
]


class PrefectException(Exception):
    """Base of the package's ordinary errors; `args` is `(message,)` like Prefect's."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class PrefectSignal(BaseException):
    """Base of every engine signal: a BaseException so `except Exception` lets it pass."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class TaskTimeoutSignal(PrefectSignal):
    """Raised into a task run when its `timeout` expires; the task ends `TimedOut`."""


class FlowStorageError(PrefectException):
    """A flow could not be stored or loaded (kept for code that imports or catches it)."""


class ResultReadError(PrefectException):
    """A stored result could not be read back.

    Raised instead of returning None or a half-read value, so a corrupt or missing
    payload is never mistaken for a task that returned None. The message names the
    location and the serializer and says what to check.
    """


# --- Prefect 2.x results (prefect_compat.results); new 2.x names go below this line ---

MISSING_RESULT_MESSAGE = (
    "State data is missing. Typically, this occurs when result persistence is disabled and "
    "the state has been retrieved from the API. Here both persistence and in-memory caching "
    "are off: set persist_result=True (or cache_result_in_memory=True) on the task or flow "
    "to keep its result."
)


class MissingResult(PrefectException):
    """A 2.x state has no data to resolve: its result was neither persisted nor kept.

    The message starts with Prefect 2's own text, so code that matches on it keeps
    working; without an argument the default message names the two options that fix it.
    """

    def __init__(self, message: str = MISSING_RESULT_MESSAGE) -> None:
        super().__init__(message)

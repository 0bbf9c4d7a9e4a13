"""Exception roots shared by the engine and user code (`prefect.exceptions` in 1.x).

Two families, kept apart on purpose: `PrefectException` is an ordinary `Exception`
for things that went wrong; `PrefectSignal` derives from `BaseException` because
signals steer the engine (FAIL, SKIP, ENDRUN, timeouts) and a user's blanket
`except Exception:` must not swallow them, exactly as in Prefect 1.x.

Prefect 2.x names (`MissingContextError`, `FailedRun`, `CrashedRun`, `ParameterBindError`,
...) live here too: no name collides between the eras. `TaskCallError` is the one error
for a task called where neither era can run it (no `with Flow(...)` block, no `@flow`
run): both a ValueError (what 1.x raises) and a RuntimeError (what 2.x raises).

This module imports nothing from the package, so any module may import it.
"""

from __future__ import annotations

__all__ = [
    "CrashedRun",
    "FailedRun",
    "FlowStorageError",
    "MissingContextError",
    "MissingResult",
    "ParameterBindError",
    "PrefectException",
    "PrefectSignal",
    "ResultReadError",
    "TaskCallError",
    "TaskTimeoutSignal",
    "UpstreamTaskError",
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


# -- Prefect 2.x names -------------------------------------------------------------------


class MissingContextError(PrefectException, RuntimeError):
    """A 2.x run context was asked for outside a flow or task run."""


class FailedRun(PrefectException):
    """`state.result()` of a failed state that holds no exception of its own."""


class CrashedRun(PrefectException):
    """`state.result()` of a crashed state that holds no exception of its own."""


class ParameterBindError(TypeError, PrefectException):
    """A 2.x flow or task call whose arguments do not fit the function's signature."""


class UpstreamTaskError(PrefectException):
    """A 2.x task did not run because a task it waits for did not complete."""


class TaskCallError(PrefectException, ValueError, RuntimeError):
    """A task called where it can neither join a 1.x flow nor run in a 2.x flow.

    A ValueError like Prefect 1.x's "could not infer an active Flow context" and a
    RuntimeError like 2.x's "tasks cannot be run outside of a flow", so `except`
    clauses written for either era catch it.
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

"""Exception roots shared by the engine and user code (`prefect.exceptions` in 1.x).

Two families, kept apart on purpose: `PrefectException` is an ordinary `Exception`
for things that went wrong; `PrefectSignal` derives from `BaseException` because
signals steer the engine (FAIL, SKIP, ENDRUN, timeouts) and a user's blanket
`except Exception:` must not swallow them, exactly as in Prefect 1.x.

`PrefectError` is Prefect 0.13's root (`prefect.utilities.exceptions`); it is kept
as a base of `PrefectException`, so 0.13 code that catches `PrefectError` still
catches the 1.x errors (`ClientError`, ...). `NoBackendError` is ours: everything
that needs Prefect Cloud/Server (`Client`, `flow.register()`, ...) raises it.

Prefect 2.x names (`MissingContextError`, `FailedRun`, `CrashedRun`, `ParameterBindError`,
...) live here too: no name collides between the eras. `TaskCallError` is the one error
for a task called where neither era can run it (no `with Flow(...)` block, no `@flow`
run): both a ValueError (what 1.x raises) and a RuntimeError (what 2.x raises).

This module imports nothing from the package, so any module may import it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthorizationError",
    "ClientError",
    "CrashedRun",
    "FailedRun",
    "FlowStorageError",
    "MissingContextError",
    "MappingLengthMismatch",
    "MappingMissingIterable",
    "MissingResult",
    "NoBackendError",
    "NotProvidedError",
    "ObjectNotFoundError",
    "ParameterBindError",
    "PrefectException",
    "PrefectSignal",
    "ResultNotFoundError",
    "ResultReadError",
    "TaskCallError",
    "TaskTimeoutSignal",
    "UpstreamTaskError",
    "VersionLockMismatchSignal",
]


class PrefectError(Exception):
    """Prefect 0.13's root error class (its public home is `prefect.utilities.exceptions`)."""


PrefectError.__module__ = "prefect_compat.utilities.exceptions"


class PrefectException(PrefectError):
    """Base of the package's ordinary errors; `args` is `(message,)` like Prefect's."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class PrefectSignal(BaseException):
    """Base of every engine signal: a BaseException so `except Exception` lets it pass."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class TaskTimeoutSignal(PrefectSignal):
    """Raised into a task run when its `timeout` expires; the task ends `TimedOut`."""


class VersionLockMismatchSignal(PrefectSignal):
    """A backend refused a state change (version locking); never raised by a local run."""


class ClientError(PrefectException):
    """A request to the Prefect Cloud/Server API failed."""


class AuthorizationError(ClientError):
    """The Prefect Cloud/Server API refused the credentials."""


class ObjectNotFoundError(ClientError):
    """The Prefect Cloud/Server API has no such object."""


class NoBackendError(ClientError):
    """Something needs Prefect Cloud/Server, which prefect-compat does not talk to.

    The message names what was called and what to use instead (`flow.run()`,
    `prefect-compat run`, local secrets).
    """


def no_backend(what: str, instead: str = "") -> NoBackendError:
    """The one error for backend-only features: `what` needs a backend; use `instead`."""
    message = (
        f"{what} needs a Prefect Cloud/Server backend, and prefect-compat has none: it runs "
        "flows in this process (flow.run(), or `prefect-compat run script.py`)."
    )
    return NoBackendError(f"{message} {instead}" if instead else message)


class NotProvidedError(AttributeError):
    """A Prefect name that prefect-compat deliberately leaves out (Cloud/Server API pieces).

    An AttributeError, so `hasattr(prefect, "api")` answers False and
    `getattr(prefect, "api", None)` gives None; the message says why it is missing.
    """


def not_provided(message: str, caller: Any) -> Exception:
    """The error for a left-out name, shaped for how it was asked for.

    `from prefect import api` turns an AttributeError into a bare "cannot import name"
    ImportError that drops our message, so when `caller` (the frame doing the lookup)
    is executing a `from ... import`, this returns an ImportError carrying the message;
    otherwise a NotProvidedError.
    """
    code = getattr(caller, "f_code", None)
    lasti = getattr(caller, "f_lasti", -1)
    if code is not None and 0 <= lasti < len(code.co_code):
        import opcode

        if code.co_code[lasti] == opcode.opmap["IMPORT_FROM"]:
            return ImportError(message)
    return NotProvidedError(message)


class FlowStorageError(PrefectException):
    """A flow could not be stored or loaded (kept for code that imports or catches it)."""


class ResultReadError(PrefectException):
    """A stored result could not be read back.

    Raised instead of returning None or a half-read value, so a corrupt or missing
    payload is never mistaken for a task that returned None. The message names the
    location and the serializer and says what to check.
    """


class ResultNotFoundError(ResultReadError, FileNotFoundError):
    """Nothing is stored at the location read. Also a FileNotFoundError, which is what
    Prefect's local results and handlers raise, so `except FileNotFoundError` still works."""


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


class MappingLengthMismatch(PrefectException, ValueError):
    """A 2.x `task.map(...)` got iterables of different lengths (also a ValueError)."""


class MappingMissingIterable(PrefectException, ValueError):
    """A 2.x `task.map(...)` got nothing to map over (also a ValueError)."""


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

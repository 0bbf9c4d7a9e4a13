"""`prefect.states` (Prefect 2.x): the one `State` class, `StateType`, and state builders.

A 2.x state is a different class from the 1.x `prefect.engine.state.State` family:
its kind is `state.type` (a `StateType`), its label `state.name` ("Completed",
"Cached", "TimedOut", ...), and `result()` is a method that resolves `state.data`
(a raw value, a `LiteralResult`, a `PersistedResult`, an exception, or other states).
`Completed()`, `Failed()`, ... are functions building a `State` with that name.

`result(raise_on_failure=True, fetch=None)` follows Prefect 2.6.9: in async code
that did not ask for `fetch`, it warns and returns the raw data unless
`PREFECT_ASYNC_FETCH_STATE_RESULT` is set; `fetch=True` there returns an awaitable.
"""

from __future__ import annotations

import datetime
import enum
import sys
import warnings
from collections.abc import Iterable
from typing import Any, cast

from prefect_compat import _context
from prefect_compat.exceptions import CrashedRun, FailedRun
from prefect_compat.utilities.context import RUN_KEY

__all__ = [
    "AwaitingRetry",
    "Cancelled",
    "Completed",
    "Crashed",
    "Failed",
    "Late",
    "Pending",
    "Retrying",
    "Running",
    "Scheduled",
    "State",
    "StateDetails",
    "StateType",
    "get_state_exception",
    "is_state",
    "is_state_iterable",
    "raise_state_exception",
]

ASYNC_NOT_AWAITED = (
    "State.result() was called from an async context but not awaited. This method will be "
    "updated to return a coroutine by default in the future. Pass `fetch=True` and `await` "
    "the call to get rid of this warning."
)


class StateType(str, enum.Enum):
    """The kind of a state; `state.name` may be more specific ("Cached" is COMPLETED)."""

    SCHEDULED = "SCHEDULED"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    CRASHED = "CRASHED"

    def __repr__(self) -> str:
        return f"StateType.{self.name}"

    def __str__(self) -> str:
        return self.value


_FINAL = frozenset({StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED})
_DEFAULT_NAMES = {t: t.value.capitalize() for t in StateType}


class StateDetails:
    """Run ids, cache key and expiry, schedule time: what 2.x keeps beside a state."""

    __slots__ = (
        "cache_expiration",
        "cache_key",
        "child_flow_run_id",
        "flow_run_id",
        "scheduled_time",
        "task_run_id",
        "untrackable_result",
    )

    def __init__(  # noqa: PLR0913 - the 2.x fields, all optional keywords
        self,
        *,
        flow_run_id: Any = None,
        task_run_id: Any = None,
        child_flow_run_id: Any = None,
        scheduled_time: datetime.datetime | None = None,
        cache_key: str | None = None,
        cache_expiration: datetime.datetime | None = None,
        untrackable_result: bool = False,
    ) -> None:
        self.flow_run_id = flow_run_id
        self.task_run_id = task_run_id
        self.child_flow_run_id = child_flow_run_id
        self.scheduled_time = scheduled_time
        self.cache_key = cache_key
        self.cache_expiration = cache_expiration
        self.untrackable_result = untrackable_result

    def __repr__(self) -> str:
        return " ".join(f"{name}={getattr(self, name)!r}" for name in _DETAIL_ORDER)


_DETAIL_ORDER = (
    "flow_run_id",
    "task_run_id",
    "child_flow_run_id",
    "scheduled_time",
    "cache_key",
    "cache_expiration",
    "untrackable_result",
)


class State:
    """A 2.x run state: `type`, `name`, `message`, `data`, `timestamp`, `state_details`."""

    __slots__ = ("_details", "data", "message", "name", "timestamp", "type")

    def __init__(  # noqa: PLR0913 - the 2.x fields, all keywords
        self,
        type: StateType | str,  # noqa: A002 - Prefect's field name
        name: str | None = None,
        message: str | None = None,
        data: Any = None,
        state_details: StateDetails | None = None,
        timestamp: datetime.datetime | None = None,
    ) -> None:
        kind = type if type.__class__ is StateType else StateType(type)
        self.type = kind
        self.name = name if name is not None else _DEFAULT_NAMES[kind]
        self.message = message
        self.data = data
        self._details = state_details
        self.timestamp = (
            timestamp if timestamp is not None else datetime.datetime.now(datetime.timezone.utc)
        )

    @property
    def state_details(self) -> StateDetails:
        details = self._details
        if details is None:
            details = self._details = StateDetails()
        return details

    @state_details.setter
    def state_details(self, value: StateDetails) -> None:
        self._details = value

    # -- kind -------------------------------------------------------------------------
    def is_scheduled(self) -> bool:
        return self.type is StateType.SCHEDULED

    def is_pending(self) -> bool:
        return self.type is StateType.PENDING

    def is_running(self) -> bool:
        return self.type is StateType.RUNNING

    def is_completed(self) -> bool:
        return self.type is StateType.COMPLETED

    def is_failed(self) -> bool:
        return self.type is StateType.FAILED

    def is_crashed(self) -> bool:
        return self.type is StateType.CRASHED

    def is_cancelled(self) -> bool:
        return self.type is StateType.CANCELLED

    def is_final(self) -> bool:
        return self.type in _FINAL

    # -- the value ----------------------------------------------------------------------
    def result(self, raise_on_failure: bool = True, fetch: bool | None = None) -> Any:
        """The value this state holds (see the module docstring for `fetch`)."""
        in_async = _in_async_caller()
        if fetch is None and in_async:
            if not _async_fetch_setting():
                warnings.warn(ASYNC_NOT_AWAITED, DeprecationWarning, stacklevel=2)
                return _raw(self, raise_on_failure)
            fetch = True
        if fetch is False:
            return _raw(self, raise_on_failure)
        if in_async:
            return _fetch_later(self, raise_on_failure)
        return fetch_result(self, raise_on_failure)

    def copy(self, **update: Any) -> State:
        """A copy with the given fields replaced (`data=`, `name=`, `message=`, ...)."""
        fields = {
            "type": self.type,
            "name": self.name,
            "message": self.message,
            "data": self.data,
            "state_details": self._details,
            "timestamp": self.timestamp,
        }
        fields.update(update)
        return State(**fields)

    def __repr__(self) -> str:
        return (
            f"{self.name}(message={self.message!r}, type={self.type.value}, result={self.data!r})"
        )

    def __str__(self) -> str:
        message = repr(self.message) if self.message else ""
        if self.name == _DEFAULT_NAMES[self.type]:
            return f"{self.name}({message})"
        return f"{self.name}({message}, type={self.type.value})"


# -- resolving data -----------------------------------------------------------------------

_RESULT_TYPES: tuple[type, ...] | None = None


def result_types() -> tuple[type, ...]:
    """`(BaseResult,)` from `prefect_compat.results`, imported on first need."""
    global _RESULT_TYPES
    if _RESULT_TYPES is None:
        from prefect_compat.results import BaseResult

        _RESULT_TYPES = (BaseResult,)
    return _RESULT_TYPES


def _in_async_caller() -> bool:
    """On a thread running an event loop, outside any sync 2.x flow or task run."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    run = _context.get(RUN_KEY)
    return run is None or bool(run.isasync)


def _async_fetch_setting() -> bool:
    from prefect_compat.settings import PREFECT_ASYNC_FETCH_STATE_RESULT

    return bool(PREFECT_ASYNC_FETCH_STATE_RESULT.value())


def _raw(state: State, raise_on_failure: bool) -> Any:
    data = state.data
    if raise_on_failure and isinstance(data, BaseException) and _failure(state):
        raise data
    return data


def _failure(state: State) -> bool:
    return state.type is StateType.FAILED or state.type is StateType.CRASHED


async def _fetch_later(state: State, raise_on_failure: bool) -> Any:
    return fetch_result(state, raise_on_failure)


def fetch_result(state: State, raise_on_failure: bool = True) -> Any:
    """`state.result(fetch=True)` in sync code: the value, or the failure raised."""
    if _failure(state):
        error = get_state_exception(state)
        if raise_on_failure:
            raise error
        return error
    data = state.data
    if data is None:
        from prefect_compat.exceptions import MissingResult

        raise MissingResult()
    if isinstance(data, result_types()):
        return cast(Any, data).get(_sync=True)
    return data


def get_state_exception(state: State) -> BaseException:
    """The exception a failed or crashed state stands for."""
    data = state.data
    if isinstance(data, result_types()):
        data = cast(Any, data).get(_sync=True)
    if isinstance(data, BaseException):
        return data
    if isinstance(data, State):
        return get_state_exception(data)
    if is_state_iterable(data):
        for inner in data:
            if _failure(inner):
                return get_state_exception(inner)
    if state.type is StateType.CRASHED:
        return CrashedRun(state.message or "")
    return FailedRun(state.message or "")


def raise_state_exception(state: State) -> None:
    """Raise the state's exception if it failed or crashed; otherwise do nothing."""
    if _failure(state):
        raise get_state_exception(state)


def is_state(value: Any) -> bool:
    return isinstance(value, State)


def is_state_iterable(value: Any) -> bool:
    """A list, tuple or set whose items are all 2.x states (and not empty)."""
    if isinstance(value, (list, tuple, set, frozenset)) and value:
        return all(isinstance(item, State) for item in value)
    return False


# -- builders --------------------------------------------------------------------------


def _build(kind: StateType, name: str | None, kwargs: dict[str, Any]) -> State:
    given = kwargs.pop("name", None)
    return State(type=kind, name=given or name, **kwargs)


def Completed(**kwargs: Any) -> State:  # noqa: N802 - Prefect's public name
    return _build(StateType.COMPLETED, None, kwargs)


def Running(**kwargs: Any) -> State:  # noqa: N802
    return _build(StateType.RUNNING, None, kwargs)


def Failed(**kwargs: Any) -> State:  # noqa: N802
    return _build(StateType.FAILED, None, kwargs)


def Crashed(**kwargs: Any) -> State:  # noqa: N802
    return _build(StateType.CRASHED, None, kwargs)


def Cancelled(**kwargs: Any) -> State:  # noqa: N802
    return _build(StateType.CANCELLED, None, kwargs)


def Pending(**kwargs: Any) -> State:  # noqa: N802
    return _build(StateType.PENDING, None, kwargs)


def Scheduled(  # noqa: N802
    scheduled_time: datetime.datetime | None = None, **kwargs: Any
) -> State:
    details = kwargs.pop("state_details", None) or StateDetails()
    details.scheduled_time = scheduled_time or datetime.datetime.now(datetime.timezone.utc)
    return _build(StateType.SCHEDULED, None, dict(kwargs, state_details=details))


def AwaitingRetry(  # noqa: N802
    scheduled_time: datetime.datetime | None = None, **kwargs: Any
) -> State:
    kwargs.setdefault("name", "AwaitingRetry")
    return Scheduled(scheduled_time=scheduled_time, **kwargs)


def Late(scheduled_time: datetime.datetime | None = None, **kwargs: Any) -> State:  # noqa: N802
    kwargs.setdefault("name", "Late")
    return Scheduled(scheduled_time=scheduled_time, **kwargs)


def Retrying(**kwargs: Any) -> State:  # noqa: N802
    return _build(StateType.RUNNING, "Retrying", kwargs)


def all_completed(states: Iterable[State]) -> bool:
    return all(state.type is StateType.COMPLETED for state in states)

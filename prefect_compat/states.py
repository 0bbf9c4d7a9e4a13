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
        return f"StateType.{self.name}"

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


_FINAL = frozenset({StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED})
_DEFAULT_NAMES = {t: t.value.capitalize() for t in StateType}


class StateDetails:
    """Run ids, cache key and expiry, schedule time: what 2.x keeps beside a state."""

    __slots__ = (
        "_task_run_id",
        "cache_expiration",
        "cache_key",
        "child_flow_run_id",
        "flow_run_id",
        "scheduled_time",
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
        self._task_run_id: Any = task_run_id
        self.child_flow_run_id = child_flow_run_id
        self.scheduled_time = scheduled_time
        self.cache_key = cache_key
        self.cache_expiration = cache_expiration
        self.untrackable_result = untrackable_result

    @classmethod
    def of_run(cls, flow_run_id: Any) -> StateDetails:
        """The details of a state a task run produced: its task run id is drawn when
        first read (most are never read, and a run should not pay for one)."""
        details = cls(flow_run_id=flow_run_id)
        details._task_run_id = _DRAWN_LATER
        return details

    @property
    def task_run_id(self) -> Any:
        found = self._task_run_id
        if found is _DRAWN_LATER:
            import uuid

            found = self._task_run_id = uuid.uuid4()
        return found

    @task_run_id.setter
    def task_run_id(self, value: Any) -> None:
        self._task_run_id = value

    @property
    def from_a_run(self) -> bool:
        """True if a flow or task run produced the state (it has a run id)."""
        return self.flow_run_id is not None or self._task_run_id is not None

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _DETAIL_ORDER)
        return f"StateDetails({fields})"

    def copy(self) -> StateDetails:
        return StateDetails(**{name: getattr(self, name) for name in _DETAIL_ORDER})


class _Later:
    """Marks a task run id not drawn yet; pickles and copies as the one marker."""

    def __reduce__(self) -> str:
        return "_DRAWN_LATER"


_DRAWN_LATER: Any = _Later()
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

    __slots__ = ("_details", "_id", "data", "message", "name", "timestamp", "type")

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
        self.message = message if message is None or message.__class__ is str else str(message)
        self.data = data
        self._details = state_details
        self._id: Any = None
        self.timestamp = (
            timestamp if timestamp is not None else datetime.datetime.now(datetime.timezone.utc)
        )

    @property
    def id(self) -> Any:  # noqa: A003 - Prefect's field name
        """A UUID of this state, made when first asked for."""
        if self._id is None:
            import uuid

            self._id = uuid.uuid4()
        return self._id

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
                return self.data
            fetch = True
        if fetch is False:
            return self.data
        if in_async:
            return _fetch_later(self, raise_on_failure)
        return fetch_result(self, raise_on_failure)

    def copy(
        self, *, update: dict[str, Any] | None = None, deep: bool = False, **fields: Any
    ) -> State:
        """A copy with fields replaced (`update={"name": ...}` or `name=...`): same id
        and state details, a new timestamp (as 2.6.9); `deep=True` copies the data too."""
        values = {
            "type": self.type,
            "name": self.name,
            "message": self.message,
            "data": self.data,
            "state_details": self.state_details,
        }
        if deep:
            import copy as copying

            values["data"] = copying.deepcopy(self.data)
            values["state_details"] = self.state_details.copy()
        values.update(update or {}, **fields)
        new = State(**values)
        new._id = self._id if self._id is not None else self.id
        return new

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


def _failure(state: State) -> bool:
    return state.type is StateType.FAILED or state.type is StateType.CRASHED


async def _fetch_later(state: State, raise_on_failure: bool) -> Any:
    return fetch_result(state, raise_on_failure)


def fetch_result(state: State, raise_on_failure: bool = True) -> Any:
    """`state.result(fetch=True)` in sync code.

    A failed or crashed state raises its exception; with `raise_on_failure=False` it
    gives its data like any other state (the exception, or the states it aggregates),
    or, holding none, the exception it stands for. Other states give their data
    resolved; no data at all is a MissingResult.
    """
    failed = _failure(state)
    if failed and raise_on_failure:
        raise get_state_exception(state)
    data = state.data
    if data is None:
        if failed:
            return get_state_exception(state)
        from prefect_compat.exceptions import MissingResult

        raise MissingResult()
    if isinstance(data, result_types()):
        return cast(Any, data).get(_sync=True)
    return data


def get_state_exception(state: State) -> BaseException:
    """The exception a failed or crashed state stands for (2.6.9's rules):

    its data if that is an exception; FailedRun/CrashedRun carrying the message (or
    the data, if that is a string); for a state or states, the first failed or
    crashed one's. Data of any other kind is a TypeError, a state that did not fail a
    ValueError.
    """
    if not _failure(state):
        raise ValueError(f"Expected failed or crashed state got {state!r}.")
    data = state.data
    if isinstance(data, result_types()):
        data = cast(Any, data).get(_sync=True)
    kind = CrashedRun if state.type is StateType.CRASHED else FailedRun
    if data is None:
        return kind(cast(str, state.message))  # None too, shown as "None" (2.6.9)
    if isinstance(data, BaseException):
        return data
    if isinstance(data, str):
        return kind(data)
    if isinstance(data, State):
        return get_state_exception(data)
    if is_state_iterable(data):
        for inner in data:
            if _failure(inner):
                return get_state_exception(inner)
        raise ValueError("Failed state result was an iterable of states but none were failed.")
    raise TypeError(
        f"Unexpected result for failed state: {data!r} —— {type(data).__name__} cannot be "
        "resolved into an exception"
    )


def raise_state_exception(state: State) -> None:
    """Raise the state's exception if it failed or crashed; otherwise do nothing."""
    if _failure(state):
        raise get_state_exception(state)


def is_state(value: Any) -> bool:
    return isinstance(value, State)


def is_state_iterable(value: Any) -> bool:
    """A list, tuple or set whose items are all 2.x states (and not empty)."""
    if isinstance(value, (list, tuple, set)) and value:
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


def _fixed_name(builder: str, kwargs: dict[str, Any]) -> None:
    """2.6.9's Retrying/AwaitingRetry/Late name their state themselves."""
    if "name" in kwargs:
        raise TypeError(f"{builder}() got multiple values for keyword argument 'name'")


def AwaitingRetry(  # noqa: N802
    scheduled_time: datetime.datetime | None = None, **kwargs: Any
) -> State:
    _fixed_name("AwaitingRetry", kwargs)
    return Scheduled(scheduled_time=scheduled_time, name="AwaitingRetry", **kwargs)


def Late(scheduled_time: datetime.datetime | None = None, **kwargs: Any) -> State:  # noqa: N802
    _fixed_name("Late", kwargs)
    return Scheduled(scheduled_time=scheduled_time, name="Late", **kwargs)


def Retrying(**kwargs: Any) -> State:  # noqa: N802
    _fixed_name("Retrying", kwargs)
    return _build(StateType.RUNNING, "Retrying", kwargs)


def all_completed(states: Iterable[State]) -> bool:
    return all(state.type is StateType.COMPLETED for state in states)

"""The state taxonomy: what a task or flow run is, or ended up as.

States are plain values: a message, a Result, a context dict, cached inputs and a
few per-class fields, plus `is_*` predicates that are `isinstance` checks (so
`Skipped().is_successful()` holds). Prefect's states copy the task's tags into
their context when built; these do not (their context is `{}` unless given). The
one context read is Prefect's default for a count left out: `Retrying()` takes
`task_run_count` and `Looped()` takes `task_loop_count` from the running task
(1 outside a task run), so `raise RETRY()` and `raise LOOP()` count as Prefect's.

The engine builds two or three states per task run, so `__init__` is plain
attribute assignment; only Scheduled-like states read the clock, and only when no
start time is given. Times are timezone-aware stdlib datetimes: naive inputs are
taken as UTC, aware ones keep their zone, and a `date` means its midnight, UTC.

Each class keeps Prefect's positional argument order, which differs between
families (Pending and Failed put `cached_inputs` before `context`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, cast

from prefect_compat import _context
from prefect_compat.engine import _state_support
from prefect_compat.engine._state_support import _public, _utc
from prefect_compat.engine.result.base import NoResult, Result, ResultInterface

__all__ = [
    "Cached",
    "Cancelled",
    "Cancelling",
    "ClientFailed",
    "Failed",
    "Finished",
    "Looped",
    "Mapped",
    "Paused",
    "Pending",
    "Queued",
    "Resume",
    "Retrying",
    "Running",
    "Scheduled",
    "Skipped",
    "State",
    "Submitted",
    "Success",
    "TimedOut",
    "TriggerFailed",
    "ValidationFailed",
]


class State:
    """Base state: `message`, a Result (`result` gives its value), `context`, `cached_inputs`.

    Equality: same exact class, equal result values and equal public attributes
    other than `message` and `context`. Hashing is by identity, so equal states
    are still distinct set members and dict keys.
    """

    color = "#696969"

    def __init__(
        self,
        message: str | None = None,
        result: Any = None,
        context: Dict[str, Any] | None = None,
        cached_inputs: Dict[str, Result] | None = None,
    ) -> None:
        self.message = message
        self._result: Result
        # Inlined (no helper call): this runs for every state the engine creates.
        if result is None:
            self._result = NoResult
        elif isinstance(result, ResultInterface):  # a Result, or 0.13's SafeResult
            self._result = result  # type: ignore[assignment]
        else:
            self._result = Result(result)
        self.context = {} if context is None else context
        self.cached_inputs = {} if cached_inputs is None else cached_inputs

    @property
    def result(self) -> Any:
        """The value of the stored Result (None when there is no result)."""
        try:
            return self._result.value
        except AttributeError:  # something that is not a Result was assigned to _result
            return self._result

    @result.setter
    def result(self, value: Any) -> None:
        # Unlike the constructor, assigning None stores Result(None) (as Prefect 1.x does).
        # a 0.13 SafeResult is kept as it is, as 0.13 keeps it
        self._result = value if isinstance(value, ResultInterface) else Result(value)  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self.message is None:
            return f"<{type(self).__name__}>"
        return f'<{type(self).__name__}: "{self.message}">'

    def __eq__(self, other: object) -> Any:
        """Same exact class, equal results and equal public attributes (not message or
        context). Combined with `&`, as Prefect does, so results holding arrays or
        DataFrames compare element-wise instead of raising; an attribute only one side
        has makes them unequal both ways (Prefect looks at the left side's only)."""
        if type(self) is not type(other):
            return False
        mine, theirs = _public(self), _public(cast(State, other))
        if mine.keys() != theirs.keys():
            return False
        equal: Any = self.result == cast(State, other).result
        for key, value in mine.items():
            equal = equal & (value == theirs[key])
        return equal

    __hash__ = object.__hash__

    # Pickling, loading stored results, serialization and the class helpers: bound from
    # _state_support.py as they are (no wrapper call), with their docstrings there.
    __getstate__ = _state_support.getstate
    load_result = _state_support.load_result
    load_cached_results = _state_support.load_cached_results
    serialize = _state_support.serialize
    deserialize = staticmethod(_state_support.deserialize)
    children = classmethod(_state_support.children)
    parents = classmethod(_state_support.parents)

    # -- predicates (isinstance checks, so subclasses count) -----------------------

    def is_pending(self) -> bool:
        return isinstance(self, Pending)

    def is_scheduled(self) -> bool:
        return isinstance(self, (Scheduled, Queued))

    def is_retrying(self) -> bool:
        return isinstance(self, Retrying)

    def is_running(self) -> bool:
        return isinstance(self, Running)

    def is_cached(self) -> bool:
        return isinstance(self, Cached)

    def is_finished(self) -> bool:
        return isinstance(self, Finished)

    def is_looped(self) -> bool:
        return isinstance(self, Looped)

    def is_submitted(self) -> bool:
        return isinstance(self, Submitted)

    def is_queued(self) -> bool:
        return isinstance(self, Queued)

    def is_skipped(self) -> bool:
        return isinstance(self, Skipped)

    def is_successful(self) -> bool:
        return isinstance(self, Success)

    def is_failed(self) -> bool:
        return isinstance(self, Failed)

    def is_mapped(self) -> bool:
        return isinstance(self, Mapped)

    def is_meta_state(self) -> bool:
        return isinstance(self, _MetaState)


# -- Pending family -------------------------------------------------------------------


class Pending(State):
    """Not started yet; the run may start as soon as its upstream tasks allow."""

    color = "#7ebdff"

    def __init__(
        self,
        message: str | None = None,
        result: Any = None,
        cached_inputs: Dict[str, Result] | None = None,
        context: Dict[str, Any] | None = None,
    ) -> None:
        State.__init__(self, message, result, context, cached_inputs)


class Scheduled(Pending):
    """Pending until `start_time` (defaults to now, UTC)."""

    color = "#ffab00"
    _starts_now = True  # Paused overrides: no start time means "until resumed"

    def __init__(
        self,
        message: str | None = None,
        result: Any = None,
        start_time: datetime | None = None,
        cached_inputs: Dict[str, Result] | None = None,
        context: Dict[str, Any] | None = None,
    ) -> None:
        State.__init__(self, message, result, context, cached_inputs)
        if start_time is None and self._starts_now:
            start_time = datetime.now(timezone.utc)
        self.start_time = _utc(start_time, self, "start_time")


class Paused(Scheduled):
    """Waiting for a manual resume; `start_time` None means indefinitely."""

    color = "#99a8e8"
    _starts_now = False


class Resume(Scheduled):
    """A paused run that was approved to continue."""

    color = "#f58c0c"


class Retrying(Scheduled):
    """Failed, and will run again at `start_time`; `run_count` counts attempts made."""

    color = "#f66a0a"

    def __init__(
        self,
        message: str | None = None,
        result: Any = None,
        start_time: datetime | None = None,
        cached_inputs: Dict[str, Result] | None = None,
        context: Dict[str, Any] | None = None,
        run_count: int | None = None,
    ) -> None:
        Scheduled.__init__(self, message, result, start_time, cached_inputs, context)
        if run_count is None:
            # Built inside a task run (e.g. by `raise RETRY()`): the attempt in progress.
            run_count = _context.get("task_run_count", 1)
        self.run_count = run_count


# -- meta states ----------------------------------------------------------------------


class _MetaState(State):
    """Wraps another state (e.g. "submitted to an executor while Retrying")."""

    color = "#696969"

    def __init__(
        self,
        message: str | None = None,
        result: Any = None,
        state: State | None = None,
        context: Dict[str, Any] | None = None,
        cached_inputs: Dict[str, Result] | None = None,
    ) -> None:
        State.__init__(self, message, result, context, cached_inputs)
        self.state = state

    @property
    def state(self) -> State | None:
        """The wrapped state; never itself a meta state (nesting is unwrapped on set)."""
        return self._state

    @state.setter
    def state(self, value: State | None) -> None:
        while isinstance(value, _MetaState):
            value = value.state
        self._state = value


class ClientFailed(_MetaState):
    """A state change could not be reported to a backend."""

    color = "#eb0000"


class Submitted(_MetaState):
    """Handed to an executor; `state` is the state it was submitted in."""

    color = "#ffdf5d"


class Queued(_MetaState):
    """Waiting for capacity; will be retried at `start_time` (defaults to now)."""

    color = "#ffea7f"

    def __init__(
        self,
        message: str | None = None,
        result: Any = None,
        state: State | None = None,
        start_time: datetime | None = None,
        context: Dict[str, Any] | None = None,
        cached_inputs: Dict[str, Result] | None = None,
    ) -> None:
        _MetaState.__init__(self, message, result, state, context, cached_inputs)
        if start_time is None:
            start_time = datetime.now(timezone.utc)
        self.start_time = _utc(start_time, self, "start_time")


# -- running and finished -------------------------------------------------------------


class Running(State):
    """The task or flow is executing."""

    color = "#3d67ff"


class Cancelling(Running):
    """Cancellation was requested while running."""

    color = "#E8E8E8"


class Finished(State):
    """Base of every terminal state."""

    color = "#003ccb"


class Looped(Finished):
    """One iteration of a looping task finished; the engine runs the next one."""

    color = "#003ccb"

    def __init__(
        self,
        message: str | None = None,
        result: Any = None,
        loop_count: int | None = None,
        context: Dict[str, Any] | None = None,
        cached_inputs: Dict[str, Result] | None = None,
    ) -> None:
        State.__init__(self, message, result, context, cached_inputs)
        if loop_count is None:
            # Built inside a task run (e.g. by `raise LOOP()`): the iteration in progress.
            loop_count = _context.get("task_loop_count", 1)
        self.loop_count = loop_count


class Success(Finished):
    """Finished without error."""

    color = "#28a745"


class Cached(Success):
    """A successful result that may be reused until `cached_result_expiration`."""

    color = "#34d058"

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        message: str | None = None,
        result: Any = None,
        cached_inputs: Dict[str, Result] | None = None,
        cached_parameters: Dict[str, Any] | None = None,
        cached_result_expiration: datetime | None = None,
        context: Dict[str, Any] | None = None,
        hashed_inputs: Dict[str, str] | None = None,
    ) -> None:
        State.__init__(self, message, result, context, cached_inputs)
        self.hashed_inputs = hashed_inputs
        self.cached_parameters = cached_parameters
        self.cached_result_expiration = _utc(
            cached_result_expiration, self, "cached_result_expiration"
        )


class Mapped(Success):
    """A mapped parent: `map_states` are its children, `result` the list of their results."""

    color = "#003ccb"

    def __init__(
        self,
        message: str | None = None,
        result: Any = None,
        map_states: List[State] | None = None,
        context: Dict[str, Any] | None = None,
        cached_inputs: Dict[str, Result] | None = None,
        n_map_states: int | None = None,
    ) -> None:
        State.__init__(self, message, result, context, cached_inputs)
        self.map_states: List[State] = [] if map_states is None else map_states
        self._n_map_states = n_map_states

    @property
    def n_map_states(self) -> int:
        """The given width if non-zero, else the number of child states."""
        return self._n_map_states or len(self.map_states)

    @n_map_states.setter
    def n_map_states(self, value: int | None) -> None:
        self._n_map_states = value

    def load_result(self, result: Result | None = None) -> Mapped:
        """Load every child's result, then set `result` to the list of their values."""
        if self.map_states:
            for child in self.map_states:
                if child is not None:
                    child.load_result(result)
            self.result = [None if c is None else c.result for c in self.map_states]
        return self


class Skipped(Success):
    """Not run on purpose (SKIP, or an upstream was skipped); counts as successful."""

    color = "#62757f"


class Cancelled(Finished):
    """Stopped by a cancellation request."""

    color = "#bdbdbd"


class Failed(Finished):
    """Finished with an error; `result` is usually the exception or FAIL signal."""

    color = "#eb0000"

    def __init__(
        self,
        message: str | None = None,
        result: Any = None,
        cached_inputs: Dict[str, Result] | None = None,
        context: Dict[str, Any] | None = None,
    ) -> None:
        State.__init__(self, message, result, context, cached_inputs)


class TimedOut(Failed):
    """The task ran past its `timeout`."""

    color = "#ff4e33"


class TriggerFailed(Failed):
    """The task's trigger did not pass, so it never ran."""

    color = "#ff5131"


class ValidationFailed(Failed):
    """The task's output did not pass validation."""

    color = "#ff5131"

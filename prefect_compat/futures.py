"""`prefect.futures` (Prefect 2.x): `PrefectFuture`, what `task.submit()` returns.

A future stands for one submitted task run on the flow run's task runner. `wait()`
gives its final 2.x State, `result()` its value (raising the task's exception unless
`raise_on_failure=False`), `get_state()` the state as it is now. Futures of async tasks
in async flows return awaitables from these methods, as in 2.6.9 (a sync task's future
stays sync there). `bool(future)` warns: it is always true, which is rarely what was
meant.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import warnings
from collections.abc import Iterator
from typing import Any

from prefect_compat.exceptions import UpstreamTaskError
from prefect_compat.states import State, StateType, fetch_result

__all__ = ["PrefectFuture", "resolve_futures_to_states", "submit_call"]

BOOL_WARNING = (
    "A 'PrefectFuture' from a task call was cast to a boolean; did you mean to check the "
    "result of the task instead? e.g. `if my_task().result(): ...`"
)


class PrefectFuture:
    """One submitted task run: `wait()`, `result()`, `get_state()`."""

    __slots__ = ("_handle", "_runner", "_state", "asynchronous", "name")

    def __init__(self, name: str, runner: Any, handle: Any, asynchronous: bool = False) -> None:
        self.name = name
        self._runner = runner
        self._handle = handle
        self._state: State | None = None
        self.asynchronous = asynchronous

    @classmethod
    def done(cls, name: str, state: State, asynchronous: bool = False) -> PrefectFuture:
        """A future whose run has already finished with `state`."""
        future = cls(name, None, None, asynchronous)
        future._state = state
        return future

    def _final(self, timeout: float | None = None) -> State | None:
        state = self._state
        if state is None:
            outcome = self._runner._wait(self._handle, timeout)
            if outcome is None:
                return None
            state = self._state = as_state(outcome, self.name)
        return state

    def wait(self, timeout: float | None = None) -> Any:
        """The final state (None if not finished within `timeout` seconds)."""
        if self.asynchronous:
            return _in_thread(self._final, timeout)
        return self._final(timeout)

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        """The run's value; its exception raised (or returned with raise_on_failure=False)."""
        if self.asynchronous:
            return _in_thread(self._result, timeout, raise_on_failure)
        return self._result(timeout, raise_on_failure)

    def _result(self, timeout: float | None, raise_on_failure: bool) -> Any:
        state = self._final(timeout)
        if state is None:
            raise TimeoutError(
                f"Call timed out before task finished: task run {self.name!r} did not "
                f"finish within {timeout} seconds."
            )
        return fetch_result(state, raise_on_failure)

    def get_state(self) -> Any:
        """The state now: final if the run finished, else Running."""
        if self.asynchronous:
            return _in_thread(self._current)
        return self._current()

    def _current(self) -> State:
        if self._state is None and self._runner._done(self._handle):
            self._final()
        return self._state or State(StateType.RUNNING)

    def __repr__(self) -> str:
        return f"PrefectFuture({self.name!r})"

    def __bool__(self) -> bool:
        warnings.warn(BOOL_WARNING, UserWarning, stacklevel=2)
        return True

    __hash__ = object.__hash__


async def _in_thread(fn: Any, *args: Any) -> Any:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, contextvars.copy_context().run, fn, *args)


def as_state(outcome: Any, name: str) -> State:
    """What a task runner handed back, as a 2.x State."""
    if isinstance(outcome, State):
        return outcome
    from prefect_compat._engine import remote
    from prefect_compat._engine.calls import to_v2

    if isinstance(outcome, remote.Died):
        failed = remote.worker_died(outcome.label, outcome.error)
        return State(StateType.CRASHED, message=failed.message, data=outcome.error)
    if outcome is remote.LOST:
        error = RuntimeError(f"Task run {name!r} was lost with a worker that died.")
        return State(StateType.CRASHED, message=str(error), data=error)
    return to_v2(outcome, None)


def submit_call(
    flow_context: Any, task: Any, parameters: dict[str, Any], context: Any, wait_for: Any
) -> PrefectFuture:
    """Hand one task run to the flow run's task runner; its future."""
    from prefect_compat._engine import calls

    runner = flow_context.task_runner
    name = context.name
    asynchronous = bool(flow_context.isasync and context.isasync)
    if flow_context.isasync:
        context.loop = flow_context.loop
    if runner.crosses_processes:
        try:
            parameters = calls.resolve_inputs(parameters, wait_for)
        except UpstreamTaskError as exc:
            details = calls.run_details(context)
            state = State(
                StateType.PENDING, name="NotReady", message=str(exc), state_details=details
            )
            return PrefectFuture.done(name, state, asynchronous)
        context.parameters = parameters
        handle = runner._submit(calls.run_call, (task, parameters, context), name)
    else:
        handle = runner._submit(calls.execute, (task, parameters, context, wait_for), name)
    if runner.inline:
        return PrefectFuture.done(name, as_state(handle, name), asynchronous)
    return PrefectFuture(name, runner, handle, asynchronous)


def resolve_futures_to_states(value: Any) -> Any:
    """`value` with every PrefectFuture in it (through lists, tuples, sets, dicts and
    iterators, which become lists) waited for and replaced by its final state."""
    kind = type(value)
    if kind is PrefectFuture:
        return value._final()
    if kind in (list, tuple, set):
        return kind(resolve_futures_to_states(item) for item in value)
    if kind is dict:
        return {k: resolve_futures_to_states(v) for k, v in value.items()}
    if isinstance(value, Iterator) and not isinstance(value, io.IOBase):
        # a generator or other one-shot iterator is drained into a list, as 2.6.9 does
        return [resolve_futures_to_states(item) for item in value]
    return value

"""A Prefect 2.x flow call: run the function now, as a flow run, and settle its state.

A flow run pushes one context frame holding its `FlowRunContext` (run ids, the task
runner, result settings, the numbering of task calls) and `flow=None`, so a 1.x
`with Flow(...)` block inside it still builds a graph while a bare task call runs in
this flow (`calls.py`). Then, per attempt (1 + `retries`):

  body      the function, bounded by `timeout_seconds` (a TimedOut state after it)
  settle    every submitted task run waited for; completed calls remembered by
            (task key, call number) so a retry reuses them instead of re-running
  state     from the return value (Prefect 2.6.9's rules, RESULTS_V2 §2.1): futures
            become their states; a state or states -> Completed if all completed, else
            Failed("k/n states failed."); None with task runs -> the list of their
            states, judged the same way; any other value -> Completed holding it
            through the flow's ResultFactory (persisted if the flow persists)

A failed attempt is retried after `retry_delay_seconds`; a crash is not. Async flows
run the same steps in a coroutine on the caller's event loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import random
import time
from typing import Any

from prefect_compat import _context
from prefect_compat._engine import observers, persistence, v2_lines
from prefect_compat._engine.call_steps import run_coroutine
from prefect_compat._engine.timeouts import call_with_timeout
from prefect_compat.exceptions import ParameterBindError, TaskTimeoutSignal, UpstreamTaskError
from prefect_compat.futures import PrefectFuture, resolve_futures_to_states
from prefect_compat.states import (
    State,
    StateDetails,
    StateType,
    fetch_result,
    is_state_iterable,
    result_types,
)
from prefect_compat.utilities.context import RUN_KEY, FlowRun, FlowRunContext, TaskRunContext

__all__ = ["call_flow"]

_ADJECTIVES = (
    "amber", "brisk", "calm", "dapper", "eager", "fuzzy", "gentle", "hazy",
    "icy", "jolly", "keen", "lucky", "mellow", "nimble", "quiet", "rapid",
)  # fmt: skip
_ANIMALS = (
    "badger", "crane", "dingo", "egret", "ferret", "gecko", "heron", "ibis",
    "jackal", "koala", "lemur", "marten", "newt", "otter", "puffin", "quail",
)  # fmt: skip


_NAMES = random.Random()  # noqa: S311 - labels; its own, so a user's random.seed() is untouched


def _run_name() -> str:
    return f"{_NAMES.choice(_ADJECTIVES)}-{_NAMES.choice(_ANIMALS)}"


def bind(flow: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> inspect.BoundArguments:
    """The call's arguments bound to the function (defaults applied), or ParameterBindError."""
    signature: inspect.Signature = flow._signature
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as exc:
        raise ParameterBindError(
            f"Error binding parameters for function {flow.name!r}: {exc}.\n"
            f"Function {flow.name!r} has signature '{str(signature)[1:-1]}' but received "
            f"args: {args!r} and kwargs: {kwargs!r}."
        ) from None
    bound.apply_defaults()
    return bound


def _new_context(flow: Any, parameters: dict[str, Any], parent: Any) -> FlowRunContext:
    context = FlowRunContext(flow, FlowRun(flow.name, _run_name(), parameters), parent)
    factory, storage, serializer = persistence.flow_factory(flow, parent)
    context.result_factory = factory
    context.storage = storage
    context.serializer = serializer
    context.task_runner = flow.task_runner.duplicate()
    return context


def _frame(context: FlowRunContext) -> dict[str, Any]:
    run = context.flow_run
    return {
        "flow": None,
        RUN_KEY: context,
        "flow_name": context.flow.name,
        "flow_run_id": str(run.id),
        "flow_run_name": run.name,
        "parameters": run.parameters,
    }


IN_TASK = "Flows cannot be run from within tasks. Did you mean to call this flow in a flow?"


def call_flow(
    flow: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    return_state: bool,
    wait_for: Any = None,
) -> Any:
    """`flow(...)`: its value (or final state); a coroutine for an async flow."""
    if _context.get(RUN_KEY).__class__ is TaskRunContext:
        raise RuntimeError(IN_TASK)
    bound = bind(flow, args, kwargs)
    parent = FlowRunContext.get()
    if parent is not None and not flow.isasync:
        _resolve_arguments(bound)
    if flow.isasync:
        if parent is not None and not parent.isasync:
            # an async subflow of a sync flow runs to its end here, as in 2.6.9
            return run_coroutine(_call_async(flow, bound, return_state, wait_for))
        return _call_async(flow, bound, return_state, wait_for)
    slot, state = _claim_in_parent(parent, flow)
    if state is None:
        state = _not_ready(parent, wait_for)
    if state is None:
        context = _new_context(flow, dict(bound.arguments), parent)
        v2_lines.flow_created(context, parent)
        token = _context.push(_frame(context))
        try:
            state = _stamped(context, _run_attempts(context, bound))
        finally:
            _context.pop(token)
            context.task_runner._shutdown()
        v2_lines.flow_finished(context, state)
        _tell_watchers(flow, parent, state)
    _record_in_parent(parent, slot, state)
    return state if return_state else fetch_result(state)


def _resolve_arguments(bound: inspect.BoundArguments) -> None:
    """A subflow's arguments as 2.6.9 passes them: futures and states replaced by their
    values (UpstreamTaskError if one did not complete), containers rebuilt, like a
    task's (`calls.resolve_inputs`). A top-level flow gets its arguments as given."""
    from prefect_compat._engine.calls import resolve_inputs

    bound.arguments.update(resolve_inputs(dict(bound.arguments), None))


def _not_ready(parent: Any, wait_for: Any) -> State | None:
    """A flow run waiting for runs that did not complete does not start: NotReady."""
    if wait_for is None:
        return None
    from prefect_compat._engine.calls import resolve_inputs

    try:
        resolve_inputs({}, wait_for)
    except UpstreamTaskError as exc:
        import uuid

        details = StateDetails(
            flow_run_id=uuid.uuid4(), task_run_id=uuid.uuid4() if parent is not None else None
        )
        return State(StateType.PENDING, name="NotReady", message=str(exc), state_details=details)
    return None


def _stamped(context: FlowRunContext, state: State) -> State:
    """The final state with this run's ids; a subflow's also gets a task run id, as
    2.6.9 gives the parent a task run standing for the child."""
    details = state.state_details
    details.flow_run_id = context.flow_run.id
    if context.parent is not None and details.task_run_id is None:
        import uuid

        details.task_run_id = uuid.uuid4()
    return state


def _tell_watchers(flow: Any, parent: Any, state: State) -> None:
    if parent is None:
        for watcher in list(observers.V2_WATCHERS):
            watcher(flow, state)


def _run_attempts(context: FlowRunContext, bound: inspect.BoundArguments) -> State:
    flow = context.flow
    attempt = 0
    while True:
        _start_attempt(context, attempt)
        failure = None
        value = None
        try:
            value = _call_body(flow, bound)
        except TaskTimeoutSignal:
            failure = _timed_out(flow)
        except Exception as exc:  # noqa: BLE001 - THE flow boundary: the run ends Failed
            failure = _failed(context, exc)
        _settle(context)
        state = failure or to_state(context, value)
        if not state.is_failed() or attempt >= (flow.retries or 0):
            return state
        attempt += 1
        if flow.retry_delay_seconds:
            time.sleep(flow.retry_delay_seconds)


def _start_attempt(context: FlowRunContext, attempt: int) -> None:
    context.flow_run.run_count = attempt + 1
    context.counts = {}
    context.attempt_runs = []


class _Body:
    """`call_with_timeout` calls `.run(**inputs)`: the flow function with its arguments."""

    __slots__ = ("bound", "fn")

    def __init__(self, fn: Any, bound: inspect.BoundArguments) -> None:
        self.fn = fn
        self.bound = bound

    def run(self) -> Any:
        return self.fn(*self.bound.args, **self.bound.kwargs)


def _call_body(flow: Any, bound: inspect.BoundArguments) -> Any:
    if flow.timeout_seconds:
        return call_with_timeout(_Body(flow.fn, bound), {}, flow.timeout_seconds)
    return flow.fn(*bound.args, **bound.kwargs)


def _timed_out(flow: Any) -> State:
    return State(
        StateType.FAILED,
        name="TimedOut",
        message=f"Flow run exceeded timeout of {flow.timeout_seconds} seconds",
        data=TimeoutError(),
    )


def _failed(context: FlowRunContext, error: BaseException) -> State:
    v2_lines.flow_error(context, error)
    data: Any = error
    factory = context.result_factory
    if factory.persist_result:
        try:
            data = factory.create_result(error)
        except Exception:  # noqa: BLE001 - an exception that cannot be stored stays in memory
            data = error
    return State(
        StateType.FAILED,
        message=f"Flow run encountered an exception. {type(error).__name__}: {error}\n",
        data=data,
    )


def _settle(context: FlowRunContext) -> None:
    """Wait for every submitted run; remember the completed calls if a retry may come."""
    settled = []
    completed = context.completed if context.flow.retries else None
    for key, index, item in context.attempt_runs:
        state = item._final() if type(item) is PrefectFuture else item
        assert state is not None  # waited without a timeout
        settled.append((key, index, state))
        if completed is not None and state.is_completed():
            completed[(key, index)] = state
    context.attempt_runs = settled


def to_state(context: FlowRunContext, value: Any) -> State:
    """The flow run's final state from the function's return value (module docstring)."""
    value = resolve_futures_to_states(value)
    if isinstance(value, State):
        if _built_by_user(value):
            return _as_returned(context, value)
        return _judge(context, [value], value)
    if is_state_iterable(value):
        return _judge(context, list(value), value)
    if value is None and context.attempt_runs:
        states = [state for _, _, state in context.attempt_runs]
        return _judge(context, states, states)
    return _completed(context, value, None)


def _built_by_user(state: State) -> bool:
    """A state no run produced (`return Completed(...)`): it has no run ids."""
    details = state._details
    return details is None or not details.from_a_run


def _as_returned(context: FlowRunContext, state: State) -> State:
    """A state the body built and returned is the flow run's state, as 2.6.9 takes it:
    its name, message and type kept, its data made a result by the flow's factory."""
    data = state.data
    if isinstance(data, result_types()):
        return state.copy(update={"state_details": state.state_details.copy()})
    stored = _completed(context, data, state.message)
    if stored.is_crashed():
        return stored
    return state.copy(update={"data": stored.data, "state_details": state.state_details.copy()})


def _judge(context: FlowRunContext, states: list[State], data: Any) -> State:
    if all(state.type is StateType.COMPLETED for state in states):
        return _completed(context, data, "All states completed.")
    return State(StateType.FAILED, message=_verdict(states), data=_stored(context, data))


def _verdict(states: list[State]) -> str:
    """Why states that did not all complete fail their flow run, in 2.6.9's words."""
    total = len(states)
    failed = sum(1 for state in states if _failure(state))
    if failed:
        return f"{failed}/{total} states failed."
    waiting = [state for state in states if not state.is_final()]
    if len(waiting) < total:
        return f"{len(waiting)}/{total} states are not final."
    counts: dict[str, int] = {}
    for state in waiting:
        counts[state.type.value] = counts.get(state.type.value, 0) + 1
    shown = ", ".join(f"{kind!r}={count}" for kind, count in counts.items())
    return f"Given states: total={total}, not_final={total}, {shown}"


def _failure(state: State) -> bool:
    return state.type is StateType.FAILED or state.type is StateType.CRASHED


def _completed(context: FlowRunContext, value: Any, message: str | None) -> State:
    try:
        data = context.result_factory.create_result(value)
    except Exception as exc:  # noqa: BLE001 - serializer or storage refused: the run crashes
        kind = type(value)
        return State(
            StateType.CRASHED,
            message=(
                f"Execution was interrupted by an unexpected exception: {type(exc).__name__}: "
                f"{str(exc).rstrip('.')}. Flow {context.flow.name!r} could not store its "
                f"result of type '{kind.__module__}.{kind.__qualname__}'; nothing was written.\n"
            ),
            data=exc,
        )
    return State(StateType.COMPLETED, message=message, data=data)


def _stored(context: FlowRunContext, data: Any) -> Any:
    try:
        return context.result_factory.create_result(data)
    except Exception:  # noqa: BLE001 - a failed run's states that cannot be stored stay here
        return data


def _claim_in_parent(parent: Any, flow: Any) -> tuple[Any, State | None]:
    """A subflow's place among its parent's runs: (slot, the state to reuse or None).

    As for tasks, a subflow call that completed in an earlier attempt of a retrying
    parent is not run again (Prefect 2.6.9); its result comes from storage.
    """
    if parent is None:
        return None, None
    key = f"flow:{flow.name}"
    index = parent.counts.get(key, 0)
    parent.counts[key] = index + 1
    prior = parent.completed.get((key, index))
    if prior is None:
        return (key, index), None
    data = prior.data
    return (key, index), prior.copy(
        update={"data": data if isinstance(data, result_types()) else None}
    )


def _record_in_parent(parent: Any, slot: Any, state: State) -> None:
    """A subflow's final state counts among its parent flow run's runs."""
    if parent is not None:
        parent.attempt_runs.append((*slot, state))


# -- async flows --------------------------------------------------------------------------------


async def _call_async(
    flow: Any, bound: inspect.BoundArguments, return_state: bool, wait_for: Any
) -> Any:
    parent = FlowRunContext.get()
    if parent is not None:
        await _off_loop(_resolve_arguments, bound)
    slot, state = _claim_in_parent(parent, flow)
    if state is None:
        state = await _off_loop(_not_ready, parent, wait_for)
    if state is None:
        context = _new_context(flow, dict(bound.arguments), parent)
        context.isasync = True
        context.loop = asyncio.get_running_loop()
        v2_lines.flow_created(context, parent)
        token = _context.push(_frame(context))
        try:
            state = _stamped(context, await _run_attempts_async(context, bound))
        finally:
            _context.pop(token)
            await _off_loop(context.task_runner._shutdown)
        v2_lines.flow_finished(context, state)
        _tell_watchers(flow, parent, state)
    _record_in_parent(parent, slot, state)
    if return_state:
        return state
    return fetch_result(state)


async def _run_attempts_async(context: FlowRunContext, bound: inspect.BoundArguments) -> State:
    flow = context.flow
    attempt = 0
    while True:
        _start_attempt(context, attempt)
        failure = None
        value = None
        try:
            value = await _await_body(flow, bound)
        except TaskTimeoutSignal:
            failure = _timed_out(flow)
        except Exception as exc:  # noqa: BLE001 - THE flow boundary: the run ends Failed
            failure = _failed(context, exc)
        await _off_loop(_settle, context)
        state = failure or to_state(context, value)
        if not state.is_failed() or attempt >= (flow.retries or 0):
            return state
        attempt += 1
        if flow.retry_delay_seconds:
            await asyncio.sleep(flow.retry_delay_seconds)


async def _await_body(flow: Any, bound: inspect.BoundArguments) -> Any:
    coro = flow.fn(*bound.args, **bound.kwargs)
    if not flow.timeout_seconds:
        return await coro
    body = asyncio.ensure_future(coro)
    done, _ = await asyncio.wait({body}, timeout=flow.timeout_seconds)
    if not done:
        body.cancel()
        raise TaskTimeoutSignal("Flow run timed out.")
    return body.result()


async def _off_loop(fn: Any, *args: Any) -> Any:
    """Run blocking waits (futures, pool shutdown) beside the loop, not on it."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, contextvars.copy_context().run, fn, *args)

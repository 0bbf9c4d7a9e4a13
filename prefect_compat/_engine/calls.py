"""A Prefect 2.x task call: one run of a task's plan, now, with the call's arguments.

No second engine: a call runs the same `TaskPlan` machinery as a 1.x flow's task
(`attempt.run_planned`: context frame, state handlers through `transition`, the
pipeline steps, signals, timeouts), built once per task object and cached on it
(`call_steps.spec_for`), with 2.x pieces in the plan's seams (`call_steps.py`): a
cache lookup and record, `timeout_seconds`, async bodies on the flow's event loop,
and the task's ResultFactory for this flow run as the store.

Retries (`retries`, `retry_delay_seconds`) are the pipeline's own Retrying states,
looped here within the call. The 1.x final state becomes a 2.x `State` (`to_v2`).

The flow run (`flow_calls.py`) numbers the calls of each task (the `-<n>` of 2.x task
run names); on a flow retry, a call whose number completed in an earlier attempt is
not run again: its state is reused, its value read back from storage.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import datetime
import io
import time
from collections import OrderedDict
from typing import Any

from prefect_compat import _context
from prefect_compat._engine import attempt, persistence, v2_lines
from prefect_compat._engine.call_steps import StoreFailure, spec_for
from prefect_compat.core._binding import outside_flow_message
from prefect_compat.engine.state import Cached, Failed, Retrying, Success, TimedOut
from prefect_compat.exceptions import (
    MappingLengthMismatch,
    MappingMissingIterable,
    TaskCallError,
    UpstreamTaskError,
)
from prefect_compat.futures import PrefectFuture, submit_call
from prefect_compat.states import State, StateDetails, StateType, fetch_result, result_types
from prefect_compat.utilities.annotations import Quote, allow_failure
from prefect_compat.utilities.context import RUN_KEY, TaskRunContext
from prefect_compat.utilities.edges import unmapped

__all__ = ["CALL", "SUBMIT", "call", "check_legacy_keywords", "map_call", "run_call", "to_v2"]

CALL = "call"
SUBMIT = "submit"
IN_TASK = "Tasks cannot be run from within tasks. Did you mean to call this task in a flow?"
_PLAIN = (int, float, str, bool, bytes, type(None))


# -- one call -------------------------------------------------------------------------------


def run_call(task: Any, parameters: dict[str, Any], context: TaskRunContext) -> State:
    """Run the task's plan with `parameters` (retrying as configured); its 2.x state."""
    plan = spec_for(task).plan
    token = _context.push({RUN_KEY: context})
    try:
        state = attempt.run_planned(plan, None, {}, None, parameters)
        while isinstance(state, Retrying):
            v2_lines.task_retrying(context)
            start = state.start_time
            if start is not None:
                wait = (start - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
                if wait > 0:
                    time.sleep(wait)
            state = attempt.run_planned(plan, state, {}, None, parameters)
    finally:
        _context.pop(token)
    return to_v2(state, context)


def run_details(context: Any) -> StateDetails:
    """The ids a task run's state carries (`flow_run_id`, `task_run_id`), as in 2.6.9.

    A state a flow returns is judged by them: with none it was built by the user."""
    flow = getattr(context, "flow_run_context", None)
    details = StateDetails.of_run(flow.flow_run.id if flow is not None else None)
    seen = getattr(context, "_task_run_id", None)
    if seen is not None:  # the run read its id (get_run_context().task_run.id): the same
        details.task_run_id = seen
    return details


def to_v2(state: Any, context: Any) -> State:
    """A 1.x final state of a 2.x call as the 2.x State users see."""
    details = run_details(context)
    if isinstance(state, Success):
        extra = state.context
        if extra and "cache_key" in extra:
            details.cache_key = extra["cache_key"]
            details.cache_expiration = extra["cache_expiration"]
        name = "Cached" if isinstance(state, Cached) else None
        return State(
            StateType.COMPLETED, name=name, data=state._result.value, state_details=details
        )
    if isinstance(state, TimedOut):
        seconds = getattr(getattr(context, "task", None), "timeout_seconds", None)
        return State(
            StateType.FAILED,
            name="TimedOut",
            message=f"Task run exceeded timeout of {seconds} seconds",
            data=TimeoutError(),
            state_details=details,
        )
    if isinstance(state, Failed):
        return _failed(state, context, details)
    return State(
        StateType.PENDING,
        name=type(state).__name__,
        message=state.message,
        state_details=details,
    )


def _failed(state: Any, context: Any, details: StateDetails) -> State:
    error = state.result
    if isinstance(error, StoreFailure):
        return State(
            StateType.CRASHED,
            message=f"Execution was interrupted by an unexpected exception: {error}\n",
            data=error.error,
            state_details=details,
        )
    if not isinstance(error, BaseException):
        error = RuntimeError(state.message)
    data: Any = error
    factory = getattr(context, "result_factory", None)
    if factory is not None and factory.persist_result:
        try:
            data = factory.create_result(error)
        except Exception:  # noqa: BLE001 - an exception that cannot be stored stays in memory
            data = error
    return State(
        StateType.FAILED,
        message=f"Task run encountered an exception: {type(error).__name__}: {error}\n",
        data=data,
        state_details=details,
    )


# -- entering from a Task call ----------------------------------------------------------------


def _flow_context(task: Any) -> Any:
    run = _context.get(RUN_KEY)
    if run is None:
        raise TaskCallError(outside_flow_message(task))
    if run.__class__ is TaskRunContext:
        raise RuntimeError(IN_TASK)
    return run


def check_legacy_keywords(task: Any, used: list[str]) -> None:
    """1.x graph keywords (`mapped`, `upstream_tasks`, ...) have no meaning in a 2.x run."""
    if not used:
        return
    run = _flow_context(task)
    raise TaskCallError(
        f"Task {task.name!r} was called with {', '.join(used)}=... inside the 2.x flow "
        f"{run.flow.name!r}, but those keywords build a Prefect 1.x graph. Either build a "
        "1.x flow: call the task inside `with Flow(...)` and run it with `flow.run()`; or "
        "drop them here: in a `@flow` function a call runs the task at once, `.submit()` "
        "runs it concurrently and `wait_for=[...]` orders it after other runs."
    )


def call(  # noqa: PLR0913 - a Task call's parts
    task: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    mode: str,
    return_state: bool = False,
    wait_for: Any = None,
) -> Any:
    """`task(...)` / `task.submit(...)` inside a running 2.x flow."""
    flow_context = _flow_context(task)
    spec = spec_for(task)
    parameters = spec.bind(args, kwargs)
    key = spec.key
    counts = flow_context.counts
    index = counts.get(key, 0)
    counts[key] = index + 1
    prior = flow_context.completed.get((key, index))
    if prior is not None:
        return _reused(flow_context, task, index, prior, mode, return_state)
    context = TaskRunContext(
        task,
        f"{task.name}-{spec.key_hash}-{index}",
        index,
        parameters,
        persistence.factory_for(flow_context, task),
        flow_context,
    )
    context.isasync = spec.isasync
    v2_lines.task_created(flow_context, context, mode == SUBMIT)
    if mode == SUBMIT:
        if context.isasync and flow_context.isasync:
            return _submitted(flow_context, task, parameters, context, wait_for, return_state)
        future = submit_call(flow_context, task, parameters, context, wait_for)
        flow_context.attempt_runs.append((key, index, future))
        if return_state:
            return future.wait()
        return future
    if context.isasync and flow_context.isasync:
        return _awaited(flow_context, task, parameters, context, wait_for, return_state)
    state = execute(task, parameters, context, wait_for)
    flow_context.attempt_runs.append((key, index, state))
    return state if return_state else fetch_result(state)


async def _awaited(  # noqa: PLR0913 - call()'s parts
    flow_context: Any,
    task: Any,
    parameters: dict[str, Any],
    context: TaskRunContext,
    wait_for: Any,
    return_state: bool,
) -> Any:
    """An async task awaited in an async flow: its body on this loop, the rest beside it."""
    loop = asyncio.get_running_loop()
    context.loop = loop
    copied = contextvars.copy_context()
    state = await loop.run_in_executor(
        None, copied.run, execute, task, parameters, context, wait_for
    )
    flow_context.attempt_runs.append((context.task.task_key, context.index, state))
    return state if return_state else fetch_result(state)


async def _submitted(  # noqa: PLR0913 - call()'s parts
    flow_context: Any,
    task: Any,
    parameters: dict[str, Any],
    context: TaskRunContext,
    wait_for: Any,
    return_state: bool,
) -> Any:
    """`await task.submit()` for an async task in an async flow: a future, or the state."""
    key = task.task_key
    if flow_context.task_runner.inline:  # runs now, but beside the loop its body needs
        context.loop = flow_context.loop
        loop = asyncio.get_running_loop()
        copied = contextvars.copy_context()
        state = await loop.run_in_executor(
            None, copied.run, execute, task, parameters, context, wait_for
        )
        future = PrefectFuture.done(context.name, state, True)
    else:
        future = submit_call(flow_context, task, parameters, context, wait_for)
    flow_context.attempt_runs.append((key, context.index, future))
    if return_state:
        return await future.wait()
    return future


def _reused(  # noqa: PLR0913 - call()'s parts
    flow_context: Any, task: Any, index: int, prior: State, mode: str, return_state: bool
) -> Any:
    """A call that completed in an earlier attempt of this flow run: not run again.

    Its value is what storage holds: a reused state keeps only persisted or literal
    data (a value that was never persisted is gone, and `result()` says so).
    """
    data = prior.data
    state = prior.copy(update={"data": data if isinstance(data, result_types()) else None})
    flow_context.attempt_runs.append((task.task_key, index, state))
    if mode == SUBMIT:
        asynchronous = bool(flow_context.isasync and task.isasync)
        future = PrefectFuture.done(f"{task.name}-{index}", state, asynchronous)
        return future.wait() if return_state else future
    if flow_context.isasync and task.isasync:
        return _later(state, return_state)
    return state if return_state else fetch_result(state)


async def _later(state: State, return_state: bool) -> Any:
    return state if return_state else fetch_result(state)


def execute(task: Any, parameters: dict[str, Any], context: TaskRunContext, wait_for: Any) -> State:
    """Wait for upstream runs (arguments that are futures or states, `wait_for`), then run."""
    try:
        parameters = resolve_inputs(parameters, wait_for)
    except UpstreamTaskError as exc:
        state = State(
            StateType.PENDING,
            name="NotReady",
            message=str(exc),
            state_details=run_details(context),
        )
    else:
        context.parameters = parameters
        state = run_call(task, parameters, context)
    v2_lines.task_finished(context, state)
    return state


def resolve_inputs(parameters: dict[str, Any], wait_for: Any) -> dict[str, Any]:
    """The arguments a task run gets: futures and states replaced by their values, and
    containers rebuilt, as Prefect 2.6.9 passes them (see `_resolve`)."""
    if wait_for is not None:
        if type(wait_for) is PrefectFuture or isinstance(wait_for, State):
            wait_for = [wait_for]
        for item in wait_for:
            if type(item) is allow_failure:
                _upstream_value(item.value, tolerate=True)
            else:
                _upstream_value(item)
    resolved = None
    for name, value in parameters.items():
        if type(value) in _PLAIN:
            continue
        new = _resolve(value)
        if new is not value:
            if resolved is None:
                resolved = dict(parameters)
            resolved[name] = new
    return parameters if resolved is None else resolved


def _resolve(value: Any, tolerate: bool = False) -> Any:
    """`value` for the task run (`tolerate`: inside `allow_failure`, where a failed
    upstream gives its exception). Lists, tuples, sets, dicts and OrderedDicts (those
    exact types), dataclass instances and pydantic models are rebuilt, recursively, so
    a task that mutates its input does not change the caller's object (probed on
    2.6.9); `quote(x)` gives x untouched; any other object, subclasses of those types
    included, is passed as it is."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is PrefectFuture or kind is State:
        return _upstream_value(value, tolerate)
    if kind in (list, tuple, set):
        return kind([_resolve(item, tolerate) for item in value])
    if kind is dict or kind is OrderedDict:
        return kind([(key, _resolve(item, tolerate)) for key, item in value.items()])
    if kind is allow_failure or kind is Quote:
        return value.value if kind is Quote else _resolve(value.value, True)
    fields = _rebuilt_fields(value, kind)
    if fields is None:
        return value
    return _rebuilt(value, {name: _resolve(getattr(value, name), tolerate) for name in fields})


def _rebuilt_fields(value: Any, kind: type) -> Any:
    """The fields a dataclass instance or pydantic model is rebuilt from, else None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [f.name for f in dataclasses.fields(value) if f.init]
    return _pydantic_fields(kind)


def _pydantic_fields(kind: type) -> Any:
    """The field names of a pydantic model class (v1 or v2), else None; pydantic is
    never imported here."""
    if not any(base.__module__.startswith("pydantic.") for base in kind.__mro__[1:]):
        return None
    return getattr(kind, "model_fields", None) or getattr(kind, "__fields__", None)


def _rebuilt(value: Any, fields: dict[str, Any]) -> Any:
    """A new instance of `value`'s class from `fields`; `value` itself if the class
    cannot be built that way (an unusual __init__, a validator that refuses)."""
    try:
        return type(value)(**fields)
    except Exception:  # noqa: BLE001 - user classes raise anything: pass the original then
        return value


def _upstream_value(item: Any, tolerate: bool = False) -> Any:
    """The value of an upstream future or state; one that did not complete raises
    UpstreamTaskError, or with `tolerate` (allow_failure) gives its exception."""
    if not isinstance(item, (State, PrefectFuture)):  # allow_failure(3) in wait_for
        return item
    state: State = item if isinstance(item, State) else item._final()  # type: ignore[assignment]  # no timeout: never None
    if not state.is_completed():
        if tolerate:
            return state.result(raise_on_failure=False)
        raise UpstreamTaskError(
            f"Upstream task run '{state.state_details.task_run_id}' did not reach a "
            "'COMPLETED' state."
        )
    return fetch_result(state)


def _mappable(value: Any) -> bool:
    """What `map` iterates over: any iterable but text, bytes and files (as 2.6.9)."""
    if isinstance(value, (str, bytes, io.IOBase)):
        return False
    try:
        iter(value)
    except TypeError:
        return False
    return True


def map_call(
    task: Any, args: tuple[Any, ...], kwargs: dict[str, Any], return_state: bool, wait_for: Any
) -> Any:
    """`task.map(...)` in a 2.x flow: one submitted run per item (awaitable for an async
    task in an async flow, as in 2.6.9)."""
    flow_context = _flow_context(task)
    parameters = spec_for(task).bind(args, kwargs)
    if flow_context.isasync and task.isasync:
        return _map_async(task, parameters, return_state, wait_for)
    return [call(task, (), item, SUBMIT, return_state, wait_for) for item in _map_items(parameters)]


async def _map_async(
    task: Any, parameters: dict[str, Any], return_state: bool, wait_for: Any
) -> list[Any]:
    loop = asyncio.get_running_loop()
    copied = contextvars.copy_context()
    items = await loop.run_in_executor(None, copied.run, _map_items, parameters)
    return [await call(task, (), item, SUBMIT, return_state, wait_for) for item in items]


def _map_items(parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """The arguments of each mapped run, as 2.6.9 splits them: arguments that are
    futures or states are waited for first (a failed one raises UpstreamTaskError);
    iterables are mapped over; other values and `unmapped(x)` go whole to every run."""
    tolerated = set()
    for name, value in parameters.items():
        if type(value) is allow_failure:  # mapped over its items, each allowed to fail
            tolerated.add(name)
            value = parameters[name] = value.value  # noqa: PLW2901 - unwrapped in place
        if type(value) is PrefectFuture or isinstance(value, State):
            parameters[name] = _upstream_value(value, name in tolerated)
    mapped = {
        k: list(v) for k, v in parameters.items() if not isinstance(v, unmapped) and _mappable(v)
    }
    for name in tolerated & mapped.keys():
        mapped[name] = [allow_failure(item) for item in mapped[name]]
    if not mapped:
        raise MappingMissingIterable(
            "No iterable parameters were received. Parameters for map must include at "
            f"least one iterable. Parameters: {parameters}"
        )
    lengths = {k: len(v) for k, v in mapped.items()}
    if len(set(lengths.values())) > 1:
        raise MappingLengthMismatch(
            "Received iterable parameters with different lengths. Parameters for map must "
            f"all be the same length. Got lengths: {lengths}"
        )
    fixed = {
        k: v.value if isinstance(v, unmapped) else v
        for k, v in parameters.items()
        if k not in mapped
    }
    width = next(iter(lengths.values()))
    return [{**fixed, **{k: column[i] for k, column in mapped.items()}} for i in range(width)]

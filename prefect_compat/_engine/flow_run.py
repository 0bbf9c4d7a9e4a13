"""The one entry of a run: `run_flow` for a flow, `run_task` for a single task.

`Flow.run`, `FlowRunner.run` and `TaskRunner.run` all come here. A flow run is the
life Prefect's FlowRunner gives it, as a fixed sequence of steps over a `FlowRun`:

  initialize_run                     flow frame: parameters, flow_name, dates, run ids
  check_flow_is_pending_or_running   a finished flow run ends here, unchanged
  check_flow_reached_start_time      a Scheduled one waits for its start time
  set_flow_to_running                Pending -> Running("Running flow.")
  get_flow_run_state                 compile the graph (cached on the flow), build the
                                     task plans (once per runner), run one pass with
                                     the executor (inside a subclass's
                                     check_for_cancellation), then determine_final_state

Each step is a function in `flow_steps.py`; a FlowRunner subclass that overrides one
of them has its method called instead, with Prefect's arguments (`FlowHooks.names`).
Any step may end the run with ENDRUN(state). `run_flow(..., until_finished=True)` is
`Flow.run`: it repeats passes until the flow is finished, sleeping until the next
Retrying/Scheduled task is due, asks about Paused tasks on stdin, and records
Cached states in `context.caches` for later runs in this process.

The runner faces (engine/flow_runner.py, engine/task_runner.py) are injected as
objects; nothing here imports them.
"""

from __future__ import annotations

import logging
import time
import uuid
import warnings
from datetime import datetime, timezone
from typing import Any, NamedTuple

from prefect_compat import _context, _journal
from prefect_compat._engine import plan
from prefect_compat._engine.attempt import RUNNER_LOGGER
from prefect_compat._engine.flow_state import (
    RUN_INSIDE_FLOW,
    merge_caches,
    next_start,
    resume_paused,
    split_parameters,
)
from prefect_compat._engine.flow_steps import STOCK_FLOW, handle_state_change, resolve_executor
from prefect_compat._engine.observers import OBSERVERS, observed
from prefect_compat.engine import signals
from prefect_compat.engine.state import Failed, Pending, Scheduled, State
from prefect_compat.utilities.logging import flush_handlers

__all__ = [
    "FlowHooks",
    "FlowRun",
    "resolve_executor",
    "run_flow",
    "run_task",
    "start_flow",
]

FLOW_LOGGER = logging.getLogger("prefect.FlowRunner")
_PASS_KEYWORDS = frozenset(
    {"task_runner_state_handlers", "executor", "task_contexts", "return_tasks"}
)


class FlowHooks(NamedTuple):
    """What the runner faces tell the engine (see engine/runner.py).

    runner           the FlowRunner object: owner of runner-level flow handlers and of
                     any overridden method
    names            the FlowRunner methods its class overrides (`hooks.FLOW_HOOKS`)
    task_runner_cls  the class that runs tasks, and `task_names`, the TaskRunner
                     methods it overrides (`hooks.TASK_HOOKS`)
    logger           the runner's logger (`prefect.<its class name>`), and
                     `task_logger`, the task runner class's (for the task-run lines)
    """

    runner: Any
    names: frozenset[str]
    task_runner_cls: Any
    task_names: frozenset[str]
    logger: logging.Logger = FLOW_LOGGER
    task_logger: logging.Logger = RUNNER_LOGGER


class FlowRun:
    """One flow run's fixed parts: the flow, its runner hooks, and the executor."""

    __slots__ = ("executor", "flow", "hooks", "missing")

    def __init__(self, flow: Any, found: FlowHooks, executor: Any = None) -> None:
        self.flow = flow
        self.hooks = found
        self.executor = executor
        self.missing: list[str] = []

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Prefect's FlowRunner method `name`: the subclass's override, else ours."""
        if name in self.hooks.names:
            return getattr(self.hooks.runner, name)(*args, **kwargs)
        if name not in _HANDLED_STEPS:
            return STOCK_FLOW[name](self, *args, **kwargs)
        state = args[0]
        try:
            return STOCK_FLOW[name](self, *args, **kwargs)
        except signals.ENDRUN:
            raise
        except signals.PrefectStateSignal as sig:  # as Prefect's `call_state_handlers` does
            if _context.get("raise_on_exception"):
                raise
            self.hooks.logger.info("%s signal raised: %r", type(sig).__name__, sig)
            return self.transition(state, sig.state)
        except Exception as exc:  # noqa: BLE001 - likewise: an error in a step fails the flow
            self.hooks.logger.exception("Unexpected error: %r", exc)
            if _context.get("raise_on_exception"):
                raise
            return self.transition(state, Failed(f"Unexpected error: {exc!r}", result=exc))

    def transition(self, old: State, new: State) -> State:
        """Flow handlers, then runner handlers (or the runner's own way of calling them)."""
        if new is old:
            return new
        if self.hooks.names & {"handle_state_change", "call_runner_target_handlers"}:
            return self.hooks.runner.handle_state_change(old, new)  # type: ignore[no-any-return]
        return handle_state_change(self, old, new)


# The FlowRunner steps Prefect decorates with `call_state_handlers`: an error in one of
# them is logged and becomes the flow's Failed state right there (FlowRun.call).
_HANDLED_STEPS = frozenset(
    {
        "check_flow_reached_start_time",
        "check_flow_is_pending_or_running",
        "set_flow_to_running",
        "get_flow_run_state",
    }
)


# -- entries -----------------------------------------------------------------------------


def _one_pass(fr: FlowRun, state: State | None, options: dict[str, Any]) -> State:
    """FlowRunner.run: the steps of the module docstring, once."""
    fr.hooks.logger.info("Beginning Flow run for '%s'", fr.flow.name)
    fr.hooks.logger.debug("Using executor type %s", type(fr.executor).__name__)
    token = journal = None
    task_states: dict[Any, State] = {}
    try:
        state, task_states, frame, task_contexts = fr.call(
            "initialize_run",
            state=state,
            task_states=dict(options.get("task_states") or {}),
            context=dict(options.get("context") or {}),
            task_contexts=dict(options.get("task_contexts") or {}),
            parameters=dict(options.get("parameters") or {}),
        )
        token = _context.push(frame)
        journal = _journal.begin(fr.flow, frame)  # None when the journal is off
        state = fr.call("check_flow_is_pending_or_running", state)
        state = fr.call("check_flow_reached_start_time", state)
        state = fr.call("set_flow_to_running", state)
        state = fr.call(
            "get_flow_run_state",
            state,
            task_states=task_states,
            task_contexts=task_contexts,
            return_tasks=options.get("return_tasks"),
            task_runner_state_handlers=options.get("task_runner_state_handlers"),
            executor=options.get("executor"),
        )
    except signals.ENDRUN as stop:
        state = stop.state
    except Exception as exc:  # noqa: BLE001 - unexpected engine error: Failed flow state
        fr.hooks.logger.exception("Unexpected error while running flow: %r", exc)
        if _context.get("raise_on_exception"):
            raise
        failed = Failed(f"Unexpected error while running flow: {exc!r}", result=exc)
        state = fr.transition(state if state is not None else Pending(), failed)
    finally:
        if journal is not None:
            _journal.end_pass(journal, task_states, state)
        if token is not None:
            _context.pop(token)
    return state  # type: ignore[return-value]


# -- observers (the registry is `_engine/observers.py`) ------------------------------------


def _run_observed(
    flow: Any, found: FlowHooks, until_finished: bool, resumed: Any, options: Any
) -> State:
    token = observed.set(True)
    try:
        finish = [observer(flow, found.runner, options) for observer in list(OBSERVERS)]
        state = run_flow(flow, found, until_finished, resumed, **options)
        for done in finish:
            if done is not None:
                done(state)
        return state
    finally:
        observed.reset(token)


def run_flow(
    flow: Any, found: FlowHooks, until_finished: bool = False, resumed: Any = None, **options: Any
) -> State:
    """Run `flow`: one pass (FlowRunner.run) or until it is finished (Flow.run).

    `options` are FlowRunner.run's keyword arguments (state, task_states,
    return_tasks, parameters, task_runner_state_handlers, executor, context,
    task_contexts). `resumed`: the run journal's plan when `flow.run(resume=...)`.
    """
    if OBSERVERS and not observed.get():
        return _run_observed(flow, found, until_finished, resumed, options)
    fr = FlowRun(flow, found, resolve_executor(flow, options.get("executor")))
    options["executor"] = fr.executor
    try:
        if not until_finished:
            return _one_pass(fr, options.pop("state", None), options)
        scope = _journal.Scope(flow, resumed)  # the passes share one journaled run
        try:
            state = _until_finished(fr, options)
        except BaseException as exc:
            scope.close(None, exc)
            raise
        scope.close(state)
        return state
    finally:
        flush_handlers()  # buffered runner lines reach a file or pipe by the end of a run


def _until_finished(fr: FlowRun, options: dict[str, Any]) -> State:
    flow = fr.flow
    if not _context.contains("caches"):
        _context.assign("caches", {})
    context = dict(options.get("context") or {})
    context.setdefault("flow_run_id", str(uuid.uuid4()))
    options["context"] = context
    options["return_tasks"] = flow.tasks
    state: State = options.pop("state", None) or Scheduled(
        "Flow run scheduled.", start_time=datetime.now(timezone.utc), result={}
    )
    task_states = dict(options.get("task_states") or {})
    if state.is_finished():  # as Prefect's Flow.run: no pass runs and nothing is logged
        results = state.result if isinstance(state.result, dict) else {}
        results.update(task_states)
        for task in flow.tasks:
            results.setdefault(task, Pending("Task not run."))
        state.result = results
        return state
    while True:
        options["task_states"] = task_states
        if "run" in fr.hooks.names:
            state = fr.hooks.runner.run(state=state, **options)
        else:
            state = _one_pass(fr, state, options)
        task_states = state.result if isinstance(state.result, dict) else task_states
        if state.is_finished():
            break
        start = next_start(task_states)
        if start is None:
            if not resume_paused(task_states):
                break
            continue
        delay = (start - datetime.now(timezone.utc)).total_seconds()
        if delay > 0:  # Prefect says so only when there is something to wait for
            # ISO 8601 with a "T", as Prefect's pendulum 2 datetimes print
            flow.logger.info("Waiting for next available Task run at %s", start.isoformat())
            time.sleep(delay)
    if isinstance(state.result, dict):
        merge_caches(state.result)
    elif isinstance(state.result, Exception):
        runner = type(fr.hooks.runner).__name__
        flow.logger.error("Unexpected error occured in %s: %r", runner, state.result)
    return state


def start_flow(flow: Any, found: FlowHooks, parameters: Any, kwargs: dict[str, Any]) -> Any:
    """`Flow.run(parameters, **kwargs)`: validate, then run until finished."""
    if _context.get("loading_flow"):
        warnings.warn("Attempting to call `flow.run` during execution of flow file.", stacklevel=3)
        return None
    if _context.get("flow") is flow:
        raise RuntimeError(RUN_INSIDE_FLOW)
    if "return_tasks" in kwargs:
        raise ValueError(
            "The `return_tasks` keyword cannot be provided to `flow.run()`; all task states "
            "are always returned. If you want to receive a subset of task states, use a "
            "FlowRunner directly."
        )
    resumed, parameters = _journal.resume_from(flow, parameters, kwargs)  # resume=...
    params = split_parameters(flow, parameters, kwargs)
    allowed = _PASS_KEYWORDS | {"state", "task_states", "context"}
    unexpected = sorted(set(kwargs) - allowed)
    if unexpected and "run" not in found.names:
        raise TypeError(
            f"{type(found.runner).__name__}.run() got an unexpected keyword argument "
            f"'{unexpected[0]}'"
        )
    return run_flow(flow, found, until_finished=True, resumed=resumed, parameters=params, **kwargs)


def run_task(  # noqa: PLR0913 - TaskRunner.run's arguments plus the runner's hooks
    task: Any,
    found: plan.Hooks,
    *,
    state: State | None = None,
    upstream_states: dict[Any, State] | None = None,
    context: dict[str, Any] | None = None,
    is_mapped_parent: bool = False,
    flow_result: Any = None,
) -> State:
    """TaskRunner.run: one task from `state`, given its upstream states."""
    upstream = dict(upstream_states or {})
    found = found._replace(names=found.names - {"run"})
    task_plan = plan.build_plan(
        task, tuple(upstream), {}, flow_result, task.slug or task.name, found
    )
    extra = dict(context or {})
    map_index = extra.pop("map_index", None)
    if "checkpointing" not in extra and not _context.contains("checkpointing"):
        config = _context.get("config")
        extra["checkpointing"] = config.flows.checkpointing if config is not None else False
    task_plan.frame.update(extra)  # the caller's keys (loop counts too) start the frame
    if is_mapped_parent:
        task_plan.parent_steps = plan.parent_steps_for(task, found)
        return task_plan.parent_entry(task_plan, state, upstream)  # type: ignore[no-any-return]
    return task_plan.entry(task_plan, state, upstream, map_index)  # type: ignore[no-any-return]

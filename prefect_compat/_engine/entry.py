"""`Flow.run()`: validate parameters, then run passes until the flow is finished.

Mirrors Prefect's `Flow.run`: kwargs named like a Parameter become parameters, the
rest go to `FlowRunner.run` (so a misspelled one is a TypeError there); between
passes it sleeps until the earliest start time of a Retrying/Scheduled task, which
is how `retry_delay` is honoured in a local run. Cached states are merged into
`context.caches` at the end so later runs in the same process can reuse them.
"""

from __future__ import annotations

import time
import uuid
import warnings
from datetime import datetime, timezone
from typing import Any, Sequence

from prefect_compat import _context
from prefect_compat.engine.state import Cached, Mapped, Paused, Resume, Scheduled, State

__all__ = ["run_flow"]

RUN_INSIDE_FLOW = (
    "Don't call `flow.run()` from within a `Flow` context manager: build the flow inside "
    "`with Flow(...) as flow:` and call `flow.run()` after the block."
)


def _split_parameters(
    flow: Any, parameters: dict[str, Any] | None, kwargs: dict[str, Any]
) -> dict[str, Any]:
    declared = {p.name: p for p in flow.parameters()}
    params = dict(parameters or {})
    unexpected = sorted(set(params) - set(declared))
    if unexpected:
        raise ValueError(
            "Flow.run received the following unexpected parameters: " + ", ".join(unexpected)
        )
    for name in list(kwargs):
        if name in declared:
            params[name] = kwargs.pop(name)
    missing = sorted(n for n, p in declared.items() if p.required and n not in params)
    if missing:
        raise ValueError(
            "Flow.run did not receive the following required parameters: " + ", ".join(missing)
        )
    return params


def _next_start(states: dict[Any, State]) -> datetime | None:
    starts: list[datetime] = []
    for state in states.values():
        children: Sequence[Any] = state.map_states if isinstance(state, Mapped) else (state,)
        for child in children:
            waiting = isinstance(child, Scheduled) and not isinstance(child, Paused)
            if waiting and child.start_time is not None:
                starts.append(child.start_time)
    return min(starts) if starts else None


def _resume_paused(states: dict[Any, State]) -> bool:
    """Ask on stdin whether to resume Paused tasks, as Prefect's local runs do."""
    resumed = False
    for task, state in list(states.items()):
        if isinstance(state, Paused):
            try:
                answer = input(f"{task} is currently Paused; enter 'y' to resume:\n")
            except EOFError:
                return False
            if answer.strip().lower() == "y":
                states[task] = Resume("Resuming task run.")
                resumed = True
    return resumed


def _merge_caches(flow: Any, states: dict[Any, State]) -> None:
    caches = _context.get("caches")
    if caches is None:
        return
    now = datetime.now(timezone.utc)
    for task, state in states.items():
        found = list(state.map_states) if isinstance(state, Mapped) else [state]
        cached = [s for s in found if isinstance(s, Cached)]
        if not cached:
            continue
        key = getattr(task, "cache_key", None) or task.name
        keep = [
            s
            for s in caches.get(key, [])
            if s.cached_result_expiration is None or s.cached_result_expiration > now
        ]
        caches[key] = keep + cached


def run_flow(
    flow: Any,
    parameters: dict[str, Any] | None = None,
    run_on_schedule: bool | None = None,
    runner_cls: type | None = None,
    **kwargs: Any,
) -> State | None:
    """Run `flow` to completion in this process and return its final State."""
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
    params = _split_parameters(flow, parameters, kwargs)
    if runner_cls is None:
        from prefect_compat.engine import get_default_flow_runner_class

        runner_cls = get_default_flow_runner_class()
    if not _context.contains("caches"):
        _context.assign("caches", {})
    context = dict(kwargs.pop("context", None) or {})
    context.setdefault("flow_run_id", str(uuid.uuid4()))
    state: State = kwargs.pop("state", None) or Scheduled(
        "Flow run scheduled.", start_time=datetime.now(timezone.utc), result={}
    )
    task_states = dict(kwargs.pop("task_states", None) or {})
    runner = runner_cls(flow=flow)
    while True:
        state = runner.run(
            state=state,
            task_states=task_states,
            return_tasks=flow.tasks,
            parameters=params,
            context=context,
            **kwargs,
        )
        task_states = state.result if isinstance(state.result, dict) else task_states
        if state.is_finished():
            break
        start = _next_start(task_states)
        if start is None:
            if not _resume_paused(task_states):
                break
            continue
        delay = (start - datetime.now(timezone.utc)).total_seconds()
        if delay > 0:
            time.sleep(delay)
    if isinstance(state.result, dict):
        _merge_caches(flow, state.result)
    return state

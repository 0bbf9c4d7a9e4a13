"""The run loop: one pass over a compiled flow, with the executor injected.

Read this module first. A flow run is one or more *passes* (`run_pass`); a pass walks
the tasks in topological order and, for each task whose state is not final, gathers
its upstream states and hands `run_task(plan, state, upstream)` to `submit`. With the
LocalExecutor `submit` runs the call at once and returns the State, so a pass is a
plain loop with no scheduler at all; with Dask it returns a future and the upstream
dicts carry futures that the workers resolve.

A mapped task needs its upstream *values* to know its width, so the loop `wait`s for
those upstream states, runs the parent's short pipeline, then submits one child per
index and waits for the children before the Mapped state is final.

State kept between passes is just `states: {task: State}`. A pass leaves a task
unfinished when it is Retrying (its start time is in the future) or waits on one; the
caller (`entry.run_flow`, like Prefect's `flow.run`) sleeps until the earliest start
time and runs another pass, which keeps every finished state and re-runs the rest.

Example: a -> b.map -> c. Pass 1 runs a (Success [1, 2]), b's parent (Mapped, 2),
b[0], b[1], then c with b's Mapped state (result [b0, b1]) as its upstream.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from prefect_compat import _context
from prefect_compat._engine.mapping import child_upstream
from prefect_compat._engine.pipeline import TaskRun, run_steps, transition
from prefect_compat.engine.state import (
    Cached,
    Looped,
    Mapped,
    Pending,
    Resume,
    Retrying,
    State,
)

__all__ = ["run_pass", "run_task"]

RUNNER_LOGGER = logging.getLogger("prefect.TaskRunner")
NOT_AVAILABLE = Pending("Task state not available.")

Submit = Callable[..., Any]
Wait = Callable[[Any], Any]


def _start_frame(plan: Any, state: State | None, map_index: int | None) -> dict[str, Any]:
    frame = plan.new_frame(map_index)
    if isinstance(state, Retrying):
        frame["task_run_count"] = (state.run_count or 1) + 1
        loop_count = state.context.get("_loop_count")
        if loop_count is not None:
            frame["task_loop_count"] = loop_count
            frame["task_loop_result"] = state.context.get("_loop_result")
    elif isinstance(state, Resume):
        frame["resume"] = True
    return frame


def _new_run(plan: Any, state: State | None, upstream: dict, frame: dict) -> TaskRun:
    if plan.constant_upstream:
        upstream = {**plan.constant_upstream, **upstream}
    run = TaskRun(plan, state if state is not None else Pending(), upstream, frame)
    if plan.constant_inputs:
        run.inputs = dict(plan.constant_inputs)
        run.raw_inputs = dict(plan.constant_raw)
    return run


def run_task(plan: Any, state: State | None, upstream: dict, map_index: int | None = None) -> State:
    """Run one task (or mapped child) to a final state, looping while it raises LOOP."""
    frame = _start_frame(plan, state, map_index)
    token = _context.push(frame)
    try:
        name = frame["task_full_name"]
        RUNNER_LOGGER.info("Task '%s': Starting task run...", name)
        run = _new_run(plan, state, upstream, frame)
        final = run_steps(run, plan.steps)
        while isinstance(final, Looped):
            count = frame.get("task_loop_count", 1) + 1
            frame["task_loop_count"] = count
            frame["task_loop_result"] = final.result
            transition(run, Pending(f"Looping task (on loop index {count})"))
            final = run_steps(run, plan.steps)
        RUNNER_LOGGER.info(
            "Task '%s': Finished task run for task with final state: '%s'",
            name,
            type(final).__name__,
        )
        return final
    finally:
        _context.pop(token)


def run_parent(plan: Any, state: State | None, upstream: dict) -> State:
    """The mapped parent's pipeline: ends in Mapped(width) or a final failure/skip."""
    frame = _start_frame(plan, state, None)
    token = _context.push(frame)
    try:
        run = _new_run(plan, state, upstream, frame)
        return run_steps(run, plan.parent_steps)
    finally:
        _context.pop(token)


def run_mapped(plan: Any, state: State | None, upstream: dict, submit: Submit, wait: Wait) -> State:
    """Run a mapped task: parent first, then one child per index."""
    parent = run_parent(plan, state, upstream)
    if not isinstance(parent, Mapped):
        return parent
    width = parent.n_map_states
    previous = state.map_states if isinstance(state, Mapped) else []
    children = []
    for index, child_ups in enumerate(child_upstream(upstream, width)):
        prev = previous[index] if index < len(previous) else None
        if prev is not None and prev.is_finished() and not isinstance(prev, Cached):
            children.append(prev)
        else:
            children.append(submit(run_task, plan, prev, child_ups, index))
    children = wait(children)
    return Mapped(
        parent.message,
        result=[child.result for child in children],
        map_states=children,
        n_map_states=width,
    )


def _keep(state: State | None) -> bool:
    return state is not None and state.is_finished() and not isinstance(state, (Cached, Mapped))


def run_pass(
    plans: dict[Any, Any],
    order: tuple[Any, ...],
    states: dict[Any, State],
    submit: Submit,
    wait: Wait,
) -> dict[Any, State]:
    """Run every unfinished task once, in topological order; returns `states` resolved."""
    for task in order:
        current = states.get(task)
        if _keep(current):
            continue
        plan = plans[task]
        upstream = {edge: states.get(edge.upstream_task, NOT_AVAILABLE) for edge in plan.edges}
        if plan.mapped:
            states[task] = run_mapped(plan, current, wait(upstream), submit, wait)
        else:
            states[task] = submit(run_task, plan, current, upstream)
    return wait(states)

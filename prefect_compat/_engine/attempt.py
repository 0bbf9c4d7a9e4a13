"""One task run of a plan, start to final state: frame, pipeline, LOOP iterations.

`run_planned(plan, state, upstream, map_index)` is what the passes submit for every
task run (a plain task or one mapped child): it pushes the run's context frame,
walks `plan.steps` and, while the task raises LOOP, walks them again with the loop
keys advanced (iteration, not recursion). `run_parent` walks a mapped parent's short
pipeline, which ends in Mapped(width). `run_gathered` is `run_planned` on a worker
whose upstream fan-outs arrive as their children (see loop.py).

Runner hooks: a plan built for a TaskRunner subclass may carry `initialize` (its
`initialize_run`) and `looping` (its `check_task_is_looping`); both are None for the
stock runner, which costs one attribute test per run.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from logging import DEBUG, INFO
from typing import Any, Callable

from prefect_compat import _context
from prefect_compat._engine.lazy import LOOP_AT, CheckpointLost
from prefect_compat._engine.mapping import gathered
from prefect_compat._engine.pipeline import run_steps
from prefect_compat._engine.taskrun import TaskRun
from prefect_compat.engine.result.base import Result
from prefect_compat.engine.state import Looped, Pending, Resume, Retrying, State, Success

__all__ = [
    "GATHER",
    "next_loop",
    "run_constant",
    "run_gathered",
    "run_parent",
    "run_planned",
    "start_frame",
]

RUNNER_LOGGER = logging.getLogger("prefect.TaskRunner")
GATHER = "prefect_compat.gather"  # tags an upstream fan-out shipped as a plain tuple
# The run journal's recorder for LOOP iterations (`_journal/writer.py`), set while a
# journaled flow run is in progress in this thread; only looping tasks look at it.
LOOP_NOTE: ContextVar[Callable[[tuple[Any, int, State]], None] | None] = ContextVar(
    "prefect_compat.loop_note", default=None
)


def start_frame(plan: Any, state: State | None, map_index: int | None) -> dict[str, Any]:
    """The run's context frame: the plan's template plus what the incoming state implies."""
    frame: dict[str, Any] = plan.new_frame(map_index)
    if isinstance(state, Retrying):
        frame["task_run_count"] = (state.run_count or 1) + 1
        loop_count = state.context.get("_loop_count")
        if loop_count is not None:
            frame["task_loop_count"] = loop_count
            frame["task_loop_result"] = state.context.get("_loop_result")
    elif isinstance(state, Resume):
        frame["resume"] = True
    elif state is not None and LOOP_AT in state.context:
        _resume_loop(frame, state)
    return frame


def _goes_on_looping(state: State | None) -> bool:
    """A retry of a task that had looped: Prefect goes on with the loop and, as for each
    loop iteration, logs no new "Starting task run..." line."""
    return isinstance(state, Retrying) and state.context.get("_loop_count") is not None


def _resume_loop(frame: dict[str, Any], state: State) -> None:
    """A LOOP task resumed from a journal: go on after its last recorded iteration."""
    try:
        result = state.result  # read from the iteration's checkpoint now, when it runs
    except CheckpointLost:
        return  # logged where it was read: the loop starts over
    frame["task_loop_count"] = state.context[LOOP_AT] + 1
    frame["task_loop_result"] = result


def _new_run(
    plan: Any,
    state: State | None,
    upstream: dict[Any, State],
    frame: dict[str, Any],
    inputs: dict[str, Any] | None = None,
) -> TaskRun:
    if plan.constant_upstream:
        upstream = {**plan.constant_upstream, **upstream}
    run = TaskRun(plan, state if state is not None else Pending(), upstream, frame)
    if plan.constant_inputs:
        run.inputs = dict(plan.constant_inputs)
        run.raw_inputs = dict(plan.constant_raw)
    elif inputs is not None:
        run.raw_inputs = inputs
    return run


def next_loop(run: TaskRun, looped: Looped) -> None:
    """Advance the frame to the next LOOP iteration and reset the run to Pending.

    As in Prefect, the Looped -> Pending step is not a state change handlers hear of:
    the next iteration starts with Pending -> Running.
    """
    frame = run.frame
    count = (looped.loop_count or frame.get("task_loop_count", 1)) + 1  # LOOP(loop_count=n)
    frame["task_loop_count"] = count
    frame["task_loop_result"] = looped.result
    run.state = Pending(f"Looping task (on loop index {count})")


def run_planned(
    plan: Any,
    state: State | None,
    upstream: dict[Any, State],
    map_index: int | None = None,
    inputs: dict[str, Any] | None = None,
) -> State:
    """Run one task (or mapped child) to a final state, looping while it raises LOOP.

    `inputs` are the call's arguments by name when the run has no upstream edges to
    take them from (a 2.x task call, `_engine/calls.py`).
    """
    frame = start_frame(plan, state, map_index)
    if plan.initialize is not None:
        state, frame = plan.initialize(state, frame)
    token = _context.push(frame)
    try:
        name = frame["task_full_name"]
        line = plan.runner_line if plan.runner_logger.isEnabledFor(INFO) else None
        if line is not None and not _goes_on_looping(state):
            line.emit("Task '%s': Starting task run...", name)
        run = _new_run(plan, state, upstream, frame, inputs)
        if line is not None and plan.runner_logger.isEnabledFor(DEBUG):
            run.debug = True
        final = run_steps(run, plan.steps)
        if plan.looping is not None:
            final = plan.looping(run, final)
        while isinstance(final, Looped):
            loop_note = LOOP_NOTE.get()
            if loop_note is not None:
                loop_note((plan, -1 if map_index is None else map_index, final))
            next_loop(run, final)
            final = run_steps(run, plan.steps)
        if line is not None:
            line.emit(
                "Task '%s': Finished task run for task with final state: '%s'",
                name,
                type(final).__name__,
            )
        return final
    finally:
        _context.pop(token)


def run_constant(
    plan: Any, state: State | None, upstream: dict[Any, State], map_index: int | None = None
) -> State:
    """A Constant task's whole run, as Prefect's FlowRunner gives it: its value as
    Success, with no pipeline, no handlers, no checkpoint and no log lines."""
    return Success(result=Result(plan.task.value))


def run_parent(plan: Any, state: State | None, upstream: dict[Any, State]) -> State:
    """The mapped parent's pipeline: ends in Mapped(width) or a final failure/skip."""
    frame = start_frame(plan, state, None)
    if plan.initialize is not None:
        state, frame = plan.initialize(state, frame)
    token = _context.push(frame)
    try:
        name = frame["task_full_name"]
        plan.runner_line.emit("Task '%s': Starting task run...", name)
        run = _new_run(plan, state, upstream, frame)
        run.debug = plan.runner_logger.isEnabledFor(DEBUG)
        final = run_steps(run, plan.parent_steps)
        plan.runner_line.emit(
            "Task '%s': Finished task run for task with final state: '%s'",
            name,
            type(final).__name__,
        )
        return final
    finally:
        _context.pop(token)


def run_gathered(
    plan: Any, state: State | None, upstream: dict[Any, Any], map_index: int | None = None
) -> State:
    """`plan.entry` on a worker, after rebuilding Mapped upstreams from their children."""
    rebuilt: dict[Any, State] = {}
    for edge, value in upstream.items():
        if type(value) is tuple and value and value[0] == GATHER:
            _, message, width, children = value
            rebuilt[edge] = gathered(message, list(children), width)
        else:
            rebuilt[edge] = value
    return plan.entry(plan, state, rebuilt, map_index)  # type: ignore[no-any-return]

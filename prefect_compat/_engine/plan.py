"""TaskPlan: everything a task run needs, resolved once per flow run.

Prefect re-derives a task's trigger, handlers, result, retry policy and context
keys on every run of every task. Here `build_plans` does it once per flow run and a
task run only reads the plan: it copies a ~10-key frame template, looks up its
upstream states and walks its tuple of steps.

What a plan holds:
  task, name            the user's Task and its name
  edges                 real upstream edges (Edge objects, in graph order)
  constant_upstream     {ConstantEdge: Success state} for bound constants (triggers see them)
  constant_inputs/raw   the same constants as Results / plain values (copied into each run)
  mapped                True when any upstream edge is mapped (the loop then fans out)
  steps / parent_steps  the pipeline for a run / for a mapped parent
  handlers              ((handler, owner), ...): task handlers, then runner handlers
  result, checkpoint    the Result to write through and whether the task opts in
  frame                 the context frame template (task_name, task_slug, logger, ...)
"""

from __future__ import annotations

import uuid
from typing import Any, Callable, NamedTuple

from prefect_compat._engine import pipeline as p
from prefect_compat.engine.result.base import Result, at_target
from prefect_compat.engine.results import ConstantResult
from prefect_compat.engine.state import Success
from prefect_compat.utilities.logging import get_logger

__all__ = ["ConstantEdge", "TaskPlan", "build_plans"]


class ConstantEdge(NamedTuple):
    """Stands in for the edge of a bound constant argument in `upstream_states`."""

    upstream_task: Any
    downstream_task: Any
    key: str
    mapped: bool = False
    flattened: bool = False


class TaskPlan:
    __slots__ = (
        "call",
        "checkpoint",
        "constant_inputs",
        "constant_raw",
        "constant_upstream",
        "edges",
        "frame",
        "handlers",
        "logger",
        "mapped",
        "max_retries",
        "name",
        "parent_steps",
        "result",
        "retry_delay",
        "steps",
        "store",
        "task",
        "trigger",
    )

    # Annotation-only declarations (no values, so they do not clash with __slots__).
    call: Callable[[p.TaskRun], Any]
    checkpoint: bool
    constant_inputs: dict[str, Any]
    constant_raw: dict[str, Any]
    constant_upstream: dict[ConstantEdge, Success]
    edges: tuple[Any, ...]
    frame: dict[str, Any]
    handlers: tuple[tuple[Any, Any], ...]
    logger: Any
    mapped: bool
    max_retries: int
    name: str
    parent_steps: tuple[Any, ...]
    result: Any
    retry_delay: Any
    steps: tuple[Any, ...]
    store: Callable[[p.TaskRun, Any], Any]
    task: Any
    trigger: Any

    def new_frame(self, map_index: int | None) -> dict[str, Any]:
        frame = self.frame.copy()
        if map_index is not None:
            frame["map_index"] = map_index
            frame["task_full_name"] = f"{self.name}[{map_index}]"
        return frame


def _pick_result(task: Any, flow_result: Any) -> Any:
    result = task.result
    if result is None:
        result = flow_result.copy() if flow_result is not None else Result()
        target = getattr(task, "target", None)
        if target is not None:
            result = at_target(result, target)
    return result


def _steps_for(
    task: Any, edges: tuple[Any, ...], has_inputs: bool, max_retries: int
) -> tuple[Any, ...]:
    steps: list[Any] = [p.check_task_is_ready]
    if edges:
        steps.append(p.check_upstream_finished)
        if task.skip_on_upstream_skip:
            steps.append(p.check_upstream_skipped)
    if has_inputs:
        steps.append(p.get_task_inputs)
    if getattr(task, "task_run_name", None):
        steps.append(p.set_task_run_name)
    if getattr(task, "target", None):
        steps.append(p.check_target)
    elif task.cache_for is not None:
        steps.append(p.check_task_is_cached)
    steps += [p.check_task_trigger, p.set_task_to_running, p.get_task_run_state]
    if task.cache_for is not None:
        steps.append(p.cache_result)
    if max_retries:
        steps.append(p.check_for_retry)
    return tuple(steps)


def _parent_steps(task: Any) -> tuple[Any, ...]:
    from prefect_compat._engine.mapping import check_task_ready_to_map

    steps: list[Any] = [p.check_task_is_ready, p.check_upstream_finished]
    if task.skip_on_upstream_skip:
        steps.append(p.check_upstream_skipped)
    steps.append(check_task_ready_to_map)
    return tuple(steps)


def _is_constant_task(task: Any) -> bool:
    from prefect_compat.tasks.core.constants import Constant

    return isinstance(task, Constant)


def build_plan(
    task: Any,
    edges: tuple[Any, ...],
    constants: dict[str, Any],
    flow_result: Any,
    runner_handlers: tuple[Any, ...],
    slug: str,
) -> TaskPlan:
    """Resolve one task's plan (see the module docstring for the fields)."""
    plan = TaskPlan()
    plan.task = task
    plan.name = task.name
    plan.edges = edges
    plan.constant_upstream = {
        ConstantEdge(None, task, key): Success(
            "Auto-generated constant value", result=ConstantResult(value=value)
        )
        for key, value in constants.items()
    }
    plan.constant_inputs = {
        edge.key: state._result for edge, state in plan.constant_upstream.items()
    }
    plan.constant_raw = dict(constants)
    plan.mapped = any(e.mapped for e in edges)
    plan.max_retries = task.max_retries or 0
    plan.retry_delay = task.retry_delay
    keyed = bool(constants) or any(e.key is not None for e in edges)
    plan.steps = _steps_for(task, edges, keyed, plan.max_retries)
    if _is_constant_task(task):  # Prefect hands Constant tasks their value without a run
        plan.steps = (p.return_constant,)
        runner_handlers = ()
    plan.parent_steps = _parent_steps(task) if plan.mapped else ()
    plan.trigger = task.trigger
    plan.handlers = tuple((h, task) for h in task.state_handlers or ()) + runner_handlers
    plan.result = _pick_result(task, flow_result)
    plan.checkpoint = task.checkpoint is not False
    plan.logger = get_logger(task.name)
    plan.call = p.call_with_options if (task.timeout or task.log_stdout) else p.call_plain
    plan.store = p.store_value
    plan.frame = {
        "task_name": task.name,
        "task_slug": slug,
        "task_id": slug,
        "task_run_id": str(uuid.uuid4()),
        "task_tags": task.tags,
        "task_full_name": task.name,
        "map_index": None,
        "task_run_count": 1,
        "task_loop_count": 1,
        "logger": plan.logger,
    }
    return plan


def build_plans(
    flow: Any,
    graph: Any,
    runner_handlers: tuple[Any, ...] = (),
    make_owner: Callable[[Any], Any] | None = None,
) -> dict[Any, TaskPlan]:
    """One TaskPlan per task of `flow`, in graph order.

    `runner_handlers` are runner-level task state handlers; each is called with the
    object `make_owner(task)` returns (a TaskRunner for that task, as in Prefect).
    """
    constants = flow.constants
    slugs = flow.slugs
    flow_result = getattr(flow, "result", None)
    plans = {}
    for task in graph.order:
        owned: tuple[Any, ...] = ()
        if runner_handlers:
            owner = make_owner(task) if make_owner is not None else None
            owned = tuple((handler, owner) for handler in runner_handlers)
        plans[task] = build_plan(
            task,
            graph.upstream_edges[task],
            constants.get(task) or {},
            flow_result,
            owned,
            slugs.get(task) or task.name,
        )
    return plans

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
  restart               no cache or target check in `steps`: an incoming Cached state
                        runs again (what Prefect's cache check would decide)
  entry / parent_entry  what a pass calls for a run / a mapped parent: `attempt.run_planned`
                        and `attempt.run_parent`, or a runner subclass's own `run`
  initialize, looping   a runner subclass's `initialize_run` / `check_task_is_looping`
                        adapters, else None
  handlers              ((handler, owner), ...): task handlers, then runner handlers
  runner_logger         where the runner's own lines go: `prefect.TaskRunner`, or
                        `prefect.<subclass>` for a TaskRunner subclass
  result, checkpoint    the Result to write through and whether the task opts in
  location_keys         the names its location template uses (None: pass everything)
  frame                 the context frame template (task_name, task_slug, logger, ...)
"""

from __future__ import annotations

import uuid
import weakref
from types import MappingProxyType
from typing import Any, Callable, NamedTuple

from prefect_compat._engine import attempt, hooks
from prefect_compat._engine import pipeline as p
from prefect_compat._engine.taskrun import TaskRun
from prefect_compat._engine.templating import template_keys
from prefect_compat.engine.result.base import Result, at_target
from prefect_compat.engine.results.constant_result import ConstantResult
from prefect_compat.engine.state import Success
from prefect_compat.tasks.core.constants import Constant
from prefect_compat.utilities.logging import RunnerLine

__all__ = [
    "NO_HOOKS",
    "ConstantEdge",
    "Hooks",
    "TaskPlan",
    "build_plan",
    "build_plans",
    "direct_plan",
    "parent_steps_for",
    "runner_plans",
]


class Hooks(NamedTuple):
    """What a task's plan takes from the runner faces (all empty for stock runners).

    runner    the TaskRunner object for this task: owner of runner-level handlers and
              of the overridden methods (None when neither exists)
    names     the TaskRunner methods its class overrides (`hooks.TASK_HOOKS`)
    handlers  runner-level task state handlers, called as handler(runner, old, new)
    entries   (entry, parent_entry) replacing the stock task run, or None
    """

    runner: Any = None
    names: frozenset[str] = frozenset()
    handlers: tuple[Any, ...] = ()
    entries: tuple[Any, Any] | None = None


NO_HOOKS = Hooks()


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
        "entry",
        "frame",
        "handlers",
        "initialize",
        "location_keys",
        "logger",
        "looping",
        "mapped",
        "max_retries",
        "name",
        "parent_entry",
        "parent_steps",
        "restart",
        "result",
        "retry_delay",
        "runner_line",
        "runner_logger",
        "steps",
        "store",
        "task",
        "trigger",
    )

    # Annotation-only declarations (no values, so they do not clash with __slots__).
    call: Callable[[TaskRun], Any]
    checkpoint: bool
    constant_inputs: dict[str, Any]
    constant_raw: dict[str, Any]
    constant_upstream: dict[ConstantEdge, Success]
    edges: tuple[Any, ...]
    entry: Callable[..., Any]
    frame: dict[str, Any]
    handlers: tuple[tuple[Any, Any], ...]
    initialize: Callable[[Any, dict[str, Any]], tuple[Any, dict[str, Any]]] | None
    location_keys: tuple[str, ...] | None
    logger: Any
    looping: Callable[[TaskRun, Any], Any] | None
    mapped: bool
    max_retries: int
    name: str
    parent_entry: Callable[..., Any]
    parent_steps: tuple[Any, ...]
    restart: bool
    result: Any
    retry_delay: Any
    runner_line: RunnerLine
    runner_logger: Any
    steps: tuple[Any, ...]
    store: Callable[[TaskRun, Any], Any]
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
        if task.target is not None:
            result = at_target(result, task.target)
    return result


_READY_PAIR = [hooks.STOCK["check_task_is_ready"], hooks.STOCK["check_task_reached_start_time"]]


def _pipeline(wanted: tuple[tuple[str, bool, bool], ...], found: Hooks) -> tuple[Any, ...]:
    """Steps in Prefect's order: (name, Prefect calls it here, the stock run needs it).

    An overridden method runs wherever Prefect would call it; a stock step only
    where it can change the outcome (no target -> no target check).
    """
    steps = []
    for name, called, needed in wanted:
        if called and name in found.names:
            steps.append(hooks.adapt_step(name, found.runner))
        elif needed:
            steps.append(hooks.STOCK[name])
    if steps[:2] == _READY_PAIR:  # both stock: one call instead of two per task run
        steps[:2] = [p.check_ready_and_started]
    return tuple(steps)


def _task_steps(task: Any, has_edges: bool, has_inputs: bool, found: Hooks) -> tuple[Any, ...]:
    cached = task.cache_for is not None
    has_target = bool(task.target)
    return _pipeline(
        (
            ("check_task_is_ready", True, True),
            ("check_task_reached_start_time", True, True),
            ("check_upstream_finished", True, has_edges),
            ("check_upstream_skipped", True, has_edges and task.skip_on_upstream_skip),
            ("load_results", True, False),
            ("get_task_inputs", True, has_inputs),
            ("set_task_run_name", True, bool(task.task_run_name)),
            ("check_target", has_target, has_target),
            ("check_task_is_cached", not has_target, cached),
            ("check_task_trigger", True, True),
            ("set_task_to_running", True, True),
            ("get_task_run_state", True, True),
            ("cache_result", True, cached),
            ("check_for_retry", True, bool(task.max_retries)),
        ),
        found,
    )


def parent_steps_for(task: Any, found: Hooks) -> tuple[Any, ...]:
    return _pipeline(
        (
            ("check_task_is_ready", True, True),
            ("check_task_reached_start_time", True, True),
            ("check_upstream_finished", True, True),
            ("check_upstream_skipped", True, task.skip_on_upstream_skip),
            ("load_results", True, False),
            ("get_task_inputs", True, False),
            ("check_task_ready_to_map", True, True),
        ),
        found,
    )


def _plan_handlers(task: Any, found: Hooks) -> tuple[tuple[Any, Any], ...]:
    """Task handlers then runner handlers, or the runner's own way of calling them."""
    if found.names & {"handle_state_change", "call_runner_target_handlers"}:
        return ((hooks.via_handle_state_change, found.runner),)
    owned = tuple((h, task) for h in task.state_handlers or ())
    return owned + tuple((h, found.runner) for h in found.handlers)


_NONE: Any = MappingProxyType({})  # shared by every plan without bound constants


def _bind_constants(plan: TaskPlan, task: Any, constants: dict[str, Any]) -> None:
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


def _frame_template(task: Any, slug: str, logger: Any) -> dict[str, Any]:
    return {
        "task_name": task.name,
        "task_slug": slug,
        "task_id": slug,
        "task_run_id": str(uuid.uuid4()),
        "task_tags": task.tags,
        "task_full_name": task.name,
        "map_index": None,
        "task_run_count": 1,
        "task_loop_count": 1,
        "logger": logger,
    }


def _attach_runner(plan: TaskPlan, task: Any, found: Hooks) -> None:
    """Entries, handlers and the LOOP/initialize hooks, from the runner faces."""
    plan.handlers = _plan_handlers(task, found)
    plan.runner_logger = attempt.RUNNER_LOGGER if found.runner is None else found.runner.logger
    plan.runner_line = RunnerLine.of(plan.runner_logger)
    plan.entry, plan.parent_entry = found.entries or (attempt.run_planned, attempt.run_parent)
    names = found.names
    plan.initialize = hooks.adapt_initialize(found.runner) if "initialize_run" in names else None
    plan.looping = hooks.adapt_looping(found.runner) if "check_task_is_looping" in names else None


def direct_plan(task: Any, flow_result: Any, found: Hooks, slug: str | None = None) -> TaskPlan:
    """A plan with no graph and no pipeline: what a runner face needs to run one step
    on its own, and the common part of every plan."""
    plan = TaskPlan()
    plan.task = task
    plan.name = task.name
    plan.edges = ()
    plan.constant_upstream = plan.constant_inputs = plan.constant_raw = _NONE
    plan.mapped = False
    plan.steps = plan.parent_steps = ()
    plan.max_retries = task.max_retries or 0
    plan.retry_delay = task.retry_delay
    plan.trigger = task.trigger
    _attach_runner(plan, task, found)
    plan.result = _pick_result(task, flow_result)
    plan.location_keys = template_keys(plan.result)
    plan.checkpoint = task.checkpoint is not False
    plan.logger = task.logger  # prefect.<name the task was built with>, as in Prefect
    plan.call = p.call_with_options if (task.timeout or task.log_stdout) else p.call_plain
    plan.store = p.store_value
    plan.frame = _frame_template(task, slug or task.slug or task.name, plan.logger)
    return plan


def build_plan(
    task: Any,
    edges: tuple[Any, ...],
    constants: dict[str, Any],
    flow_result: Any,
    slug: str,
    found: Hooks = NO_HOOKS,
) -> TaskPlan:
    """Resolve one task's plan (see the module docstring for the fields)."""
    constant = isinstance(task, Constant)  # Prefect hands Constants their value, no run
    if constant:
        found = NO_HOOKS
    plan = direct_plan(task, flow_result, found, slug)
    plan.edges = edges
    if constants:
        _bind_constants(plan, task, constants)
    plan.mapped = any(e.mapped for e in edges)
    if constant:
        plan.entry = attempt.run_constant
    else:
        keyed = bool(constants) or any(e.key is not None for e in edges)
        plan.steps = _task_steps(task, bool(edges), keyed, found)
    # no cache or target step in `steps` (see _task_steps)
    plan.restart = not (
        task.target or task.cache_for is not None or "check_task_is_cached" in found.names
    )
    if plan.mapped:
        plan.parent_steps = parent_steps_for(task, found)
    return plan


def build_plans(
    flow: Any, graph: Any, hooks_for: Callable[[Any], Hooks] | None = None
) -> dict[Any, TaskPlan]:
    """One TaskPlan per task of `flow`, in graph order.

    `hooks_for(task)` gives the runner-face pieces of each task's plan (None: the
    stock runners, no runner objects at all).
    """
    constants = flow.constants
    slugs = flow.slugs
    flow_result = flow.result
    return {
        task: build_plan(
            task,
            graph.upstream_edges[task],
            constants.get(task) or {},
            flow_result,
            slugs.get(task) or task.name,
            hooks_for(task) if hooks_for is not None else NO_HOOKS,
        )
        for task in graph.order
    }


# -- the plans of a flow runner ----------------------------------------------------------

_PLAN_CACHE: weakref.WeakKeyDictionary[Any, tuple[Any, dict[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)


def runner_plans(flow: Any, found: Any, graph: Any, handlers: tuple[Any, ...]) -> dict[Any, Any]:
    """The task plans of a flow runner (`found`: its FlowHooks, see flow_run.py),
    rebuilt only when the flow or the handlers change."""
    key = (graph.version, id(graph), id(flow.result), handlers, found.task_runner_cls)
    cached = _PLAN_CACHE.get(found.runner)
    if cached is not None and cached[0] == key:
        return cached[1]
    plans = build_plans(flow, graph, _task_hooks(flow, found, handlers))
    if found.task_logger is not attempt.RUNNER_LOGGER:
        line = RunnerLine.of(found.task_logger)
        for task_plan in plans.values():
            task_plan.runner_logger, task_plan.runner_line = found.task_logger, line
    _PLAN_CACHE[found.runner] = (key, plans)
    return plans


def _task_hooks(flow: Any, found: Any, handlers: tuple[Any, ...]) -> Callable[[Any], Hooks] | None:
    """`hooks_for(task)` for build_plans, or None when the stock runners need none."""
    names = found.task_names
    if not names and not handlers:
        return None
    flow_result = flow.result

    def hooks_for(task: Any) -> Hooks:
        runner = found.task_runner_cls(
            task=task, state_handlers=list(handlers), flow_result=flow_result
        )
        entries = hooks.adapt_run(runner) if "run" in names else None
        return Hooks(runner, names, handlers, entries)

    return hooks_for

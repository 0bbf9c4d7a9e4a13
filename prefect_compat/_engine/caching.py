"""Cache and target checks: reuse an earlier result instead of running the task.

`check_task_is_cached` validates an incoming Cached state, then looks through the
process-wide `context.caches[cache_key or name]` candidates with the task's
validator. `check_target` asks the task's Result whether the rendered target exists
and, if so, loads it and ends the run as Cached without calling the task.
"""

from __future__ import annotations

from prefect_compat import _context
from prefect_compat._engine.taskrun import EndRun, TaskRun, label, transition
from prefect_compat._engine.templating import formatting_kwargs
from prefect_compat.engine.state import Cached, Pending

__all__ = ["check_target", "check_task_is_cached"]


def check_task_is_cached(run: TaskRun) -> None:
    task = run.plan.task
    parameters = _context.get("parameters") or {}
    state = run.state
    if isinstance(state, Cached):
        if task.cache_validator(state, run.raw_inputs, parameters):
            raise EndRun(state)
        transition(run, Pending("Cache was invalid; ready to run."))
    if task.cache_for is None:
        return
    candidates = (_context.get("caches") or {}).get(task.cache_key or task.name, ())
    for candidate in candidates:
        if task.cache_validator(candidate, run.raw_inputs, parameters):
            raise EndRun(candidate)
    run.plan.runner_logger.warning(  # Prefect warns whenever no candidate is valid
        "Task '%s': Can't use cache because it is now invalid", label(run)
    )


def check_target(run: TaskRun) -> None:
    target = run.plan.task.target
    result = run.plan.result
    kwargs = formatting_kwargs(run)
    location = target(**kwargs) if callable(target) else target.format(**kwargs)
    if result.exists(location, **kwargs):
        loaded = result.read(location)
        raise EndRun(
            Cached(
                f"Result found at task target {location}",
                result=loaded,
                cached_result_expiration=None,
            )
        )

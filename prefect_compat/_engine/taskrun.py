"""One task run's bookkeeping and its single guarded state change.

The names every pipeline module shares live here, one layer below them, so that the
steps (`pipeline.py`), the cache and target checks (`caching.py`), mapping
(`mapping.py`) and the runner hooks (`hooks.py`) import them without circles:

  TaskRun      the mutable record of one run: plan, current state, upstream states,
               context frame, inputs (Results by argument name) and their raw values
  EndRun       raised by a step to stop the pipeline with a final state
  transition   the only place a run's state is replaced: task state handlers, then
               runner-level ones, each may return a replacement
  label        the run's name in messages: `task` or `task[3]`
"""

from __future__ import annotations

from typing import Any, Callable, cast

from prefect_compat import _context
from prefect_compat.engine import signals
from prefect_compat.engine.state import Failed, State

__all__ = ["EndRun", "TaskRun", "label", "transition"]


class EndRun(Exception):
    """Internal: stop the pipeline with `state` as the task's final state."""

    def __init__(self, state: State) -> None:
        super().__init__(state)
        self.state = state


class TaskRun:
    """Mutable bookkeeping for one run of one task (or one mapped child)."""

    __slots__ = ("debug", "frame", "inputs", "plan", "raw_inputs", "state", "upstream")

    def __init__(
        self, plan: Any, state: State, upstream: dict[Any, State], frame: dict[str, Any]
    ) -> None:
        self.plan = plan
        self.state = state
        self.upstream = upstream
        self.frame = frame
        self.inputs: dict[str, Any] = {}
        self.raw_inputs: dict[str, Any] = {}
        self.debug = False  # log Prefect's DEBUG lines (set when the run starts, if enabled)


def label(run: TaskRun) -> str:
    return cast(str, run.frame.get("task_full_name") or run.plan.name)


def transition(run: TaskRun, new: State) -> State:
    """Move the run to `new`, letting task handlers then runner handlers replace it."""
    old = run.state
    if new is old:
        return new
    if run.debug:
        run.plan.runner_logger.debug(
            "Task '%s': Handling state change from %s to %s",
            label(run),
            type(old).__name__,
            type(new).__name__,
        )
    for handler, owner in run.plan.handlers:
        new = _call_handler(run, handler, owner, old, new)
    run.state = new
    return new


def _call_handler(
    run: TaskRun, handler: Callable[..., Any], owner: Any, old: State, new: State
) -> State:
    try:
        replaced = handler(owner, old, new)
    except (signals.ENDRUN, signals.PAUSE):
        raise
    except signals.PrefectStateSignal as sig:
        return sig.state
    except Exception as exc:  # noqa: BLE001 - user handler code: becomes the task's state
        if _context.get("raise_on_exception"):
            raise
        run.plan.runner_logger.exception("Unexpected error while calling state handlers: %r", exc)
        run.state = Failed(
            f"Unexpected error while calling state handlers: {exc!r} (task '{label(run)}', "
            f"handler {getattr(handler, '__name__', handler)!r})",
            result=exc,
        )
        raise EndRun(run.state) from exc
    return new if replaced is None else replaced

"""`TaskRunner`: run one task outside a flow run, Prefect's public interface.

`TaskRunner(task).run(state, upstream_states, context)` builds a one-off plan and
runs the same pipeline the FlowRunner uses, so both give identical states. Runner
handlers (`TaskRunner(task, state_handlers=[...])`) see `(runner, old, new)`.
"""

from __future__ import annotations

from typing import Any

from prefect_compat import _context
from prefect_compat._engine.loop import run_parent, run_task
from prefect_compat._engine.plan import build_plan
from prefect_compat.engine.runner import Runner
from prefect_compat.engine.state import State

__all__ = ["TaskRunner"]


class TaskRunner(Runner):
    """Runs a single Task through the task-run pipeline."""

    def __init__(self, task: Any, state_handlers: Any = None, flow_result: Any = None) -> None:
        super().__init__(state_handlers)
        self.task = task
        self.flow_result = flow_result

    def __repr__(self) -> str:
        return f"<TaskRunner: {self.task.name}>"

    def run(
        self,
        state: State | None = None,
        upstream_states: dict | None = None,
        context: dict | None = None,
        is_mapped_parent: bool = False,
    ) -> State:
        """Run the task from `state` given its upstream states; return the new State."""
        upstream = dict(upstream_states or {})
        handlers = tuple((h, self) for h in self.state_handlers)
        plan = build_plan(
            self.task,
            tuple(upstream),
            {},
            self.flow_result,
            handlers,
            self.task.slug or self.task.name,
        )
        extra = dict(context or {})
        map_index = extra.pop("map_index", None)
        if "checkpointing" not in extra and not _context.contains("checkpointing"):
            config = _context.get("config")
            extra["checkpointing"] = config.flows.checkpointing if config is not None else False
        token = _context.push(extra)
        try:
            if is_mapped_parent:
                return run_parent(plan, state, upstream)
            return run_task(plan, state, upstream, map_index)
        finally:
            _context.pop(token)

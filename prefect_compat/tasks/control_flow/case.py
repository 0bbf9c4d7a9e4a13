"""`case(task, value)`: tasks created in the block run only when `task`'s result == value.

On exit, every task created in the block that has no upstream inside the block gets
the block's `CompareValue` task (named `case(<value>)`) as an upstream; when the
comparison SKIPs, the whole branch is skipped. Flow construction reports new tasks
to the open case through the context key `case` (see `Flow.add_task`).

The branch is wired even when the block is left by an exception: the tasks it
created are already in the flow, and a caller that catches the exception must not
end up with them running unconditionally.
"""

from __future__ import annotations

from typing import Any

from prefect_compat import context
from prefect_compat.core.parameter import Parameter
from prefect_compat.core.task import Task
from prefect_compat.tasks.control_flow.conditional import CompareValue

__all__ = ["case"]


class case:  # noqa: N801 - Prefect's public name
    """Context manager for a conditional branch of a flow."""

    def __init__(self, task: Task, value: Any) -> None:
        if isinstance(value, Task):
            raise TypeError("`value` cannot be a task")
        self.task = task
        self.value = value
        self._tasks: set[Task] = set()
        self._flow: Any = None
        self._scope: Any = None

    def add_task(self, task: Task, flow: Any) -> None:
        """Called by Flow.add_task for every task added while this case is open.

        Parameters are never part of a branch: one first used inside the block still
        runs whatever the condition (and `case(p, v)` may use `p` inside).
        """
        if isinstance(task, Parameter):
            return
        if self._flow is None:
            self._flow = flow
        elif self._flow is not flow:
            raise ValueError("Multiple flows cannot be used with the same case statement")
        self._tasks.add(task)

    def __enter__(self) -> None:
        if self._scope is not None:
            raise ValueError(
                f"This case({self.value!r}) block is already open: a case cannot be nested "
                "in itself. Create a new `case(task, value)` for the inner block."
            )
        self._scope = context(case=self)
        self._scope.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._scope.__exit__(*exc)
        self._scope = None
        if not self._tasks:
            return
        flow = self._flow
        compare = CompareValue(self.value, name=f"case({self.value})")
        compare.bind(value=self.task, flow=flow)
        for task in list(self._tasks):
            upstream = flow.upstream_tasks(task)
            if not upstream & self._tasks:
                task.set_upstream(compare, flow=flow)

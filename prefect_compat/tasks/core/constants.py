"""`Constant`: a task that returns a fixed value.

Plain call arguments become flow constants, not Constant tasks; Constants appear
where a task is required (a mapped non-task value, `upstream_tasks=[5]`, `flow.replace(t, 5)`).
"""

from __future__ import annotations

from typing import Any

from prefect_compat.core.task import Task

__all__ = ["Constant"]


def constant_name(value: Any) -> str:
    """`repr(value)` when short (<= 8 characters), else `Constant[<type name>]`."""
    text = repr(value)
    return text if len(text) <= 8 else f"Constant[{type(value).__name__}]"


class Constant(Task):
    """Returns `value`."""

    def __init__(self, value: Any, name: str | None = None, **kwargs: Any) -> None:
        self.value = value
        super().__init__(name=name if name is not None else constant_name(value), **kwargs)

    def run(self) -> Any:
        return self.value

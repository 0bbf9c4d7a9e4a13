"""`switch`, `ifelse`, `merge` and the small tasks behind them (CompareValue, Merge).

Branching is built from skips: a `CompareValue` task raises SKIP when its input does
not equal the expected value, and the skip propagates down the branch through
`skip_on_upstream_skip`. `merge` waits for every branch (its trigger is
`not_all_skipped`) and returns the first input that is not None, in argument order
(`task_1`, `task_2`, ..., `task_10`; Prefect orders the keys as strings, which puts
`task_10` before `task_2`: see docs/compat-notes.md).
"""

from __future__ import annotations

import re
from typing import Any

from prefect_compat import triggers
from prefect_compat.core.task import Task
from prefect_compat.engine import signals

__all__ = ["CompareValue", "Merge", "ifelse", "merge", "switch"]


class CompareValue(Task):
    """Succeeds when its `value` input equals the expected value, else SKIPs."""

    def __init__(self, value: Any, **kwargs: Any) -> None:
        self.value = value
        kwargs.setdefault("name", f'CompareValue: "{value}"')
        super().__init__(**kwargs)

    def run(self, value: Any) -> None:  # type: ignore[override]  # run() takes the task's inputs
        if value != self.value:
            raise signals.SKIP(f'Provided value "{value}" did not match "{self.value}"')


class Merge(Task):
    """Returns the first of its inputs (task_1, task_2, ...) that is not None."""

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.setdefault("skip_on_upstream_skip", False):
            raise ValueError("Merge tasks must have `skip_on_upstream_skip=False`.")
        kwargs.setdefault("trigger", triggers.not_all_skipped)
        super().__init__(**kwargs)

    def run(self, **task_results: Any) -> Any:
        for key in sorted(task_results, key=_natural_key):
            if task_results[key] is not None:
                return task_results[key]
        return None


def _natural_key(key: str) -> tuple[Any, ...]:
    """Sort key ordering digit runs by value: `task_2` before `task_10`, else as strings."""
    parts: list[Any] = re.split(r"(\d+)", key)
    parts[1::2] = [int(digits) for digits in parts[1::2]]
    return tuple(parts)


def _active_flow(caller: str) -> Any:
    from prefect_compat import context

    found = context.get("flow")
    if found is None:
        raise ValueError(
            f"Could not infer an active Flow context while building {caller}(): call it "
            "inside a `with Flow(...)` block."
        )
    return found


def switch(condition: Task, cases: dict[Any, Task], mapped: bool = False) -> None:
    """Run only the case task whose key equals `condition`'s result; skip the others.

    Tasks made here (the CompareValue tasks, and Constants for case values that are
    not tasks) carry the tag "switch", as in Prefect.
    """
    from prefect_compat.utilities.tasks import tags

    flow = _active_flow("switch")
    with tags("switch"):
        for value, branch in cases.items():
            compare = CompareValue(value)
            compare.bind(value=condition, mapped=mapped, flow=flow)
            _as_task(branch).set_upstream(compare, mapped=mapped, flow=flow)


def _as_task(value: Any) -> Task:
    from prefect_compat.utilities.tasks import as_task

    return as_task(value)


def ifelse(
    condition: Task, true_task: Task | None, false_task: Task | None, mapped: bool = False
) -> None:
    """Run `true_task` if `condition` is truthy, else `false_task` (None branches omitted)."""
    _active_flow("ifelse")

    @_task_decorator
    def as_bool(x: Any) -> bool:
        return bool(x)

    cases = {c: t for c, t in [(True, true_task), (False, false_task)] if t is not None}
    if not cases:
        return  # nothing to guard: add no `as_bool` task either, as Prefect
    if mapped:
        switch(as_bool.map(condition), cases, mapped=True)
    else:
        switch(as_bool(condition), cases, mapped=False)


def _task_decorator(fn: Any) -> Any:
    from prefect_compat.utilities.tasks import task

    return task(fn)


def merge(*tasks: Task, flow: Any = None, mapped: bool = False, **kwargs: Any) -> Task:
    """A Merge task over `tasks`: the result of whichever branch ran."""
    bound = {f"task_{i + 1}": t for i, t in enumerate(tasks)}
    return Merge(**kwargs).bind(**bound, flow=flow, mapped=mapped)

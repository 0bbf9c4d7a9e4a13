"""Questions about a Flow's graph that take more than an index lookup, and its checks.

`Flow` keeps Prefect's method signatures and docstrings and delegates here for run
order from chosen roots, task search, the default reference tasks, `validate()`, and
the checks `add_edge` makes on a keyed or eagerly validated edge. Each reads the
flow's index (after `flow._sync()`) or `compile_graph(flow)`, which caches its
result on the flow; the only change made here is `compile_or_take_back` undoing the
edge it was asked to check. None of this runs during a task run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prefect_compat._engine.graph import FlowCycleError, compile_graph
from prefect_compat.core._flow_editing import check_key_free
from prefect_compat.core.edge import Edge
from prefect_compat.core.task import Task
from prefect_compat.utilities.collections import OrderedSet

__all__ = [
    "check_input_key",
    "compile_or_take_back",
    "default_reference_tasks",
    "get_tasks",
    "sorted_tasks",
    "validate",
]


def default_reference_tasks(flow: Any) -> OrderedSet[Task]:
    """The terminal tasks, less resource init/cleanup, counting cleanups as no downstream."""
    flow._sync()
    downstream = flow._index.downstream
    return OrderedSet(
        t
        for t in flow.tasks
        if not t._exclude_from_terminal
        and all(e.downstream_task._resource_cleanup for e in downstream[t])
    )


def get_tasks(
    flow: Any,
    name: str | None,
    slug: str | None,
    tags: Iterable[str] | None,
    task_type: type | None,
) -> list[Task]:
    """`Flow.get_tasks`: the flow's tasks (in insertion order) that pass every filter given."""
    wanted_tags = set(tags) if tags else set()
    return [
        t
        for t in flow.tasks
        if (name is None or t.name == name)
        and (slug is None or t.slug == slug)
        and wanted_tags <= t.tags
        and (task_type is None or isinstance(t, task_type))
    ]


def sorted_tasks(flow: Any, root_tasks: Iterable[Task] | None) -> tuple[Task, ...]:
    """`Flow.sorted_tasks`: the compiled run order, cut to what `root_tasks` reach."""
    order: tuple[Task, ...] = compile_graph(flow).order
    roots = list(root_tasks or ())
    if not roots:
        return order
    for task in roots:
        flow._check_member(task)
    reached: set[Task] = set()
    stack = roots
    while stack:
        task = stack.pop()
        if task not in reached:
            reached.add(task)
            stack.extend(e.downstream_task for e in flow._index.downstream[task])
    return tuple(t for t in order if t in reached)


def validate(flow: Any) -> None:
    """`Flow.validate`: stray reference tasks or edges, then a cycle (from compiling)."""
    flow._sync()
    if any(t not in flow.tasks for t in flow._reference_tasks):
        raise ValueError("Some reference tasks are not contained in this flow.")
    if any(not e.tasks <= flow.tasks for e in flow.edges):
        raise ValueError("Some edges refer to tasks not contained in this flow.")
    compile_graph(flow)


def check_input_key(flow: Any, task: Task, key: str, upstream: Task, validate: bool) -> None:
    """An edge feeding argument `key` of `task`: the argument must be free and, when
    validating, one that `task.run()` accepts."""
    check_key_free(flow, task, key, upstream)
    if validate and not task._spec().accepts(key):
        raise TypeError(
            f"Task {task.name!r}: run() got an unexpected keyword argument "
            f"{key!r} (edge from {upstream!r})"
        )


def compile_or_take_back(flow: Any, edge: Edge, added: list[Task]) -> None:
    """Compile `flow` with the new `edge`; on a cycle, remove the edge and the tasks
    `added` with it before the error propagates, so a refused edge leaves no trace."""
    try:
        compile_graph(flow)
    except FlowCycleError:
        flow._delete_edge(edge)
        for task in added:
            flow._delete_task(task)
        raise

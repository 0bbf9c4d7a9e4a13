"""Flow edits built from the graph's primitives: dependencies, chains, update, replace, copy.

`Flow` keeps Prefect's method signatures and delegates here, so `core/flow.py` stays
about the graph itself (tasks, edges, constants and their index).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from prefect_compat.core.edge import check_key
from prefect_compat.core.task import Task
from prefect_compat.tasks.core.constants import Constant
from prefect_compat.utilities.collections import OrderedSet
from prefect_compat.utilities.edges import strip_annotations
from prefect_compat.utilities.tasks import _mappable_task, as_task, collection_task

__all__ = [
    "chain",
    "check_key_free",
    "copy_flow",
    "is_constant_input",
    "replace",
    "set_dependencies",
    "update",
]


def is_constant_input(edge: Any) -> bool:
    """Whether `edge` feeds a plain Constant's value to an argument (so it is a constant)."""
    return (
        edge.key is not None
        and not edge.mapped
        and not edge.flattened
        and isinstance(edge.upstream_task, Constant)
    )


def set_dependencies(  # noqa: PLR0913, PLR0917 - Flow.set_dependencies's arguments
    flow: Any,
    task: Any,
    upstream_tasks: Iterable[Any] | None,
    downstream_tasks: Iterable[Any] | None,
    keyword_tasks: dict[str, Any] | None,
    mapped: bool,
    validate: bool | None,
) -> None:
    """`Flow.set_dependencies`: unkeyed edges both ways, then keyed inputs or constants."""
    task = as_task(task, flow)
    flow.add_task(task)
    for given in upstream_tasks or ():
        value, is_mapped, flat = strip_annotations(given, mapped)
        up = as_task(value, flow)
        flow.add_edge(up, task, mapped=is_mapped, flattened=flat, validate=validate)
    for given in downstream_tasks or ():  # `mapped` is about this task's inputs only
        value, is_mapped, flat = strip_annotations(given, False)
        down = as_task(value, flow)
        flow.add_edge(task, down, mapped=is_mapped, flattened=flat, validate=validate)
    constants: dict[str, Any] = {}
    for key, raw in (keyword_tasks or {}).items():
        value, is_mapped, flat = strip_annotations(raw, mapped)
        source = value if isinstance(value, Task) else collection_task(value, flow)
        if source is None and is_mapped:
            source = _mappable_task(value, flow)
        if source is None:
            check_key(key, task)
            constants[key] = value
        else:
            flow.add_edge(
                source, task, key=key, mapped=is_mapped, flattened=flat, validate=validate
            )
    if constants:
        flow._add_constants(task, constants)


def chain(flow: Any, tasks: tuple[Any, ...], validate: bool | None) -> list[Any]:
    """`Flow.chain`: an unkeyed edge between each pair of consecutive tasks."""
    found = [as_task(t, flow) for t in tasks]
    return [flow.add_edge(a, b, validate=validate) for a, b in zip(found, found[1:])]


def update(
    flow: Any, other: Any, merge_parameters: bool, validate: bool | None, merge_reference: bool
) -> None:
    """Add every task, edge and constant of `other` to `flow` (see `Flow.update`)."""
    same: dict[Task, Task] = {}
    if merge_parameters:
        mine = {p.name: p for p in flow.parameters()}
        same = {p: mine[p.name] for p in other.parameters() if p.name in mine}
    for task in other.tasks:
        if task not in same:
            flow.add_task(task)
    for e in other.edges:
        up = same.get(e.upstream_task, e.upstream_task)
        down = same.get(e.downstream_task, e.downstream_task)
        flow.add_edge(
            up, down, key=e.key, mapped=e.mapped, flattened=e.flattened, validate=validate
        )
    for task, constants in other.constants.items():
        if constants and task in other.tasks:
            flow._add_constants(same.get(task, task), constants)
    if merge_reference:
        theirs = [same.get(t, t) for t in other.reference_tasks()]
        flow.set_reference_tasks([*flow.reference_tasks(), *theirs])


def replace(flow: Any, old: Task, new: Any, validate: bool) -> None:
    """Put `new` where `old` was in `flow` (see `Flow.replace`)."""
    flow._check_member(old)
    new = as_task(new, flow)
    incoming, outgoing = list(flow._index.upstream[old]), list(flow._index.downstream[old])
    was_reference = old in flow._reference_tasks
    flow._delete_task(old)
    flow.add_task(new)
    for e in incoming:
        flow.add_edge(e.upstream_task, new, e.key, e.mapped, e.flattened, validate=False)
    for e in outgoing:
        flow.add_edge(new, e.downstream_task, e.key, e.mapped, e.flattened, validate=False)
    if was_reference:
        flow._reference_tasks.discard(old)
        flow._reference_tasks.add(new)
    flow._edits += 1
    if validate:
        flow.validate()


def copy_flow(flow: Any, serial: int) -> Any:
    """`Flow.copy`: a shallow copy whose graph, constants and handlers are its own."""
    new = copy.copy(flow)
    new.tasks = flow.tasks.copy()
    new.edges = flow.edges.copy()
    new.constants = defaultdict(dict, {t: dict(c) for t, c in flow.constants.items()})
    new._index = flow._index.copy()
    new.slugs = new._index.slugs
    new.state_handlers = list(flow.state_handlers)
    new._reference_tasks = flow._reference_tasks.copy()
    new._serial = serial
    new._unused_task_tracker = OrderedSet()
    new._context_tokens = []
    new._compiled_graph = None
    new._synced_now()
    return new


def check_key_free(flow: Any, task: Task, key: str, upstream: Any) -> None:
    """Refuse a second source (edge or constant) for argument `key` of `task`."""
    taken = flow._index.keyed.get((task, key))
    constants = flow.constants.get(task)
    if taken is None and not (constants and key in constants):
        return
    source = repr(taken.upstream_task) if taken is not None else "a constant"
    raise ValueError(
        f'Argument "{key}" for task {task!r} has already been assigned in this flow '
        f"(by {source}; now {upstream!r}). Call the task again to get a copy with its own "
        "arguments instead of binding the same task twice."
    )

"""Flow edits built from the graph's primitives: `Flow.update` and `Flow.replace`.

`Flow` keeps Prefect's method signatures and delegates here, so `core/flow.py` stays
about the graph itself (tasks, edges, constants and their index).
"""

from __future__ import annotations

from typing import Any

from prefect_compat.core.task import Task
from prefect_compat.utilities.tasks import as_task

__all__ = ["replace", "update"]


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

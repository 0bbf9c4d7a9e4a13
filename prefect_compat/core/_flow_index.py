"""`GraphIndex`: the lookup tables a Flow keeps beside its public `tasks`/`edges` sets.

What it holds, per flow:
  upstream[task], downstream[task]   edges into / out of the task, insertion-ordered
                                     (dicts with None values), so edges_to() is O(degree)
  keyed[(task, key)]                 the edge feeding argument `key` of `task`
  slugs[task], slug_owners[slug]     generated slugs ("<name>-<tags>-<n>") and explicit ones
  slug_counts[prefix]                last number used per slug prefix
  parameters                         the Parameter tasks
  synced                             the (tasks, edges) change counters the index matches

Every method is O(1) or O(degree) except `rebuild`, which the Flow calls only when
someone edited `flow.tasks` / `flow.edges` directly. The index never validates: the
Flow decides what may be added and then records it here. The module also holds the
Flow's small module-level helpers (`ParameterDetails`, `cache`, the validation switch).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable, TypedDict

from prefect_compat.core.parameter import Parameter
from prefect_compat.core.task import Task
from prefect_compat.utilities.collections import OrderedSet

__all__ = ["GraphIndex", "ParameterDetails", "cache", "eager_validation", "require_task"]


class GraphIndex:
    """Adjacency, keyed inputs, slugs and Parameters of one flow (see the module docstring)."""

    __slots__ = (
        "downstream",
        "keyed",
        "parameters",
        "slug_counts",
        "slug_owners",
        "slugs",
        "synced",
        "upstream",
    )

    def __init__(self) -> None:
        self.upstream: dict[Any, dict[Any, None]] = {}
        self.downstream: dict[Any, dict[Any, None]] = {}
        self.keyed: dict[tuple[Any, str], Any] = {}
        self.slugs: dict[Any, str] = {}
        self.slug_owners: dict[str, Any] = {}
        self.slug_counts: dict[str, int] = {}
        self.parameters: OrderedSet[Any] = OrderedSet()
        self.synced = (0, 0)

    def add_task(self, task: Any) -> None:
        self.upstream[task] = {}
        self.downstream[task] = {}
        self.assign_slug(task)
        if isinstance(task, Parameter):
            self.parameters.add(task)

    def assign_slug(self, task: Any) -> None:
        """The task's own slug, else `<name>[-<sorted tags>]-<n>` with the first free n."""
        if task.slug is not None:
            slug = task.slug
        else:
            prefix = "-".join([task.name, *sorted(task.tags)])
            n = self.slug_counts.get(prefix, 0) + 1
            while f"{prefix}-{n}" in self.slug_owners:
                n += 1
            self.slug_counts[prefix] = n
            slug = f"{prefix}-{n}"
        self.slugs[task] = slug
        self.slug_owners[slug] = task

    def insert_edge(self, edge: Any) -> None:
        self.upstream[edge.downstream_task][edge] = None
        self.downstream[edge.upstream_task][edge] = None
        if edge.key is not None:
            self.keyed[(edge.downstream_task, edge.key)] = edge

    def delete_edge(self, edge: Any) -> None:
        self.upstream[edge.downstream_task].pop(edge, None)
        self.downstream[edge.upstream_task].pop(edge, None)
        if edge.key is not None and self.keyed.get((edge.downstream_task, edge.key)) == edge:
            del self.keyed[(edge.downstream_task, edge.key)]

    def delete_task(self, task: Any) -> None:
        """Forget a task whose edges were already deleted."""
        del self.upstream[task]
        del self.downstream[task]
        self.parameters.discard(task)
        slug = self.slugs.pop(task, None)
        if slug is not None and self.slug_owners.get(slug) is task:
            del self.slug_owners[slug]

    def rebuild(self, tasks: Iterable[Any], edges: Iterable[Any]) -> None:
        """Recompute everything from the sets (slugs already given are kept)."""
        tasks = list(tasks)
        present = set(tasks)
        self.upstream = {t: {} for t in tasks}
        self.downstream = {t: {} for t in tasks}
        self.keyed = {}
        for edge in edges:
            self.upstream.setdefault(edge.downstream_task, {})
            self.downstream.setdefault(edge.upstream_task, {})
            self.insert_edge(edge)
        self.parameters = OrderedSet(t for t in tasks if isinstance(t, Parameter))
        kept = {t: s for t, s in self.slugs.items() if t in present}
        self.slugs.clear()  # in place: the Flow exposes this very dict as `flow.slugs`
        self.slugs.update(kept)
        self.slug_owners = {s: t for t, s in kept.items()}
        for task in tasks:
            if task not in self.slugs:
                self.assign_slug(task)

    def copy(self) -> GraphIndex:
        new = GraphIndex()
        new.upstream = {t: dict(e) for t, e in self.upstream.items()}
        new.downstream = {t: dict(e) for t, e in self.downstream.items()}
        new.keyed = dict(self.keyed)
        new.slugs = dict(self.slugs)
        new.slug_owners = dict(self.slug_owners)
        new.slug_counts = dict(self.slug_counts)
        new.parameters = self.parameters.copy()
        new.synced = self.synced
        return new


class ParameterDetails(TypedDict):
    """What `Flow.get_parameter_details()`-style helpers return per Parameter."""

    default: Any
    required: bool


def cache(method: Callable[..., Any]) -> Callable[..., Any]:
    """Prefect's memo decorator for Flow methods, kept as a name.

    It returns `method` unchanged: the Flow caches its compiled graph itself, behind
    a version counter bumped by graph edits (see `_flow_index.py`).
    """
    return method


def eager_validation() -> bool:
    from prefect_compat.configuration import config

    return bool(config.get("flows", {}).get("eager_edge_validation", False))


def require_task(task: Any) -> None:
    if not isinstance(task, Task):
        raise TypeError(f"Tasks must be Task instances (received {type(task)})")

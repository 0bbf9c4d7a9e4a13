"""Compile a Flow's graph once: topological order and edge lists, O(V + E).

`compile_graph(flow)` reads `flow.tasks` (insertion-ordered) and `flow.edges` in one
pass and returns a `Graph` of plain tuples and dicts. The result is cached on the
flow behind `flow._graph_version`, a counter the Flow bumps on every edit, so a
second call costs one integer comparison (no copy-and-compare of task sets).

Order: Kahn's algorithm, seeded in insertion order, so the same flow always runs in
the same order. A cycle raises `FlowCycleError` naming the tasks on one cycle; no
task is ever silently dropped from the order.

This module must not import the public layer (core/, engine/); it only duck-types
Flow (`tasks`, `edges`, `_graph_version`) and Edge (`upstream_task`,
`downstream_task`).
"""

from __future__ import annotations

from collections import deque
from typing import Any, cast

__all__ = ["FlowCycleError", "Graph", "compile_graph"]


class FlowCycleError(ValueError):
    """The flow's edges form a cycle; the message lists the tasks on it."""


class Graph:
    """The compiled shape of a flow: order plus edges by task."""

    __slots__ = ("downstream", "order", "restarting", "upstream_edges", "version")

    def __init__(
        self,
        order: tuple[Any, ...],
        upstream_edges: dict[Any, tuple[Any, ...]],
        downstream: dict[Any, tuple[Any, ...]],
        version: Any,
    ) -> None:
        self.order = order
        self.upstream_edges = upstream_edges
        self.downstream = downstream
        self.version = version
        # tasks that run again in every pass unless Cached (resource setup/cleanup and
        # secrets, as in Prefect): their classes set `_restart_each_pass`
        self.restarting = tuple(t for t in order if getattr(t, "_restart_each_pass", False))

    @property
    def roots(self) -> tuple[Any, ...]:
        return tuple(t for t in self.order if not self.upstream_edges[t])

    @property
    def terminals(self) -> tuple[Any, ...]:
        return tuple(t for t in self.order if not self.downstream[t])


def compile_graph(flow: Any) -> Graph:
    """The flow's Graph, rebuilt only when the flow changed since the last call."""
    version = getattr(flow, "_graph_version", None)
    cached = getattr(flow, "_compiled_graph", None)
    if cached is not None and version is not None and cached.version == version:
        return cast(Graph, cached)
    graph = _build(list(flow.tasks), flow.edges, version)
    try:
        flow._compiled_graph = graph
    except AttributeError:
        pass
    return graph


def _build(tasks: list[Any], edges: Any, version: Any) -> Graph:
    ups: dict[Any, list[Any]] = {t: [] for t in tasks}
    downs: dict[Any, list[Any]] = {t: [] for t in tasks}
    for edge in edges:
        ups[edge.downstream_task].append(edge)
        downs[edge.upstream_task].append(edge.downstream_task)
    order = _kahn(tasks, ups, downs)
    return Graph(
        tuple(order),
        {t: tuple(e) for t, e in ups.items()},
        {t: tuple(d) for t, d in downs.items()},
        version,
    )


def _kahn(tasks: list[Any], ups: dict[Any, list[Any]], downs: dict[Any, list[Any]]) -> list[Any]:
    waiting = {t: len({e.upstream_task for e in ups[t]}) for t in tasks}
    ready = deque(t for t in tasks if waiting[t] == 0)
    order: list[Any] = []
    while ready:
        task = ready.popleft()
        order.append(task)
        for child in dict.fromkeys(downs[task]):
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    if len(order) != len(tasks):
        stuck = [t for t in tasks if waiting[t] > 0]
        raise FlowCycleError(
            "Cycle found; flows must be acyclic! Tasks on the cycle: "
            + " -> ".join(repr(t) for t in _one_cycle(stuck, ups))
            + ". Remove one of these edges."
        )
    return order


def _one_cycle(stuck: list[Any], ups: dict[Any, list[Any]]) -> list[Any]:
    """Walk upstream inside the stuck set until a task repeats; return that loop.

    Every stuck task has an unprocessed (so stuck) upstream, so the walk cannot end
    before it revisits a task; the loop it closes is a cycle, printed downstream-wards.
    """
    inside = set(stuck)
    seen: dict[Any, int] = {}
    path: list[Any] = []
    node = stuck[0]
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(e.upstream_task for e in ups[node] if e.upstream_task in inside)
    loop = path[seen[node] :]
    loop.reverse()
    return loop + [loop[0]]

"""A flow's shape as the journal records it: task slugs, edges, and a fingerprint.

`shape_of(flow, graph)` is computed once per compiled graph (graphs are cached per
flow version, see `_engine/graph.py`) and kept while the flow lives, so a journaled
run pays one lookup for it. `changes(recorded, shape)` compares a recorded shape with the
current one for resume: the tasks added, removed and rewired (same slug, different
upstream edges), and the slugs whose task and every upstream task still match.

Only the wiring is compared: a task whose code, constants or settings changed keeps
its fingerprint (resuming after a fix is the point).
"""

from __future__ import annotations

import hashlib
import json
import weakref
from typing import Any, NamedTuple

__all__ = ["Changes", "Shape", "changes", "shape_of", "wiring"]


class Shape(NamedTuple):
    """tasks: slugs in graph order; positions: {task: position}; edges: sorted
    (upstream slug, downstream slug, key, mapped, flattened); mapped: the slugs of
    mapped tasks; text: the JSON the journal stores; fingerprint: its short hash."""

    tasks: tuple[str, ...]
    positions: dict[Any, int]
    edges: tuple[tuple[Any, ...], ...]
    mapped: frozenset[str]
    text: str
    fingerprint: str


class Changes(NamedTuple):
    added: list[str]
    removed: list[str]
    rewired: list[str]
    matching: set[str]

    def describe(self) -> str:
        parts = []
        for label, slugs in (("added", self.added), ("removed", self.removed)):
            if slugs:
                parts.append(f"{label} {_names(slugs)}")
        if self.rewired:
            parts.append(f"rewired {_names(self.rewired)}")
        return "; ".join(parts) or "no task changed"


def _names(slugs: list[str]) -> str:
    shown = ", ".join(repr(s) for s in slugs[:8])
    return shown + (f" and {len(slugs) - 8} more" if len(slugs) > 8 else "")


# id(flow) -> (weak reference to the flow, graph, shape). A Flow is unhashable (as
# Prefect's), so it cannot key a dict itself; the entry goes when the flow does.
_SHAPES: dict[int, tuple[Any, Any, Shape]] = {}


def shape_of(flow: Any, graph: Any) -> Shape:
    """The shape of `flow` as compiled in `graph` (computed once per graph)."""
    cached = _SHAPES.get(id(flow))
    if cached is not None and cached[0]() is flow and cached[1] is graph:
        return cached[2]
    slugs = flow.slugs
    order = graph.order
    names = tuple(slugs.get(task) or task.name for task in order)
    edges = list(
        (
            slugs.get(edge.upstream_task) or edge.upstream_task.name,
            names[position],
            edge.key,
            bool(edge.mapped),
            bool(edge.flattened),
        )
        for position, task in enumerate(order)
        for edge in graph.upstream_edges[task]
    )
    edges.sort(key=_edge_order)  # a keyed and an unkeyed edge may join the same two tasks
    text = json.dumps({"tasks": list(names), "edges": edges}, separators=(",", ":"))
    canonical = json.dumps([sorted(names), edges], separators=(",", ":"))
    shape = Shape(
        names,
        {task: position for position, task in enumerate(order)},
        tuple(tuple(edge) for edge in edges),
        frozenset(edge[1] for edge in edges if edge[3]),
        text,
        hashlib.sha256(canonical.encode()).hexdigest()[:16],
    )
    try:
        if cached is None or cached[0]() is not flow:
            weakref.finalize(flow, _SHAPES.pop, id(flow), None)
        _SHAPES[id(flow)] = (weakref.ref(flow), graph, shape)
    except TypeError:  # a flow-like object that cannot be weakly referenced
        pass
    return shape


def _edge_order(edge: tuple[Any, ...]) -> tuple[Any, ...]:
    """Sort key of a shape edge: as the tuple itself, with an unkeyed (None) edge first
    (the same order as before for every flow whose edges compared without error)."""
    up, down, key, mapped, flattened = edge
    return (up, down, key is not None, key or "", mapped, flattened)


def wiring(tasks: Any, edges: Any) -> dict[str, frozenset[tuple[Any, ...]]]:
    """{slug: its upstream edges as (upstream slug, key, mapped, flattened)}."""
    found: dict[str, set[tuple[Any, ...]]] = {slug: set() for slug in tasks}
    for up, down, key, mapped, flattened in edges:
        found.setdefault(down, set()).add((up, key, bool(mapped), bool(flattened)))
    return {slug: frozenset(ups) for slug, ups in found.items()}


def changes(recorded_text: str, shape: Shape) -> Changes:
    """How the recorded shape (the JSON stored with a run) differs from `shape`."""
    recorded = json.loads(recorded_text)
    old = wiring(recorded["tasks"], recorded["edges"])
    new = wiring(shape.tasks, shape.edges)
    added = [slug for slug in shape.tasks if slug not in old]
    removed = [slug for slug in recorded["tasks"] if slug not in new]
    rewired = [slug for slug in shape.tasks if slug in old and old[slug] != new[slug]]
    matching: set[str] = set()
    for slug in shape.tasks:  # graph order: upstream tasks are decided first
        same = slug in old and old[slug] == new[slug]
        if same and all(up[0] in matching for up in new[slug]):
            matching.add(slug)
    return Changes(added, removed, rewired, matching)

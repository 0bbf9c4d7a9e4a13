"""`Flow.visualize()`: draw the task graph with the `graphviz` package (the `viz` extra).

The drawing follows what Prefect 1.4.1 draws, so the source of a graph compares line
for line: one node per task (id `str(id(task))`, label the task name; ellipses, boxes
labelled `<name> <map>` for mapped tasks), one edge per flow edge, labelled with its
argument name and dashed when mapped. Given `flow_state` (a finished flow run's state),
nodes are filled with their state's colour at half opacity (`<color>80`) and a mapped
task is drawn as one node per child (id `<task id><map index>`); edges then join
children index by index where both ends are mapped, else fan in or out. A task with
no state in `flow_state` is drawn unfilled (Prefect raises KeyError).

Output, as in Prefect: with `filename`, the graph is rendered to `<filename>.<format>`
(default pdf) with the Graphviz `dot` program and the source file is removed; without
one, it is rendered to a temporary file and opened in a viewer, except inside a Jupyter
kernel, where the graph object is returned for inline display. When `dot` is missing,
graphviz leaves the source at `filename` and raises `ExecutableNotFound`; we add a note
saying where the source is and how to get `dot`.

graphviz is imported here, on first use, never by `import prefect_compat`.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable
from typing import Any

from prefect_compat._lazy import require

__all__ = ["build_graph", "visualize"]


def _nodes(task: Any, state: Any) -> list[tuple[str, Any]]:
    """(node id, state or None) for each node drawn for `task`."""
    if state is not None and state.is_mapped():
        return [(f"{id(task)}{i}", child) for i, child in enumerate(state.map_states)]
    return [(str(id(task)), state)]


def _edge_pairs(ups: list[str], downs: list[str], zipped: bool) -> Iterable[tuple[str, str]]:
    if zipped:
        return zip(ups, downs)
    return ((u, d) for u in ups for d in downs)


def build_graph(flow: Any, flow_state: Any = None, horizontal: bool = False) -> Any:
    """The `graphviz.Digraph` for `flow`, coloured by `flow_state` when given."""
    graphviz = require("graphviz", extra="viz", feature="Flow.visualize()")
    graph = graphviz.Digraph(graph_attr={"rankdir": "LR"} if horizontal else None)
    states = flow_state.result if flow_state is not None else {}
    drawn: dict[Any, list[str]] = {}
    mapped = {edge.downstream_task for edge in flow.edges if edge.mapped}
    for task in flow.tasks:
        is_mapped = task in mapped
        label = f"{task.name} <map>" if is_mapped else task.name
        shape = "box" if is_mapped else "ellipse"
        nodes = _nodes(task, states.get(task) if flow_state is not None else None)
        drawn[task] = [node_id for node_id, _ in nodes]
        for node_id, state in nodes:
            fill = {}
            if state is not None:
                fill = {"color": state.color + "80", "colorscheme": "svg", "style": "filled"}
            graph.node(node_id, label, shape=shape, **fill)
    for edge in flow.edges:
        ups, downs = drawn[edge.upstream_task], drawn[edge.downstream_task]
        zipped = edge.mapped and edge.upstream_task in mapped and len(ups) == len(downs) > 1
        style = {"style": "dashed"} if edge.mapped else {}
        for up, down in _edge_pairs(ups, downs, zipped):
            graph.edge(up, down, label=edge.key, **style)
    return graph


def _in_jupyter() -> bool:
    """A Jupyter kernel is running us (it displays the returned graph inline)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None  # type: ignore[attr-defined]
    return type(shell).__name__ == "ZMQInteractiveShell"


def _render(graph: Any, filename: str, **options: Any) -> None:
    graphviz = sys.modules["graphviz"]
    try:
        graph.render(filename, **options)
    except graphviz.ExecutableNotFound as exc:
        if hasattr(exc, "add_note"):  # Python 3.11+
            exc.add_note(
                f"Flow.visualize(): the Graphviz source was written to {filename!r}. Install "
                "the Graphviz programs (e.g. `apt install graphviz`, `brew install graphviz`) "
                f"to render it, or render it elsewhere with `dot -Tpdf {filename} -O`."
            )
        raise


def visualize(
    flow: Any,
    flow_state: Any = None,
    filename: str | None = None,
    format: str | None = None,  # noqa: A002 - Prefect's public argument name
    horizontal: bool = False,
) -> Any:
    """Build the graph, render it (see the module docstring), and return it."""
    graph = build_graph(flow, flow_state=flow_state, horizontal=horizontal)
    if filename:
        _render(graph, filename, view=False, format=format, cleanup=True)
    elif not _in_jupyter():
        with tempfile.NamedTemporaryFile(prefix="prefect-flow-", delete=False) as handle:
            target = handle.name
        _render(graph, target, view=True)
    return graph

"""compile_graph: order, edge lists, caching by version, named cycles."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from prefect_compat._engine.graph import FlowCycleError, compile_graph


class T:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<Task: {self.name}>"


def edge(a, b, key=None):
    return SimpleNamespace(upstream_task=a, downstream_task=b, key=key, mapped=False)


def make_flow(tasks, edges, version=1):
    return SimpleNamespace(tasks=list(tasks), edges=list(edges), _graph_version=version)


def test_order_respects_edges_and_insertion_order():
    a, b, c, d = T("a"), T("b"), T("c"), T("d")
    flow = make_flow([d, c, b, a], [edge(a, b), edge(b, c)])
    graph = compile_graph(flow)
    order = list(graph.order)
    assert order.index(a) < order.index(b) < order.index(c)
    assert order[0] is d  # independent tasks keep insertion order
    assert graph.roots == (d, a)
    assert set(graph.terminals) == {d, c}
    assert [e.upstream_task for e in graph.upstream_edges[b]] == [a]
    assert graph.downstream[a] == (b,)


def test_duplicate_edges_between_same_tasks_count_once():
    a, b = T("a"), T("b")
    flow = make_flow([a, b], [edge(a, b, "x"), edge(a, b, "y")])
    graph = compile_graph(flow)
    assert graph.order == (a, b)
    assert len(graph.upstream_edges[b]) == 2


def test_compiled_graph_cached_until_version_changes():
    a, b = T("a"), T("b")
    flow = make_flow([a, b], [edge(a, b)])
    first = compile_graph(flow)
    assert compile_graph(flow) is first
    flow.edges = []
    flow._graph_version = 2
    second = compile_graph(flow)
    assert second is not first
    assert second.upstream_edges[b] == ()


def test_cycle_error_names_the_tasks_on_the_cycle():
    a, b, c, tail = T("a"), T("b"), T("c"), T("tail")
    flow = make_flow([a, b, c, tail], [edge(a, b), edge(b, c), edge(c, a), edge(c, tail)])
    with pytest.raises(FlowCycleError, match="Cycle found; flows must be acyclic!") as info:
        compile_graph(flow)
    message = str(info.value)
    for name in ("a", "b", "c"):
        assert f"<Task: {name}>" in message
    assert "tail" not in message
    assert isinstance(info.value, ValueError)


def test_linear_scaling_structure_for_long_chain():
    tasks = [T(str(i)) for i in range(5000)]
    flow = make_flow(tasks, [edge(x, y) for x, y in zip(tasks, tasks[1:])])
    assert compile_graph(flow).order == tuple(tasks)

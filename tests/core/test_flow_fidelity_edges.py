"""Edges as Prefect 1.4.1 builds them: Constant inputs, self-edges, slugs, Edge's own API.

Each expectation was observed on Prefect 1.4.1 (and 0.13.19 where noted) with a probe.
"""

from __future__ import annotations

import pytest

from prefect_compat import Flow, Parameter, Task
from prefect_compat.core.edge import Edge
from prefect_compat.tasks.core.constants import Constant


class Takes(Task):
    def run(self, x=None, y=None):
        return x


def edge_names(flow):
    return sorted((e.upstream_task.name, e.downstream_task.name, e.key) for e in flow.edges)


@pytest.mark.parametrize("value", [1, None, [1, 2], (1, 2), {"k": 1}])
def test_keyed_non_task_upstream_becomes_a_constant(value):
    b = Takes(name="b")
    flow = Flow("f")
    edge = flow.add_edge(value, b, key="x")
    assert flow.tasks == {b}
    assert flow.edges == set()
    assert flow.constants[b] == {"x": value}
    assert isinstance(edge.upstream_task, Constant) and edge.upstream_task.value == value
    assert edge not in flow.edges


def test_explicit_constant_task_feeding_a_key_becomes_a_constant():
    b = Takes(name="b")
    three = Constant(3, name="three")
    flow = Flow("f")
    flow.add_edge(three, b, key="x")
    assert flow.tasks == {b} and flow.constants[b] == {"x": 3}
    flow.set_dependencies(b, keyword_tasks={"y": Constant(4)})
    assert flow.tasks == {b} and flow.constants[b] == {"x": 3, "y": 4}
    # a constant key is not checked against run(), as in Prefect
    flow.add_edge(1, b, key="zz", validate=True)
    assert flow.constants[b]["zz"] == 1


def test_constant_task_bound_in_a_flow_block_is_a_constant_and_no_stray_task():
    b = Takes(name="b")
    with Flow("f") as flow:
        bound = b(x=Constant(9))
    assert flow.tasks == {bound}
    assert flow.constants[bound] == {"x": 9}
    assert flow.run().result[bound].result == 9


def test_constants_that_stay_tasks_unkeyed_mapped_or_flattened():
    b = Takes(name="b")
    flow = Flow("f")
    flow.add_edge(1, b)
    flow.add_edge([1, 2], b, key="x", mapped=True)
    flow.add_edge([[3]], b, key="y", flattened=True)
    assert edge_names(flow) == [("1", "b", None), ("[1, 2]", "b", "x"), ("[[3]]", "b", "y")]
    assert not flow.constants.get(b)


def test_constant_edge_runs_without_a_constant_task_state():
    b = Takes(name="b")
    flow = Flow("f")
    flow.add_edge(7, b, key="x")
    state = flow.run()
    assert {t.name: s.result for t, s in state.result.items()} == {"b": 7}


def test_constant_overwrites_a_constant_but_not_a_keyed_edge():
    a, b = Takes(name="a"), Takes(name="b")
    flow = Flow("f")
    flow.set_dependencies(b, keyword_tasks={"x": 2})
    flow.add_edge(5, b, key="x")
    assert flow.constants[b] == {"x": 5}
    flow.add_edge(a, b, key="y")
    with pytest.raises(ValueError, match=r'Argument "y" for task <Task: b> has already been'):
        flow.add_edge(6, b, key="y")


@pytest.mark.parametrize("validate", [None, False, True])
def test_self_edge_is_refused_whatever_validate_says(validate):
    a = Takes(name="a")
    flow = Flow("f")
    with pytest.raises(ValueError, match=r"Edges can not connect a task to itself\. <Task: a>"):
        flow.add_edge(a, a, validate=validate)
    assert flow.tasks == set() and flow.edges == set()
    with pytest.raises(ValueError, match="Edges can not connect a task to itself"):
        Edge(a, a, key="not an identifier")


def test_explicit_slug_may_not_take_a_generated_slug():
    flow = Flow("f")
    flow.add_task(Task("q"))
    with pytest.raises(ValueError, match=r'A task with the slug "q-1" already exists in this flow'):
        flow.add_task(Task("w", slug="q-1"))
    with pytest.raises(ValueError, match=r'A task with the slug "q-1" already exists'):
        flow.add_task(Task("w", slug="q-1"))
    assert sorted(flow.slugs.values()) == ["q-1"]


def test_generated_slug_skips_an_explicit_one():
    flow = Flow("f")
    taken = flow.add_task(Task("w", slug="q-1"))
    first, second = flow.add_task(Task("q")), flow.add_task(Task("q"))
    assert (flow.slugs[taken], flow.slugs[first], flow.slugs[second]) == ("q-1", "q-2", "q-3")


def test_edge_signature_defaults_and_flow_argument():
    a, b = Takes(name="a"), Takes(name="b")
    flow = Flow("f")
    edge = Edge(a, b, mapped=None, flattened=None, flow=flow)
    assert (edge.mapped, edge.flattened) == (False, False)
    assert repr(edge) == "<Edge(key=None, mapped=False, flattened=False): a to b>"
    assert flow.tasks == set() and flow.edges == set()
    assert edge == Edge(a, b)


def test_edge_serialize_names_ends_by_their_own_slug():
    a, b = Takes(name="a", slug="sa"), Takes(name="b")
    data = Edge(a, b, key="x").serialize()
    assert data == {
        "upstream_task": {"slug": "sa", "__version__": "1.4.1"},
        "downstream_task": {"slug": None, "__version__": "1.4.1"},
        "key": "x",
        "mapped": False,
        "flattened": False,
        "__version__": "1.4.1",
    }


def test_a_parameter_can_have_no_upstream_task_whichever_way_it_is_given():
    """1.4.1 refuses each of these with "Parameters must be root tasks ..."."""
    ways = {
        "set_upstream": lambda f, p, t: p.set_upstream(t, flow=f),
        "set_downstream": lambda f, p, t: t.set_downstream(p, flow=f),
        "add_edge": lambda f, p, t: f.add_edge(t, p),
        "set_dependencies": lambda f, p, t: f.set_dependencies(p, upstream_tasks=[t]),
        "keyword constant": lambda f, p, t: p.set_dependencies(flow=f, keyword_tasks={"a": 1}),
    }
    for name, way in ways.items():
        flow, p, t = Flow(name), Parameter("p"), Task(name="t")
        with pytest.raises(ValueError, match="Parameters must be root tasks"):
            way(flow, p, t)
        assert not flow.edges and not flow.constants.get(p), name

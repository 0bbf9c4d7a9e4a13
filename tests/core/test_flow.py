"""Flow graph editing and queries: edges, keys, slugs, reference tasks, update/copy/replace."""

from __future__ import annotations

import pickle

import pytest

import prefect_compat
from prefect_compat import Flow, Parameter, Task, task
from prefect_compat._engine.graph import FlowCycleError, compile_graph
from prefect_compat.core import Edge
from prefect_compat.engine.results import PrefectResult
from prefect_compat.tasks.core import collections as ct
from prefect_compat.tasks.core.constants import Constant
from prefect_compat.utilities.collections import OrderedSet
from prefect_compat.utilities.configuration import set_temporary_config


class Takes(Task):
    def run(self, x=None, y=None):
        return x


def named(*names, cls=Takes, **kwargs):
    return [cls(name=n, **kwargs) for n in names]


def test_constructor_and_repr():
    a, b = named("a", "b")

    def handler(flow, old, new):
        return new

    def on_failure(flow, state):
        return None

    result = PrefectResult()
    flow = Flow(
        "f",
        tasks=[a],
        edges=[Edge(a, b, key="x")],
        reference_tasks=[a],
        state_handlers=[handler],
        on_failure=on_failure,
        executor="ex",
        storage="st",
        run_config="rc",
        result=result,
        terminal_state_handler=handler,
    )
    assert repr(flow) == '<Flow: name="f">'
    assert list(flow.tasks) == [a, b]
    assert flow.reference_tasks() == {a}
    assert flow.state_handlers[0] is handler and len(flow.state_handlers) == 2
    assert (flow.executor, flow.storage, flow.run_config) == ("ex", "st", "rc")
    assert (flow.result, flow.result_handler, flow.schedule) == (result, None, None)
    assert flow.terminal_state_handler is handler


@pytest.mark.parametrize("name", ["", None])
def test_a_name_is_required(name):
    with pytest.raises(ValueError, match="A name must be provided for the flow."):
        Flow(name)


def test_state_handlers_must_be_a_sequence():
    with pytest.raises(TypeError, match="state_handlers should be iterable."):
        Flow("f", state_handlers=3)


def test_with_block_sets_and_restores_the_flow_in_context():
    outer, inner = Flow("outer"), Flow("inner")
    with outer as entered:
        assert entered is outer
        assert prefect_compat.context.get("flow") is outer
        with inner:
            assert prefect_compat.context.get("flow") is inner
        assert prefect_compat.context.flow is outer
    assert prefect_compat.context.get("flow") is None


def test_tasks_and_edges_are_insertion_ordered_sets():
    tasks = named(*"edcba")
    flow = Flow("f")
    for t in tasks:
        flow.add_task(t)
    flow.chain(tasks[4], tasks[0])
    assert list(flow.tasks) == tasks
    assert isinstance(flow.tasks, OrderedSet)
    assert flow.tasks == set(tasks) and set(tasks) == flow.tasks
    assert flow.edges == {Edge(tasks[4], tasks[0])}


def test_add_task():
    flow = Flow("f")
    t = Takes()
    assert flow.add_task(t) is t
    assert flow.add_task(t) is t
    assert len(flow.tasks) == 1
    with pytest.raises(TypeError, match=r"Tasks must be Task instances \(received <class 'int'>\)"):
        flow.add_task(3)


def test_duplicate_slugs_and_parameter_names_are_refused():
    flow = Flow("f")
    flow.add_task(Takes(slug="s"))
    with pytest.raises(ValueError, match='A task with the slug "s" already exists in this flow'):
        flow.add_task(Takes(slug="s"))
    flow.add_task(Parameter("p"))
    with pytest.raises(ValueError, match='slug "p" already exists'):
        flow.add_task(Parameter("p"))


def test_slugs_count_per_name_and_tags():
    flow = Flow("f")
    a, b = Takes(name="x y", tags=["b", "a"]), Takes(name="x y", tags=["a", "b"])
    c, p = Takes(slug="custom"), Parameter("p")
    for t in (a, b, c, p):
        flow.add_task(t)
    assert flow.slugs == {a: "x y-a-b-1", b: "x y-a-b-2", c: "custom", p: "p"}


def test_add_edge_adds_both_tasks_and_is_idempotent():
    a, b = named("a", "b")
    flow = Flow("f")
    edge = flow.add_edge(a, b, key="x", mapped=True)
    assert edge == Edge(a, b, key="x", mapped=True)
    assert flow.add_edge(a, b, key="x", mapped=True) == edge
    assert flow.tasks == {a, b}
    assert len(flow.edges) == 1
    assert flow.edges_to(b) == {edge} and flow.edges_from(a) == {edge}
    assert flow.upstream_tasks(b) == {a} and flow.downstream_tasks(a) == {b}
    assert flow.edges_to(a) == set() and flow.downstream_tasks(b) == set()


def test_add_edge_turns_non_task_ends_into_tasks():
    a = Takes(name="a")
    flow = Flow("f")
    edge = flow.add_edge(3, a)
    assert isinstance(edge.upstream_task, Constant) and edge.upstream_task.value == 3
    edge = flow.add_edge(a, [Takes(name="b")])
    assert isinstance(edge.downstream_task, ct.List)
    assert len(flow.tasks) == 4


def test_second_edge_into_the_same_key_is_refused():
    a, b, c = named("a", "b", "c")
    flow = Flow("f")
    flow.add_edge(a, b, key="x")
    with pytest.raises(
        ValueError, match=r'Argument "x" for task <Task: b> has already been assigned'
    ):
        flow.add_edge(c, b, key="x")
    assert c not in flow.tasks
    flow.add_edge(c, b, key="y")
    flow.set_dependencies(a, keyword_tasks={"x": 5})
    with pytest.raises(ValueError, match=r'Argument "x" for task <Task: a>.*\(by a constant'):
        flow.add_edge(c, a, key="x")


def test_queries_on_unknown_tasks_raise():
    flow = Flow("g")
    stranger = Takes(name="q")
    for query in (flow.upstream_tasks, flow.downstream_tasks, flow.edges_to, flow.edges_from):
        with pytest.raises(
            ValueError, match=r'Task <Task: q> was not found in Flow <Flow: name="g">'
        ):
            query(stranger)


def test_validated_edge_checks_the_key_against_run():
    a, b = named("a", "b")
    flow = Flow("f")
    with pytest.raises(
        TypeError, match=r"Task 'b': run\(\) got an unexpected keyword argument 'z'"
    ):
        flow.add_edge(a, b, key="z", validate=True)
    assert flow.edges == set()


def test_validated_cycle_names_its_tasks_and_is_rolled_back():
    a, b, c = named("a", "b", "c")
    flow = Flow("f")
    flow.chain(a, b, c)
    before = flow._graph_version
    with pytest.raises(FlowCycleError, match="Cycle found; flows must be acyclic!") as caught:
        flow.add_edge(c, a, validate=True)
    cycle = str(caught.value).split(": ", 1)[1].split(". ")[0]
    assert cycle in (
        "<Task: a> -> <Task: b> -> <Task: c> -> <Task: a>",
        "<Task: b> -> <Task: c> -> <Task: a> -> <Task: b>",
        "<Task: c> -> <Task: a> -> <Task: b> -> <Task: c>",
    )
    assert len(flow.edges) == 2
    assert flow.downstream_tasks(c) == set()
    assert flow._graph_version > before
    assert flow.sorted_tasks() == (a, b, c)


def test_eager_edge_validation_comes_from_config():
    a, b = named("a", "b")
    flow = Flow("f")
    flow.add_edge(a, b)
    with set_temporary_config({"flows.eager_edge_validation": True}):
        with pytest.raises(ValueError, match="Cycle found"):
            flow.add_edge(b, a)
    flow.add_edge(b, a)
    for check in (flow.validate, flow.sorted_tasks):
        with pytest.raises(ValueError, match=r"Cycle found.*<Task: [ab]> -> <Task: [ab]>"):
            check()


def test_root_terminal_and_sorted_tasks():
    a, b, c, d = named(*"abcd")
    flow = Flow("f")
    flow.chain(a, b, c)
    flow.add_edge(a, d)
    assert flow.root_tasks() == {a}
    assert flow.terminal_tasks() == {c, d}
    order = flow.sorted_tasks()
    assert order == (a, b, d, c)  # Kahn's order, ties broken by insertion
    assert flow.sorted_tasks(root_tasks=[b]) == (b, c)
    assert list(flow) == list(order)


def test_reference_tasks_default_to_terminal_and_can_be_set():
    a, b, c = named(*"abc")
    flow = Flow("f")
    flow.chain(a, b)
    flow.add_task(c)
    assert flow.reference_tasks() == {b, c}
    flow.set_reference_tasks([a])
    assert flow.reference_tasks() == {a}
    with pytest.raises(ValueError, match="reference tasks must be part of the flow."):
        flow.set_reference_tasks([Takes()])
    flow.set_reference_tasks([])
    assert flow.reference_tasks() == {b, c}


def test_excluded_tasks_stay_terminal_but_are_skipped_as_reference_tasks():
    init, setup, use, cleanup, after = named("init", "setup", "use", "cleanup", "after")
    for t in (init, cleanup):
        t._exclude_from_terminal = True
    cleanup._resource_cleanup = True
    flow = Flow("rm")
    flow.chain(init, setup, use, cleanup)
    flow.add_edge(init, cleanup, key="x")
    flow.add_edge(setup, cleanup, key="y")
    assert flow.terminal_tasks() == {cleanup}
    assert flow.reference_tasks() == {use}
    flow.add_edge(use, after)
    assert flow.reference_tasks() == {after}


def test_parameters_and_get_tasks():
    p, q = Parameter("p"), Parameter("q", default=1)
    a = Takes(name="a", tags=["x", "y"], slug="a-slug")
    b = Constant(3, name="a")
    flow = Flow("f", tasks=[p, a, b, q])
    assert flow.parameters() == {p, q}
    assert flow.get_tasks(name="a") == [a, b]
    assert flow.get_tasks(name="a", task_type=Constant) == [b]
    assert flow.get_tasks(tags=["x"]) == [a]
    assert flow.get_tasks(tags=["x", "z"]) == []
    assert flow.get_tasks(slug="a-slug") == [a]
    assert flow.get_tasks(slug=flow.slugs[b]) == []  # generated slugs are not task slugs
    assert flow.get_tasks(task_type=Parameter) == [p, q]
    assert flow.get_tasks() == [p, a, b, q]


def test_set_dependencies():
    a, b, c, d = named(*"abcd")
    flow = Flow("f")
    flow.set_dependencies(
        d, upstream_tasks=[a, 3], downstream_tasks=[c], keyword_tasks={"x": b, "y": 5}
    )
    three = next(t for t in flow.tasks if isinstance(t, Constant))
    assert {(e.upstream_task, e.downstream_task, e.key) for e in flow.edges} == {
        (a, d, None),
        (three, d, None),
        (d, c, None),
        (b, d, "x"),
    }
    assert flow.constants[d] == {"y": 5}


def test_set_dependencies_mapped_flags_every_edge_it_makes():
    a, b, c = named(*"abc")
    flow = Flow("f")
    flow.set_dependencies(c, upstream_tasks=[a], keyword_tasks={"x": b}, mapped=True)
    assert {e.mapped for e in flow.edges} == {True}


def test_update_merges_tasks_edges_and_constants():
    a, b, c, d = named(*"abcd")
    first, second = Flow("first"), Flow("second")
    first.add_edge(a, b, key="x")
    second.add_edge(c, d, key="y")
    second.set_dependencies(c, keyword_tasks={"x": 7})
    first.update(second)
    assert first.tasks == {a, b, c, d}
    assert first.edges == {Edge(a, b, key="x"), Edge(c, d, key="y")}
    assert first.constants[c] == {"x": 7}
    first.constants[c]["x"] = 8
    assert second.constants[c] == {"x": 7}


def test_update_parameters_clash_unless_merged():
    p1, p2 = Parameter("p"), Parameter("p")
    a, c = named("a", "c")
    first, second = Flow("first"), Flow("second")
    first.add_edge(p1, a, key="x")
    second.add_edge(p2, c, key="x")
    with pytest.raises(ValueError, match='A task with the slug "p" already exists'):
        first.copy().update(second)
    first.update(second, merge_parameters=True)
    assert first.parameters() == {p1}
    assert p2 not in first.tasks
    assert first.upstream_tasks(c) == {p1}


def test_update_can_merge_reference_tasks():
    a, b, c, d = named(*"abcd")
    first, second = Flow("first"), Flow("second")
    first.add_edge(a, b)
    second.add_edge(c, d)
    second.set_reference_tasks([c])
    plain = first.copy()
    plain.update(second)
    assert plain.reference_tasks() == {b, d}
    first.update(second, merge_reference_tasks=True)
    assert first.reference_tasks() == {b, c, d}


def test_replace_moves_edges_and_reference_status():
    x, y, z, n = named(*"xyzn")
    flow = Flow("r")
    flow.add_edge(x, y, key="x")
    flow.add_edge(y, z, mapped=True)
    flow.set_dependencies(y, keyword_tasks={"y": 1})
    flow.set_reference_tasks([y])
    flow.replace(y, n)
    assert flow.tasks == {x, z, n}
    assert flow.edges == {Edge(x, n, key="x"), Edge(n, z, mapped=True)}
    assert flow.reference_tasks() == {n}
    assert y not in flow.constants and n not in flow.constants
    assert y not in flow.slugs and flow.slugs[n] == "n-1"
    with pytest.raises(ValueError, match=r"Task <Task: q> was not found in Flow"):
        flow.replace(Takes(name="q"), n)
    flow.replace(n, 5)
    five = next(t for t in flow.tasks if isinstance(t, Constant))
    assert flow.upstream_tasks(z) == {five}


def test_copy_is_independent():
    a, b, c = named(*"abc")
    flow = Flow("f")
    flow.add_edge(a, b, key="x")
    flow.set_dependencies(b, keyword_tasks={"y": 1})
    flow.set_reference_tasks([a])
    new = flow.copy()
    assert new == flow and new is not flow
    assert new.constants == flow.constants and new.constants is not flow.constants
    new.add_edge(b, c)
    new.constants[b]["y"] = 2
    assert c not in flow.tasks and flow.downstream_tasks(b) == set()
    assert flow.constants[b] == {"y": 1}
    assert new.reference_tasks() == {a}


def test_equality_and_hashing():
    a, b = named("a", "b")
    first, second = Flow("f"), Flow("f")
    first.add_edge(a, b)
    second.add_edge(a, b)
    assert first == second
    assert first != Flow("other", edges=[Edge(a, b)])
    second.set_reference_tasks([a])
    assert first != second
    assert first != 3
    with pytest.raises(TypeError, match="unhashable"):
        hash(first)


def test_graph_version_changes_on_every_edit():
    a, b, c = named(*"abc")
    flow = Flow("f")
    seen = [flow._graph_version]

    def changed():
        version = flow._graph_version
        assert version not in seen
        seen.append(version)

    flow.add_task(a)
    changed()
    flow.add_edge(a, b)
    changed()
    flow.set_dependencies(b, keyword_tasks={"x": 1})
    changed()
    flow.set_reference_tasks([b])
    changed()
    flow.replace(b, c)
    changed()
    flow.add_task(a)
    assert flow._graph_version == seen[-1]


def test_compiled_graph_is_reused_until_the_flow_changes():
    a, b = named("a", "b")
    flow = Flow("f")
    flow.add_edge(a, b)
    graph = compile_graph(flow)
    assert compile_graph(flow) is graph
    flow.add_task(Takes())
    assert compile_graph(flow) is not graph


def test_direct_edits_of_tasks_and_edges_are_noticed():
    a, b, c = named(*"abc")
    flow = Flow("f")
    flow.add_edge(a, b)
    graph = compile_graph(flow)
    flow.tasks.add(c)
    flow.edges.add(Edge(b, c, key="x"))
    assert compile_graph(flow) is not graph
    assert flow.upstream_tasks(c) == {b}
    assert flow.terminal_tasks() == {c}
    assert flow.slugs[c] == "c-1"
    flow.edges.discard(Edge(a, b))
    assert flow.root_tasks() == {a, b}


def test_flows_pickle():
    @task
    def inc(x):
        return x + 1

    with Flow("p") as flow:
        inc(1)
    back = pickle.loads(pickle.dumps(Flow("q", tasks=[Takes(name="t")])))
    assert [t.name for t in back.tasks] == ["t"]
    assert back._compiled_graph is None
    assert flow.tasks and flow._context_tokens == []

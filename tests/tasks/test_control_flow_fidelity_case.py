"""`case` blocks behave as in Prefect 1.4.1 (observed by differential probes)."""

from __future__ import annotations

import pytest

from prefect_compat import Flow, Parameter, case, task
from prefect_compat.engine.state import Skipped, Success


@task
def cond(x):
    return x


@task
def make(v):
    return v


def by_name(flow, name):
    (found,) = [t for t in flow.tasks if t.name == name]
    return found


def edges(flow):
    return sorted((e.upstream_task.name, e.downstream_task.name, e.key) for e in flow.edges)


def test_case_block_binds_to_none():
    with Flow("f"):
        c = cond(1)
        with case(c, 1) as bound:
            make(1)
    assert bound is None


def test_tasks_created_before_an_exception_are_still_guarded():
    with Flow("f") as flow:
        c = cond(2)
        try:
            with case(c, 1):
                inside = make("inside")
                raise KeyError("boom")
        except KeyError:
            pass

    compare = by_name(flow, "case(1)")
    assert flow.upstream_tasks(inside) == {compare}
    state = flow.run()
    assert type(state.result[inside]) is Skipped
    assert state.result[compare].message == 'Provided value "2" did not match "1"'


def test_entering_an_open_case_again_is_refused_at_once():
    with Flow("f"):
        c = cond(1)
        block = case(c, 1)
        with block:
            with pytest.raises(ValueError, match=r"case\(1\) block is already open"):
                block.__enter__()
            make(1)


def test_a_case_can_be_reused_after_it_closed():
    with Flow("f") as flow:
        c = cond(1)
        block = case(c, 1)
        with block:
            make("a")
        with block:
            make("b")
    assert sorted(t.name for t in flow.tasks) == ["case(1)", "case(1)", "cond", "make", "make"]
    assert all(type(s) is Success for s in flow.run().result.values())


def test_nested_cases_and_constant_condition_wire_like_prefect():
    with Flow("nested") as flow:
        c1 = cond("A")
        with case(c1, "A"):
            first = make("first")
            with case(2, 3):
                deep = make("deep")
        after = make(deep)

    assert edges(flow) == [
        ("case(3)", "make", None),
        ("case(A)", "case(3)", None),
        ("case(A)", "make", None),
        ("cond", "case(A)", "value"),
        ("make", "make", "v"),
    ]
    state = flow.run()
    assert state.result[first].result == "first"
    inner = by_name(flow, "case(3)")
    assert state.result[inner].message == 'Provided value "2" did not match "3"'
    assert type(state.result[deep]) is Skipped
    assert type(state.result[after]) is Skipped


def test_case_parameter_selects_branch_each_run():
    with Flow("p") as flow:
        p = Parameter("p", default="yes")
        with case(p, "yes"):
            yes = make("Y")
    assert flow.run().result[yes].result == "Y"
    skipped = flow.run(p="no").result[yes]
    assert type(skipped) is Skipped
    assert skipped.message.startswith("Upstream task was skipped")


def test_a_parameter_first_used_inside_the_block_is_not_guarded():
    with Flow("f") as flow:
        p = Parameter("p", default="value")
        q = Parameter("q", default=2)
        with case(q, 1):
            inside = make(p)

    compare = by_name(flow, "case(1)")
    assert flow.upstream_tasks(p) == set()
    assert flow.upstream_tasks(inside) == {compare, p}
    state = flow.run()
    assert state.result[p].result == "value"
    assert type(state.result[inside]) is Skipped


def test_the_case_parameter_can_be_used_inside_its_own_block():
    with Flow("f") as flow:
        p = Parameter("p", default=1)
        with case(p, 1):
            inside = make(p)
    assert edges(flow) == [("case(1)", "make", None), ("p", "case(1)", "value"), ("p", "make", "v")]
    assert flow.run().result[inside].result == 1

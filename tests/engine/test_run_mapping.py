"""Mapping end to end: Mapped parents, children, chained and nested maps, flatten."""

from __future__ import annotations

import copy

import pytest

import prefect_compat
from prefect_compat import Flow, apply_map, flatten, task, unmapped
from prefect_compat.engine.state import Failed, Mapped, Success, TriggerFailed
from prefect_compat.executors import LocalDaskExecutor


@task
def numbers():
    return [1, 2, 3]


@task
def inc(x):
    if x == 2:
        raise ValueError("two")
    return x + 1


@task
def double(x):
    return x * 2


@task
def add(x, y):
    return x + y


@task
def collect(xs):
    return xs


def test_map_children_and_parent_result():
    with Flow("m") as flow:
        d = double.map(numbers())

    state = flow.run()
    parent = state.result[d]
    assert type(parent) is Mapped
    assert parent.message == "Ready to proceed with mapping."
    assert parent.result == [2, 4, 6]
    assert [type(s) for s in parent.map_states] == [Success] * 3
    assert parent.n_map_states == 3


def test_failed_child_fails_reducer_and_only_matching_mapped_index():
    with Flow("m") as flow:
        i = inc.map(numbers())
        j = inc.map(i)
        r = collect(i)

    state = flow.run()
    assert state.is_failed()
    assert [type(s).__name__ for s in state.result[i].map_states] == [
        "Success",
        "Failed",
        "Success",
    ]
    assert [type(s).__name__ for s in state.result[j].map_states] == [
        "Failed",
        "TriggerFailed",
        "Success",
    ]
    assert state.result[j].result[2] == 5
    assert type(state.result[r]) is TriggerFailed


def test_map_over_empty_list_and_reducer_still_runs():
    @task
    def empty():
        return []

    with Flow("e") as flow:
        m = double.map(empty())
        r = collect(m)

    state = flow.run()
    assert type(state.result[m]) is Mapped
    assert state.result[m].result == []
    assert state.result[r].result == []
    assert state.is_successful()


def test_map_over_failed_upstream_and_unmappable_value():
    @task
    def boom():
        raise ValueError()

    @task
    def scalar():
        return 5

    with Flow("u") as flow:
        a = double.map(boom())
        b = double.map(scalar())

    state = flow.run()
    assert state.result[a].message == "No upstream states can be mapped over."
    assert type(state.result[a]) is Failed
    assert state.result[b].message == "At least one upstream state has an unmappable result."


def test_unmapped_constant_and_task_and_map_index_in_context():
    seen = []

    @task
    def record(x, y):
        seen.append((prefect_compat.context.map_index, prefect_compat.context.task_full_name))
        return x + y

    @task
    def ten():
        return 10

    with Flow("um") as flow:
        a = record.map(numbers(), unmapped(100))
        b = add.map(numbers(), unmapped(ten()))

    state = flow.run()
    assert state.result[a].result == [101, 102, 103]
    assert state.result[b].result == [11, 12, 13]
    assert seen == [(0, "record[0]"), (1, "record[1]"), (2, "record[2]")]


def test_map_over_constant_list_and_width_is_shortest():
    @task
    def pair():
        return [10, 20]

    with Flow("c") as flow:
        m = add.map([1, 2, 3], pair())

    assert flow.run().result[m].result == [11, 22]


def test_flatten_mapped_upstream():
    @task
    def nested():
        return [[1, 2], [3]]

    @task
    def explode(x):
        return [x] * x

    with Flow("fl") as flow:
        a = double.map(flatten(nested()))
        e = explode.map(numbers())
        b = double.map(flatten(e))

    state = flow.run()
    assert state.result[a].result == [2, 4, 6]
    assert state.result[b].result == [2, 4, 4, 6, 6, 6]


@pytest.mark.parametrize("executor", [None, "threads"])
def test_flatten_on_an_unmapped_edge_flattens_the_whole_value(executor):
    """Probed on 1.4.1: `t(flatten(x))`, a reduce `t(flatten(mapped))` and an
    `unmapped(flatten(x))` argument of a mapped task all get the value flattened once."""

    @task
    def nested():
        return [[1, None], [3]]

    @task
    def twice(x):
        return [x, x]

    @task
    def ident(x):
        return x

    @task
    def pair(x, other):
        return (x, other)

    with Flow("flat") as flow:
        doubled = twice.map([1, 2])
        plain = ident(flatten(nested()))
        reduced = ident(flatten(doubled))
        each = pair.map([1, 2], other=unmapped(flatten(nested())))
        each_reduced = pair.map([1, 2], other=unmapped(flatten(doubled)))
        whole = ident(doubled)
    run = {"executor": LocalDaskExecutor(scheduler=executor)} if executor else {}
    state = flow.run(**run)
    assert state.result[plain].result == [1, None, 3]
    assert state.result[reduced].result == [1, 1, 2, 2]
    assert state.result[each].result == [(1, [1, None, 3]), (2, [1, None, 3])]
    assert state.result[each_reduced].result == [(1, [1, 1, 2, 2]), (2, [1, 1, 2, 2])]
    assert state.result[whole].result == [[1, 1], [2, 2]]


def test_apply_map_builds_and_runs_subgraph():
    with Flow("am") as flow:
        res = apply_map(lambda x: double(add(x, 1)), [1, 2, 3])

    assert flow.run().result[res].result == [4, 6, 8]


def test_mapped_flow_does_not_deepcopy(monkeypatch):
    """Structural guard: a 200-task mapped run makes no deep copies."""

    def forbidden(*args, **kwargs):
        raise AssertionError("copy.deepcopy called during a flow run")

    @task
    def many():
        return list(range(100))

    with Flow("g") as flow:
        double.map(double.map(many()))

    monkeypatch.setattr(copy, "deepcopy", forbidden)
    assert flow.run().is_successful()


def test_flow_is_compiled_once_per_run(monkeypatch):
    from prefect_compat._engine import graph, plan

    calls = []
    real = plan.build_plans

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(plan, "build_plans", counting)  # flow_run looks it up on `plan`
    builds = []
    real_build = graph._build

    def counting_build(*args, **kwargs):
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(graph, "_build", counting_build)

    import datetime

    attempts = []

    @task(max_retries=2, retry_delay=datetime.timedelta(seconds=0))
    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise ValueError()
        return 1

    with Flow("once") as flow:
        double.map(numbers())
        flaky()

    assert flow.run().is_successful()
    assert len(attempts) == 3  # three passes ...
    assert calls == [1]  # ... one plan build
    assert builds == [1]

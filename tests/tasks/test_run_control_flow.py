"""case / ifelse / switch / merge / FilterTask and resource_manager, run end to end."""

from __future__ import annotations

import pytest

from prefect_compat import Flow, case, resource_manager, task
from prefect_compat.engine.state import Skipped, Success, TriggerFailed
from prefect_compat.tasks.control_flow import FilterTask, ifelse, merge, switch


@task
def cond():
    return "b"


@task
def make(v):
    return v


@task
def show(x):
    return f"shown {x}"


def test_case_runs_matching_branch_and_merge_picks_it():
    with Flow("cf") as flow:
        c = cond()
        with case(c, "a"):
            sa = show(make("A"))
        with case(c, "b"):
            sb = show(make("B"))
        m = merge(sa, sb)

    state = flow.run()
    assert state.is_successful()
    assert state.message == "All reference tasks succeeded."
    assert type(state.result[sa]) is Skipped
    assert state.result[sb].result == "shown B"
    assert state.result[m].result == "shown B"
    compare = {t.name: t for t in flow.tasks}["case(a)"]
    assert state.result[compare].message == 'Provided value "b" did not match "a"'


def test_case_only_links_tasks_without_upstream_in_block():
    with Flow("cf") as flow:
        c = cond()
        with case(c, "b"):
            first = make("B")
            second = show(first)

    compare = {t.name: t for t in flow.tasks}["case(b)"]
    assert flow.upstream_tasks(first) == {compare}
    assert flow.upstream_tasks(second) == {first}


def test_case_value_cannot_be_a_task():
    with Flow("cf"), pytest.raises(TypeError, match="cannot be a task"):
        case(cond(), cond())


def test_merge_all_branches_skipped_is_skipped():
    with Flow("cf") as flow:
        c = cond()
        with case(c, "x"):
            a = make("A")
        with case(c, "y"):
            b = make("B")
        m = merge(a, b)

    state = flow.run()
    assert type(state.result[m]) is Skipped


def test_ifelse_and_switch():
    @task
    def truthy():
        return 1

    with Flow("ie") as flow:
        yes = make("yes")
        no = make("no")
        ifelse(truthy(), yes, no)
        lower = make("lower")
        upper = make("upper")
        switch(cond(), {"a": lower, "b": upper})

    state = flow.run()
    assert state.result[yes].result == "yes"
    assert type(state.result[no]) is Skipped
    assert type(state.result[lower]) is Skipped
    assert state.result[upper].result == "upper"
    names = sorted(t.name for t in flow.tasks if "switch" in t.tags)
    assert names == [
        'CompareValue: "False"',
        'CompareValue: "True"',
        'CompareValue: "a"',
        'CompareValue: "b"',
    ]


def test_filter_task_drops_none_and_exceptions():
    @task
    def maybe(x):
        if x == 2:
            raise ValueError("two")
        return None if x == 3 else x

    @task
    def nums():
        return [1, 2, 3, 4]

    with Flow("ft") as flow:
        kept = FilterTask()(maybe.map(nums()))

    assert flow.run().result[kept].result == [1, 4]


def test_resource_manager_sets_up_runs_block_and_cleans_up():
    events = []

    @resource_manager
    class Resource:
        def __init__(self, label):
            self.label = label

        def setup(self):
            events.append(("setup", self.label))
            return f"res-{self.label}"

        def cleanup(self, resource):
            events.append(("cleanup", resource))

    @task
    def use(res):
        events.append(("use", res))
        return res.upper()

    @task
    def boom(res):
        raise ValueError("inside")

    with Flow("rm") as flow:
        with Resource("db") as res:
            u = use(res)
            b = boom(res)

    state = flow.run()
    assert events[0] == ("setup", "db")
    assert events[-1] == ("cleanup", "res-db")
    assert ("use", "res-db") in events
    assert state.result[u].result == "RES-DB"
    cleanup = {t.name: t for t in flow.tasks}["Resource.cleanup"]
    assert type(state.result[cleanup]) is Success
    assert flow.terminal_tasks() == {cleanup}
    assert flow.reference_tasks() == {u, b}  # resource tasks never decide the flow state
    assert state.is_failed()  # boom is a reference task and failed
    assert type(state.result[b]) is not TriggerFailed


def test_resource_cleanup_skipped_when_setup_fails():
    @resource_manager
    class Broken:
        def setup(self):
            raise RuntimeError("cannot connect")

        def cleanup(self, resource):
            raise AssertionError("must not run")

    with Flow("rm") as flow, Broken() as res:
        show(res)

    state = flow.run()
    cleanup = {t.name: t for t in flow.tasks}["Broken.cleanup"]
    assert type(state.result[cleanup]) is Skipped
    assert state.result[cleanup].message == "Resource manager setup failed"

"""utilities.tasks: @task, tags, as_task, apply_map, defaults_from_attrs, pause_task."""

from __future__ import annotations

import datetime
import warnings

import pytest

import prefect_compat
from prefect_compat import Flow, Parameter, Task, apply_map, flatten, task, unmapped
from prefect_compat.engine.signals import PAUSE
from prefect_compat.engine.state import Paused
from prefect_compat.tasks.core import collections as ct
from prefect_compat.tasks.core.constants import Constant
from prefect_compat.tasks.core.function import FunctionTask
from prefect_compat.utilities import edges
from prefect_compat.utilities import tasks as utilities


@task
def inc(x):
    return x + 1


@task
def dbl(x):
    return x * 2


@task
def add(x, y):
    return x + y


@task
def numbers():
    return [1, 2, 3]


def edge_set(flow, task):
    return {(e.upstream_task, e.key, e.mapped, e.flattened) for e in flow.edges_to(task)}


def test_task_decorator_forms():
    def plain(x):
        """Doc."""
        return x

    bare = task(plain)
    assert isinstance(bare, FunctionTask)
    assert bare.name == "plain" and bare.__doc__ == "Doc." and bare.__wrapped__ is plain
    assert bare.run is plain and bare.run(4) == 4
    configured = task(name="custom", tags=["x"], checkpoint=False)(plain)
    assert (configured.name, configured.tags, configured.checkpoint) == ("custom", {"x"}, False)
    assert task(plain, name="z").name == "z"


def test_task_decorator_checks_the_function_signature():
    with pytest.raises(ValueError, match=r"variable positional arguments \(\*args\)"):

        @task
        def star(*args):
            return args

    with pytest.raises(ValueError, match="argument names: upstream_tasks"):

        @task
        def reserved(upstream_tasks):
            return upstream_tasks


def test_tags_blocks_nest_and_restore():
    with utilities.tags("a"):
        with utilities.tags("b", "c"):
            assert prefect_compat.context.tags == {"a", "b", "c"}
        assert prefect_compat.context.tags == {"a"}
    assert prefect_compat.context.get("tags") is None


def test_as_task():
    existing = Task()
    assert utilities.as_task(existing) is existing
    constant = utilities.as_task(3)
    assert isinstance(constant, Constant) and constant.value == 3 and constant.name == "3"
    assert utilities.as_task([1, 2]).value == [1, 2]
    assert isinstance(utilities.as_task(None), Constant)
    with Flow("f") as flow:
        made = utilities.as_task([inc, 2])
    assert isinstance(made, ct.List)
    assert flow.upstream_tasks(made) == {inc}
    assert flow.constants[made] == {"arg_2": 2}


def test_apply_map_builds_a_mapped_chain_over_a_constant():
    with Flow("am") as flow:
        result = apply_map(lambda x: dbl(inc(x)), [1, 2, 3])
    assert result in flow.tasks and result.name == "dbl"
    (inc_copy,) = flow.upstream_tasks(result)
    (source,) = flow.upstream_tasks(inc_copy)
    assert isinstance(source, Constant) and source.value == [1, 2, 3]
    assert source.name == "Constant[list]"
    assert edge_set(flow, inc_copy) == {(source, "x", True, False)}
    assert edge_set(flow, result) == {(inc_copy, "x", True, False)}
    assert len(flow.tasks) == 3


def test_apply_map_keeps_unmapped_arguments_whole():
    with Flow("am") as flow:
        nums = numbers()
        result = apply_map(lambda x, y: add(inc(x), y), nums, y=unmapped(nums))
    (inc_copy,) = (t for t in flow.upstream_tasks(result) if t.name == "inc")
    assert edge_set(flow, inc_copy) == {(nums, "x", True, False)}
    assert edge_set(flow, result) == {(inc_copy, "x", True, False), (nums, "y", False, False)}


def test_apply_map_maps_tasks_that_have_no_mapped_input():
    def body(x):
        a = inc(x)
        b = inc(5)
        return add(a, b)

    with Flow("am") as flow:
        result = apply_map(body, [1, 2])
    source = next(t for t in flow.tasks if isinstance(t, Constant))
    by_key = {e.key: e.upstream_task for e in flow.edges_to(result)}
    independent = by_key["y"]
    assert flow.constants[independent] == {"x": 5}
    assert edge_set(flow, independent) == {(source, None, True, False)}
    assert all(e.mapped for e in flow.edges_to(result))


def test_apply_map_flatten_and_tuple_results():
    with Flow("am") as flow:
        nums = numbers()
        first, second = apply_map(lambda x: (inc(x), dbl(x)), flatten(nums))
    assert edge_set(flow, first) == {(nums, "x", True, True)}
    assert edge_set(flow, second) == {(nums, "x", True, True)}


def test_apply_map_returns_the_real_argument_for_an_identity_function():
    with Flow("am") as flow:
        nums = numbers()
        assert apply_map(lambda x: x, nums) is nums
    assert flow.tasks == {nums}


def test_apply_map_reports_new_tasks_to_an_open_block_with_the_real_flow():
    seen = []

    class Block:
        def add_task(self, task, flow):
            seen.append(flow)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with Flow("am") as flow:
            with prefect_compat.context(case=Block()):
                apply_map(lambda x: dbl(inc(x)), [1, 2])
    assert seen and all(f is flow for f in seen)


def test_apply_map_errors():
    with pytest.raises(ValueError, match="Couldn't infer a flow in the current context"):
        apply_map(lambda x: inc(x), [1])
    with Flow("am"), pytest.raises(TypeError, match="Cannot map over non-sequence object"):
        apply_map(lambda x: inc(x), 3)


def test_apply_map_keeps_parameters_created_in_the_body_unmapped():
    with Flow("am") as flow:
        result = apply_map(lambda x: add(x, Parameter("p")), [1, 2])
    (p,) = flow.parameters()
    assert flow.edges_to(p) == set()
    assert {(e.key, e.mapped) for e in flow.edges_to(result)} == {("x", True), ("y", False)}


def test_defaults_from_attrs_fills_only_omitted_arguments():
    class Greeter(Task):
        def __init__(self, greeting="hi", punctuation="!", **kwargs):
            self.greeting = greeting
            self.punctuation = punctuation
            super().__init__(**kwargs)

        @utilities.defaults_from_attrs("greeting", "punctuation")
        def run(self, greeting=None, punctuation=None):
            return greeting, punctuation

    assert Greeter().run() == ("hi", "!")
    assert Greeter().run(greeting=None) == (None, "!")
    assert Greeter().run("yo") == ("yo", "!")
    assert Greeter(punctuation="?").run(punctuation=".") == ("hi", ".")
    assert Greeter.run.__name__ == "run"
    assert list(Greeter().inputs()) == ["greeting", "punctuation"]


def test_pause_task_raises_pause_unless_resuming():
    with pytest.raises(PAUSE, match="Pause signal raised during task execution.") as caught:
        utilities.pause_task()
    assert isinstance(caught.value.state, Paused)
    before = datetime.datetime.now(datetime.timezone.utc)
    with pytest.raises(PAUSE, match="wait") as caught:
        utilities.pause_task("wait", duration=datetime.timedelta(minutes=5))
    start = caught.value.state.start_time
    assert before + datetime.timedelta(minutes=4) < start < before + datetime.timedelta(minutes=6)
    with prefect_compat.context(resume=True):
        assert utilities.pause_task() is None


def test_legacy_unmapped_import_path():
    assert utilities.unmapped is edges.unmapped


def test_apply_map_into_an_explicit_flow_leaves_the_enclosing_block_alone():
    target = Flow("target")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with Flow("other") as other:
            result = apply_map(lambda x: inc(x), [1, 2], flow=target)
    assert result in target.tasks
    assert other.tasks == set()

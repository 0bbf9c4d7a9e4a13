"""The functional API: calling tasks inside `with Flow(...)` builds edges and constants."""

from __future__ import annotations

import typing
import warnings

import pytest

import prefect_compat
from prefect_compat import Flow, Parameter, Task, flatten, mapped, tags, task, unmapped
from prefect_compat.tasks.core import collections as ct
from prefect_compat.tasks.core import operators as ops
from prefect_compat.tasks.core.constants import Constant


@task
def add(x, y=2):
    return x + y


@task
def one():
    return 1


@task
def many(**kwargs):
    return kwargs


def edges_of(flow):
    return {
        (e.upstream_task.name, e.downstream_task.name, e.key, e.mapped, e.flattened)
        for e in flow.edges
    }


def test_call_copies_the_task_binds_edges_and_constants():
    with Flow("f") as flow:
        a = add(1)
        b = add(a, y=a)
    assert a is not add and b is not add
    assert a.name == b.name == "add"
    assert list(flow.tasks) == [a, b]
    assert add not in flow.tasks
    assert flow.constants[a] == {"x": 1}
    assert b not in flow.constants
    assert {(e.upstream_task, e.downstream_task, e.key) for e in flow.edges} == {
        (a, b, "x"),
        (a, b, "y"),
    }


def test_task_args_override_attributes_of_the_copy():
    with Flow("f") as flow:
        c = add(1, task_args={"name": "renamed", "tags": ["q"], "max_retries": 0})
    assert (c.name, c.tags) == ("renamed", {"q"})
    assert (add.name, add.tags) == ("add", set())
    assert flow.slugs[c] == "renamed-q-1"
    with Flow("g"), pytest.raises(AttributeError, match="does not have foo as an attribute"):
        add(1, task_args={"foo": 1})


def test_upstream_tasks_become_unkeyed_edges_and_non_tasks_constant_tasks():
    with Flow("f") as flow:
        a = one()
        b = add(1, upstream_tasks=[a, 5])
    five = next(t for t in flow.tasks if isinstance(t, Constant))
    assert five.name == "5" and five.value == 5
    assert edges_of(flow) == {("one", "add", None, False, False), ("5", "add", None, False, False)}
    assert flow.upstream_tasks(b) == {a, five}


def test_calling_outside_a_flow_raises_value_error():
    with pytest.raises(
        ValueError,
        match=r"Could not infer an active Flow context while creating edge to <Task: add>\.",
    ):
        add(1)


def test_explicit_flow_argument_works_outside_the_block():
    flow = Flow("f")
    a = add(1, flow=flow)
    assert flow.tasks == {a}
    assert flow.constants[a] == {"x": 1}


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((1,), {"z": 3}, r"Task 'add': run\(\) got an unexpected keyword argument 'z'"),
        ((), {}, r"Task 'add': missing a required argument: 'x'"),
        ((), {"y": 1}, r"Task 'add': missing a required argument: 'x'"),
        ((1, 2, 3), {}, r"Task 'add': too many positional arguments"),
        ((1,), {"x": 1}, r"Task 'add': run\(\) got multiple values for argument 'x'"),
    ],
)
def test_argument_errors_name_the_task_and_argument(args, kwargs, message):
    with Flow("f") as flow, pytest.raises(TypeError, match=message):
        add(*args, **kwargs)
    assert len(flow.tasks) == 0


def test_failed_call_leaves_no_orphan_copy_behind():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with Flow("f"):
            with pytest.raises(TypeError):
                add(z=1)


def test_var_keyword_arguments_become_separate_constants():
    with Flow("f") as flow:
        m = many(a=1, b=2)
    assert flow.constants[m] == {"a": 1, "b": 2}


def test_bind_adds_the_instance_itself():
    t = add.copy()
    with Flow("f") as flow:
        assert t.bind(1, y=3) is t
    assert flow.tasks == {t}
    assert flow.constants[t] == {"x": 1, "y": 3}


def test_tags_block_applies_to_called_copies():
    with Flow("f") as flow, tags("etl"):
        a = add(1)
    assert a.tags == {"etl"}
    assert add.tags == set()
    assert flow.slugs[a] == "add-etl-1"


# -- nout and unpacking ------------------------------------------------------------------


def _without_future_annotations(source: str) -> dict:
    namespace: dict = {"task": task, "typing": typing}
    exec(compile(source, "<src>", "exec", dont_inherit=True), namespace)
    return namespace


def test_nout_from_tuple_annotation_allows_unpacking():
    pair = _without_future_annotations(
        "@task\ndef pair() -> typing.Tuple[int, int]:\n    return 1, 2\n"
    )["pair"]

    @task(nout=3)
    def triple():
        return 1, 2, 3

    assert pair.nout == 2 and triple.nout == 3
    with Flow("f") as flow:
        p, q = pair()
        x, y, z = triple()
    assert (p.name, q.name) == ("pair[0]", "pair[1]")
    assert isinstance(p, ops.GetItem)
    assert flow.constants[q] == {"key": 1}
    parent = flow.upstream_tasks(p)
    assert {t.name for t in parent} == {"pair"}
    assert {e.key for e in flow.edges_to(p)} == {"task_result"}
    assert len(flow.tasks) == 7


def test_builtin_tuple_annotation_sets_nout_and_string_annotations_do_not():
    source = "@task\ndef pair() -> tuple[int, str]:\n    return 1, 'a'\n"
    assert _without_future_annotations(source)["pair"].nout == 2
    source = "@task\ndef pair() -> 'tuple[int, str]':\n    return 1, 'a'\n"
    assert _without_future_annotations(source)["pair"].nout is None
    source = "@task\ndef pair() -> typing.Tuple[int, ...]:\n    return 1, 2\n"
    assert _without_future_annotations(source)["pair"].nout is None


def test_iterating_a_task_without_nout_is_a_type_error():
    with Flow("f"):
        a = add(1)
        with pytest.raises(TypeError, match="Task is not iterable"):
            x, y = a


# -- operators --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "cls", "edge_keys", "constants"),
    [
        (lambda a: a + 1, ops.Add, {"x"}, {"y": 1}),
        (lambda a: 1 + a, ops.Add, {"y"}, {"x": 1}),
        (lambda a: a - 1, ops.Sub, {"x"}, {"y": 1}),
        (lambda a: 1 - a, ops.Sub, {"y"}, {"x": 1}),
        (lambda a: a * 2, ops.Mul, {"x"}, {"y": 2}),
        (lambda a: 2 * a, ops.Mul, {"y"}, {"x": 2}),
        (lambda a: a / 2, ops.Div, {"x"}, {"y": 2}),
        (lambda a: 2 / a, ops.Div, {"y"}, {"x": 2}),
        (lambda a: a // 2, ops.FloorDiv, {"x"}, {"y": 2}),
        (lambda a: 2 // a, ops.FloorDiv, {"y"}, {"x": 2}),
        (lambda a: a**2, ops.Pow, {"x"}, {"y": 2}),
        (lambda a: 2**a, ops.Pow, {"y"}, {"x": 2}),
        (lambda a: a % 2, ops.Mod, {"x"}, {"y": 2}),
        (lambda a: 2 % a, ops.Mod, {"y"}, {"x": 2}),
        (lambda a: a & True, ops.And, {"x"}, {"y": True}),
        (lambda a: True & a, ops.And, {"y"}, {"x": True}),
        (lambda a: a > 1, ops.GreaterThan, {"x"}, {"y": 1}),
        (lambda a: a >= 1, ops.GreaterThanOrEqual, {"x"}, {"y": 1}),
        (lambda a: a < 1, ops.LessThan, {"x"}, {"y": 1}),
        (lambda a: a <= 1, ops.LessThanOrEqual, {"x"}, {"y": 1}),
        (lambda a: a + a, ops.Add, {"x", "y"}, None),
        (lambda a: a.is_equal(1), ops.Equal, {"x"}, {"y": 1}),
        (lambda a: a.is_not_equal(1), ops.NotEqual, {"x"}, {"y": 1}),
        (lambda a: a.or_(1), ops.Or, {"x"}, {"y": 1}),
        (lambda a: a.not_(), ops.Not, {"x"}, None),
        (lambda a: a[0], ops.GetItem, {"task_result"}, {"key": 0}),
    ],
)
def test_operators_build_operator_tasks(build, cls, edge_keys, constants):
    with Flow("f") as flow:
        a = one()
        made = build(a)
    assert type(made) is cls
    assert {e.key for e in flow.edges_to(made)} == edge_keys
    assert flow.upstream_tasks(made) == {a}
    assert flow.constants.get(made) == constants


def test_getitem_names_follow_1x():
    with Flow("f"):
        a = one()
        assert a[0].name == "one[0]"
        assert a["k"].name == "one['k']"


def test_equality_and_attribute_access_are_not_overloaded():
    with Flow("f") as flow:
        a = one()
        assert (a == 1) is False
        assert a != 1
        with pytest.raises(AttributeError):
            a.missing_attribute  # noqa: B018
    assert flow.tasks == {a}


def test_pipe_and_or_set_dependencies():
    with Flow("f") as flow:
        a, b = one(), one()
        assert (a | b) is b
        c = 3 | a
        piped = a.pipe(add, y=5)
    assert c is a
    three = next(t for t in flow.tasks if isinstance(t, Constant))
    assert flow.upstream_tasks(b) == {a}
    assert flow.upstream_tasks(a) == {three}
    assert {e.key for e in flow.edges_to(piped)} == {"x"}
    assert flow.constants[piped] == {"y": 5}


def test_operators_outside_a_flow_raise():
    with pytest.raises(ValueError, match="Could not infer an active Flow context"):
        one + 1  # noqa: B018


# -- collections as arguments -----------------------------------------------------------------


def test_collections_of_tasks_are_wrapped_and_plain_collections_stay_constants():
    @task
    def take(x):
        return x

    with Flow("f") as flow:
        a = one()
        as_list = take([a, 1])
        as_tuple = take((a, 2))
        as_set = take({a, 3})
        as_dict = take({"k": a})
        plain = take([1, 2])
        nested = take([[a]])
    assert flow.constants[plain] == {"x": [1, 2]}
    made = {t: flow.upstream_tasks(t) for t in (as_list, as_tuple, as_set, as_dict, nested)}
    (wrapped_list,) = made[as_list]
    assert isinstance(wrapped_list, ct.List)
    assert flow.constants[wrapped_list] == {"arg_2": 1}
    assert {e.key for e in flow.edges_to(wrapped_list)} == {"arg_1"}
    assert isinstance(next(iter(made[as_tuple])), ct.Tuple)
    assert isinstance(next(iter(made[as_set])), ct.Set)
    (wrapped_dict,) = made[as_dict]
    assert isinstance(wrapped_dict, ct.Dict)
    assert flow.constants[wrapped_dict] == {"keys": ["k"]}
    (values,) = flow.upstream_tasks(wrapped_dict)
    assert isinstance(values, ct.List) and flow.upstream_tasks(values) == {a}
    (outer,) = made[nested]
    (inner,) = flow.upstream_tasks(outer)
    assert isinstance(inner, ct.List) and flow.upstream_tasks(inner) == {a}


# -- mapping ------------------------------------------------------------------------------------


def test_map_marks_edges_mapped_and_keeps_unmapped_constants():
    with Flow("m") as flow:
        o = one()
        r1 = add.map(o, unmapped(o))
        r2 = add.map(x=o, y=unmapped(5))
        r3 = add(mapped(o), 3)
        r4 = add.map(flatten(o), y=unmapped(o))
    assert {(e.key, e.mapped, e.flattened) for e in flow.edges_to(r1)} == {
        ("x", True, False),
        ("y", False, False),
    }
    assert flow.constants[r2] == {"y": 5}
    assert {(e.key, e.mapped) for e in flow.edges_to(r3)} == {("x", True)}
    assert flow.constants[r3] == {"y": 3}
    assert {(e.key, e.mapped, e.flattened) for e in flow.edges_to(r4)} == {
        ("x", True, True),
        ("y", False, False),
    }


def test_mapped_constants_become_constant_tasks():
    with Flow("m") as flow:
        r = add.map([1, 2], y=unmapped(3))
    (source,) = flow.upstream_tasks(r)
    assert isinstance(source, Constant) and source.value == [1, 2]
    assert source.name == "[1, 2]"
    assert {(e.key, e.mapped) for e in flow.edges_to(r)} == {("x", True)}
    assert flow.constants[r] == {"y": 3}


def test_mapping_over_unsubscriptable_constant_is_a_type_error():
    with (
        Flow("m"),
        pytest.raises(
            TypeError, match="Cannot map over unsubscriptable object of type <class 'int'>"
        ),
    ):
        add.map([1], 3)


def test_upstream_tasks_of_a_map_are_mapped_unless_unmapped():
    with Flow("m") as flow:
        o = one()
        r = add.map(o, upstream_tasks=[o])
        s = add.map(o, upstream_tasks=[unmapped(o)])
    assert {(e.key, e.mapped) for e in flow.edges_to(r)} == {("x", True), (None, True)}
    assert {(e.key, e.mapped) for e in flow.edges_to(s)} == {("x", True), (None, False)}


# -- flows: sharing tasks ----------------------------------------------------------------------


def test_task_called_in_one_flow_cannot_be_an_argument_in_another():
    with Flow("A"):
        made_in_a = add(1)
    with (
        Flow("B"),
        pytest.raises(ValueError, match=r"Task 'add' was created by a call inside flow 'A'.*'B'"),
    ):
        add(made_in_a)


def test_parameters_and_uncalled_tasks_can_be_shared_across_flows():
    p = Parameter("p")
    plain = one.copy()
    with Flow("A") as fa:
        a = add(p, upstream_tasks=[plain])
    with Flow("B") as fb:
        b = add(p, upstream_tasks=[plain])
    assert p in fa.tasks and p in fb.tasks
    assert plain in fa.tasks and plain in fb.tasks
    assert a is not b


def test_a_task_merged_into_the_other_flow_first_is_accepted():
    with Flow("A") as fa:
        made_in_a = add(1)
    with Flow("B") as fb:
        fb.update(fa)
        b = add(made_in_a)
    assert fb.upstream_tasks(b) == {made_in_a}
    assert fb.constants[made_in_a] == {"x": 1}


# -- unused tasks and block hooks --------------------------------------------------------------


def test_tasks_created_but_not_added_warn_at_block_end():
    with pytest.warns(
        UserWarning, match=r"Tasks were created but not added to the flow: \{<Task: lost>\}"
    ):
        with Flow("f"):
            Task(name="lost")
            used = Task(name="used")
            add(1, upstream_tasks=[used])


def test_parameters_are_not_added_just_by_creating_them():
    with pytest.warns(UserWarning, match="<Parameter: x>"):
        with Flow("f") as flow:
            Parameter("x")
    assert flow.parameters() == set()


def test_called_template_tasks_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with Flow("f"):
            local = Task(name="template")
            local()
            Parameter("p")()


def test_new_tasks_are_reported_to_an_open_case_block():
    seen = []

    class Block:
        def add_task(self, task, flow):
            seen.append((task, flow))

    with Flow("f") as flow:
        before = one()
        with prefect_compat.context(case=Block()):
            inside = add(before)
            flow.add_task(before)
    assert seen == [(inside, flow)]


def test_set_upstream_and_downstream_outside_a_flow_need_a_flow():
    a, b = add.copy(), one.copy()
    with pytest.raises(ValueError, match="No Flow was passed, and could not infer an active Flow"):
        a.set_upstream(b)
    flow = Flow("f")
    assert a.set_upstream(b, flow=flow, key="x") is a
    assert b.set_downstream(Task(name="after"), flow=flow) is b
    assert {(e.upstream_task.name, e.downstream_task.name, e.key) for e in flow.edges} == {
        ("one", "add", "x"),
        ("one", "after", None),
    }

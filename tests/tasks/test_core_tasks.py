"""Core task classes run() directly: Constant, FunctionTask, collections, operators."""

from __future__ import annotations

import pickle

import pytest

from prefect_compat.tasks.core import collections as ct
from prefect_compat.tasks.core import operators as ops
from prefect_compat.tasks.core.constants import Constant
from prefect_compat.tasks.core.function import FunctionTask


@pytest.mark.parametrize(
    ("value", "name"),
    [(3, "3"), ("abc", "'abc'"), (None, "None"), ([1, 2], "[1, 2]"), ([1, 2, 3], "Constant[list]")],
)
def test_constant_names_and_value(value, name):
    c = Constant(value)
    assert c.name == name
    assert c.run() == value
    assert Constant(value, name="mine").name == "mine"


def test_function_task():
    def double(x):
        return 2 * x

    t = FunctionTask(double)
    assert (t.name, t.run(4)) == ("double", 8)
    assert FunctionTask(double, name="q").name == "q"
    assert FunctionTask(lambda x: x).name == "<lambda>"
    with pytest.raises(TypeError, match="`fn` must be callable"):
        FunctionTask(3)
    with pytest.raises(TypeError, match=r"positional-only parameters .*pos: \['x'\]"):
        FunctionTask(eval("lambda x, /: x"), name="pos")


def test_collection_tasks_put_arguments_in_order():
    results = {"arg_2": "b", "arg_10": "j", "arg_1": "a"}
    assert ct.List().run(**results) == ["a", "b", "j"]
    assert ct.Tuple().run(**results) == ("a", "b", "j")
    assert ct.Set().run(arg_1=1, arg_2=1) == {1}
    assert ct.Dict().run(keys=["a", "b"], values=[1, 2]) == {"a": 1, "b": 2}
    with pytest.raises(ValueError, match="A different number of keys and values were provided!"):
        ct.Dict().run(keys=["a", "b"], values=[1])
    assert ct.VarArgsTask().run() is None


def test_var_args_tasks_bind_positional_arguments():
    from prefect_compat import Flow, task

    @task
    def one():
        return 1

    with Flow("f") as flow:
        a = one()
        made = ct.List().bind(a, 2)
        called = ct.Tuple()(a, 3)
    assert {e.key for e in flow.edges_to(made)} == {"arg_1"}
    assert flow.constants[made] == {"arg_2": 2}
    assert flow.constants[called] == {"arg_2": 3}


@pytest.mark.parametrize(
    ("cls", "x", "y", "expected"),
    [
        (ops.Add, 1, 2, 3),
        (ops.Sub, 1, 2, -1),
        (ops.Mul, 3, 2, 6),
        (ops.Div, 1, 2, 0.5),
        (ops.FloorDiv, 7, 2, 3),
        (ops.Pow, 2, 3, 8),
        (ops.Mod, 7, 4, 3),
        (ops.And, 1, 0, 0),
        (ops.Or, 0, 2, 2),
        (ops.Equal, 1, 1, True),
        (ops.NotEqual, 1, 1, False),
        (ops.GreaterThan, 2, 1, True),
        (ops.GreaterThanOrEqual, 1, 1, True),
        (ops.LessThan, 2, 1, False),
        (ops.LessThanOrEqual, 1, 2, True),
    ],
)
def test_binary_operators(cls, x, y, expected):
    t = cls()
    assert t.name == cls.__name__
    assert t.run(x, y) == expected


def test_unary_and_item_operators():
    assert ops.Not().run(0) is True
    assert ops.GetItem().run([1, 2], 1) == 2
    assert ops.GetItem(default=5).run({}, "k") == 5
    with pytest.raises(IndexError):
        ops.GetItem(default=5).run([1], 3)
    with pytest.raises(KeyError):
        ops.GetItem().run({}, "k")
    assert ops.GetAttr().run(1, "real") == 1
    assert ops.GetAttr(default=4).run(1, "missing") == 4
    with pytest.raises(AttributeError):
        ops.GetAttr().run(1, "missing")


def test_operator_tasks_pickle():
    back = pickle.loads(pickle.dumps(ops.Add(name="plus")))
    assert type(back) is ops.Add and back.run(1, 2) == 3
    assert pickle.loads(pickle.dumps(ops.GetItem())).default is ops.NO_DEFAULT

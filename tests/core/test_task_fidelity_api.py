"""Task API details checked against Prefect 1.4.1 by differential probes.

Each test pins one observed behaviour of real Prefect: constructor validation
messages, reserved run() argument names, inputs()/outputs() of the built-in task
classes, `|` return values, GetItem names, Parameter.copy's signature, and that a
call which cannot be mapped adds nothing to the flow.
"""

from __future__ import annotations

import datetime
import re
import typing
from typing import Any

import pytest

from prefect_compat import Flow, Parameter, Task, task
from prefect_compat.tasks.core import collections, operators
from prefect_compat.tasks.core.constants import Constant
from prefect_compat.tasks.core.function import FunctionTask

NO_DELAY = datetime.timedelta(0)


@pytest.mark.parametrize(
    ("value", "shown", "kind"),
    [(ValueError("x"), "ValueError('x')", "ValueError"), ("x", "'x'", "str")],
)
def test_retry_on_refuses_a_single_non_type_value_by_name(value, shown, kind):
    match = (
        f"Invalid `retry_on` value {shown}. "
        f"Expected an exception type but got an instance of {kind}"
    )
    with pytest.raises(TypeError, match=re.escape(match)):
        Task(retry_on=value, max_retries=1, retry_delay=NO_DELAY)


def test_reserved_argument_names_are_listed_in_prefects_order():
    def uses_both(flow, mapped):
        return flow

    with pytest.raises(ValueError, match="argument names: mapped, flow. These are reserved"):
        task(uses_both)


def test_outputs_of_the_base_task_is_none_and_of_a_subclass_without_annotation_any():
    class Plain(Task):
        def run(self):
            return 1

    assert Task().outputs() is None
    assert Plain().outputs() is Any


@pytest.mark.parametrize(
    ("instance", "inputs", "output"),
    [
        (operators.Add(), {"x": Any, "y": Any}, Any),
        (operators.Not(), {"x": Any}, bool),
        (operators.GetAttr(), {"task_result": Any, "attr": Any, "default": Any}, Any),
        (collections.List(), {"task_results": Any}, list),
        (collections.Tuple(), {"task_results": Any}, tuple),
        (collections.Set(), {"task_results": Any}, set),
        (
            collections.Dict(),
            {"keys": typing.Iterable[Any], "values": typing.Iterable[Any]},  # noqa: UP006
            dict,
        ),
        (Constant(1), {}, Any),
        (Parameter("p"), {}, Any),
    ],
)
def test_built_in_tasks_report_types_not_strings(instance, inputs, output):
    assert {k: v["type"] for k, v in instance.inputs().items()} == inputs
    assert instance.outputs() == output


def test_a_users_string_annotations_stay_strings():
    def f(x: int) -> str:
        return ""

    f.__annotations__ = {"x": "int", "return": "str"}
    t = FunctionTask(f)
    assert t.inputs()["x"]["type"] == "int"
    assert t.outputs() == "str"


def test_or_returns_its_right_operand_as_given():
    one, other = Task(name="one"), Task(name="other")
    with Flow("f") as flow:
        listed = [other]
        assert (one | listed) is listed
    (collected,) = [t for t in flow.tasks if isinstance(t, collections.List)]
    assert {(e.upstream_task, e.downstream_task) for e in flow.edges} == {
        (one, collected),
        (other, collected),
    }


def test_getitem_with_a_task_key_is_named_after_the_keys_name():
    with Flow("f"):
        data = Task(name="data")
        got = data[Parameter("k")]
        by_constant = data[Constant("a", name="cc")]
        by_value = data["a b"]
    assert got.name == "data[k]"
    assert by_constant.name == "data[cc]"
    assert by_value.name == "data['a b']"


def test_parameter_copy_requires_a_name():
    p = Parameter("p", default=1)
    with pytest.raises(TypeError, match="name"):
        p.copy()
    renamed = p.copy(name="q")
    assert (renamed.name, renamed.slug, renamed.default) == ("q", "q", 1)


def test_mapping_over_an_unsubscriptable_value_adds_nothing_to_the_flow():
    @task
    def inc(x):
        return x + 1

    with Flow("f") as flow:
        with pytest.raises(
            TypeError, match="Cannot map over unsubscriptable object of type <class 'int'>: 3"
        ):
            inc.map(3)
        with pytest.raises(TypeError, match="unsubscriptable"):
            inc(3, mapped=True)
    assert flow.tasks == set()
    assert flow.edges == set()


def test_inspect_signature_of_a_task_is_how_to_call_it_in_a_flow():
    import inspect

    def pair(a, *, b, **rest):
        return a

    extras = "mapped: bool = False, task_args: dict = None, upstream_tasks: Iterable[Any] = None"
    assert str(inspect.signature(task(pair))) == (
        f"(a, *, b, {extras}, flow: 'Flow' = None, **rest) -> 'Task'"
    )
    assert str(inspect.signature(operators.GetItem())) == (
        "(task_result: Any, key: Any, default: Any = <no default>, *, "
        f"{extras}, flow: 'Flow' = None) -> 'Task'"
    )
    assert str(inspect.signature(Task())) == f"(*, {extras}, flow: 'Flow' = None) -> 'Task'"
    with pytest.raises(AttributeError):
        Task.__signature__  # noqa: B018 - only instances have one
    assert "max_retries" in inspect.signature(Task).parameters


def test_tasks_made_from_plain_values_are_marked_auto_generated():
    @task
    def ident(x):
        return x

    with Flow("f") as flow:
        source = Task(name="source")
        ident([source, 1])
        ident({"k": source})
        ident.map([1, 2])
        ident(5, upstream_tasks=[7])
        source + 1
        source["k"]
    marked = sorted(type(t).__name__ for t in flow.tasks if t.auto_generated)
    assert marked == ["Constant", "Constant", "Dict", "List", "List"]
    assert Task().auto_generated is False


@pytest.mark.parametrize("value", [{"a": 1}, {1, 2}, 1.5, None])
def test_apply_map_refuses_a_non_sequence_before_building_anything(value):
    from prefect_compat import apply_map

    kind = type(value).__name__
    with Flow("f") as flow:
        with pytest.raises(
            TypeError, match=f"Cannot map over non-sequence object of type `{kind}`"
        ):
            apply_map(lambda x: Task()(x), value)
    assert flow.tasks == set()


def test_apply_map_without_a_flow_says_so():
    from prefect_compat import apply_map

    with pytest.raises(ValueError, match="Couldn't infer a flow in the current context"):
        apply_map(lambda x: x, [1])


def test_serialize_writes_the_schema_entry_for_tasks_and_parameters():
    t = Task(name="x", tags=["b", "a"])
    data = t.serialize()
    assert (data["name"], data["tags"], data["type"]) == ("x", ["a", "b"], "prefect.core.task.Task")
    assert data["outputs"] == "None"
    assert data["__version__"] == "1.4.1"
    p = Parameter("p", default=[1]).serialize()
    assert (p["name"], p["default"], p["required"], p["type"]) == (
        "p",
        [1],
        False,
        "prefect.core.parameter.Parameter",
    )


def test_pipe_refuses_a_keyword_named_self_before_adding_anything():
    @task
    def takes(x, y):
        return (x, y)

    with Flow("f") as flow:
        source = Task(name="source")
        with pytest.raises(ValueError, match='keyword argument "self" in .pipe'):
            source.pipe(takes, self=3)
        piped = source.pipe(takes, y=3)
    assert flow.tasks == {source, piped}
    assert flow.constants[piped] == {"y": 3}


@pytest.mark.parametrize(
    ("annotation", "nout"),
    [
        (typing.Tuple[()], 0),
        (typing.Tuple, None),  # noqa: UP006 - the typing form is what is checked
        (tuple[int, str], 2),
        (tuple[int, ...], None),
        ("tuple[int, str]", None),  # a string (postponed) annotation is not evaluated
    ],
)
def test_nout_from_the_return_annotation(annotation, nout):
    def fn():
        return ()

    fn.__annotations__["return"] = annotation  # this module postpones annotations
    made = task(fn)
    assert made.nout == nout
    if nout == 0:
        assert list(made) == []

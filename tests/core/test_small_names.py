"""Names from `prefect.core.*` that scripts import: TaskMetaclass, NoDefault, ParameterDetails."""

from __future__ import annotations

import inspect

import pytest

from prefect_compat.core import edge, flow, task
from prefect_compat.core.parameter import Parameter


def test_task_classes_are_built_by_task_metaclass():
    class MyTask(task.Task):
        def run(self, x):
            return x

    assert type(task.Task) is task.TaskMetaclass
    assert isinstance(MyTask, task.TaskMetaclass)
    assert MyTask().run(3) == 3


def test_no_default_and_extra_call_parameters():
    assert list(task.NoDefault) == [task.NoDefault.value]
    assert repr(task.NoDefault.value) == "<no default>"
    assert task.NoDefault.value.value == "no_default"
    params = task.EXTRA_CALL_PARAMETERS
    assert [(p.name, p.kind, p.default) for p in params] == [
        ("mapped", inspect.Parameter.KEYWORD_ONLY, False),
        ("task_args", inspect.Parameter.KEYWORD_ONLY, None),
        ("upstream_tasks", inspect.Parameter.KEYWORD_ONLY, None),
        ("flow", inspect.Parameter.KEYWORD_ONLY, None),
    ]


def test_instance_property_is_only_on_instances():
    class Holder:
        @task.instance_property
        def value(self):
            return 1

    assert Holder().value == 1
    with pytest.raises(AttributeError):
        Holder.value  # noqa: B018


def test_core_task_parameter_is_013s_moved_parameter():
    with pytest.warns(
        UserWarning, match=r"`Parameter` has moved, please import as `prefect.Parameter`"
    ):
        p = task.Parameter("x", default=2)
    assert isinstance(p, Parameter)
    assert (p.name, p.default) == ("x", 2)
    assert task.Parameter.__module__ == "prefect_compat.core.task"


def test_parameter_details_cache_and_identifiers():
    assert flow.ParameterDetails(default=1, required=False) == {"default": 1, "required": False}
    assert flow.ParameterDetails.__annotations__.keys() == {"default", "required"}

    def method(self):
        return 5

    assert flow.cache(method) is method
    assert [edge.is_valid_identifier(s) for s in ["a", "1a", "class", "a b", "", "_x"]] == [
        True,
        False,
        False,
        False,
        False,
        True,
    ]

"""Parameters, tasks and edges: dump checks and load details as in Prefect 1.4.1."""

from __future__ import annotations

import datetime

import pytest

from prefect_compat import Flow, Parameter, Task
from prefect_compat.core.edge import Edge
from prefect_compat.serialization import ValidationError
from prefect_compat.serialization.edge import EdgeSchema
from prefect_compat.serialization.task import ParameterSchema, TaskSchema


@pytest.mark.parametrize(
    "default", [datetime.date(2020, 1, 1), object(), {1, 2}], ids=["date", "object", "set"]
)
def test_a_parameter_default_json_cannot_hold_is_refused_at_dump(default):
    param = Parameter("when", default=default)
    match = (
        r"default: Parameter 'when': when running with Prefect Cloud/Server, values for "
        r"`Parameter.default` must be JSON compatible. Unable to serialize"
    )
    with pytest.raises(ValidationError, match=match):
        ParameterSchema().dump(param)
    with pytest.raises(ValidationError, match=match):
        Flow("f", tasks=[param]).serialize()


def test_json_defaults_still_dump_and_tuples_are_accepted():
    assert ParameterSchema().dump(Parameter("t", default=(1, 2)))["default"] == (1, 2)
    assert ParameterSchema().dump(Parameter("d", default={"a": [1]}))["default"] == {"a": [1]}


def test_a_loaded_parameter_keeps_its_tags():
    loaded = ParameterSchema().load(ParameterSchema().dump(Parameter("g", default=1, tags=["z"])))
    assert (loaded.name, loaded.default, set(loaded.tags)) == ("g", 1, {"z"})


@pytest.mark.parametrize("schema", [TaskSchema, ParameterSchema])
def test_a_name_that_is_not_a_string_is_refused(schema):
    with pytest.raises(ValidationError, match=r"name: Not a valid string: 5\."):
        schema().load({"name": 5, "__version__": "1.4.1"})


def test_an_edge_loaded_alone_has_tasks_known_only_by_slug():
    dumped = EdgeSchema().dump(Edge(Task(name="a", slug="a-1"), Task(name="b", slug="b-1")))
    edge = EdgeSchema().load(dumped)
    assert (edge.upstream_task.slug, edge.upstream_task.name) == ("a-1", "Task")
    assert (edge.downstream_task.slug, edge.downstream_task.name) == ("b-1", "Task")

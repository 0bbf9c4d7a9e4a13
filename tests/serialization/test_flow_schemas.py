"""Flow, task and edge schemas (Prefect's `flow.serialize()` shape) and the object schemas."""

from __future__ import annotations

import datetime
import functools
import json
from zoneinfo import ZoneInfo

import pytest

from prefect_compat import Flow, Parameter, task
from prefect_compat.core.task import Task
from prefect_compat.serialization import ValidationError
from prefect_compat.serialization._objects import ObjectSchema
from prefect_compat.serialization.edge import EdgeSchema
from prefect_compat.serialization.flow import FlowSchema, get_tasks
from prefect_compat.serialization.task import ParameterSchema, TaskSchema

# Keys of the dicts Prefect 1.4.1 writes for flow.serialize() (observed in a scratch venv).
PREFECT_FLOW_KEYS = {
    "name",
    "type",
    "schedule",
    "parameters",
    "tasks",
    "edges",
    "reference_tasks",
    "run_config",
    "__version__",
    "storage",
}
PREFECT_TASK_KEYS = {
    "cache_for",
    "retry_delay",
    "name",
    "slug",
    "cache_key",
    "cache_validator",
    "outputs",
    "trigger",
    "tags",
    "skip_on_upstream_skip",
    "auto_generated",
    "inputs",
    "max_retries",
    "type",
    "timeout",
    "__version__",
}
PREFECT_PARAMETER_KEYS = {
    "default",
    "name",
    "slug",
    "outputs",
    "tags",
    "required",
    "type",
    "__version__",
}


@task(max_retries=2, retry_delay=datetime.timedelta(seconds=3), tags=["t"])
def inc(x):
    return x + 1


def _flow():
    with Flow("f") as flow:
        p = Parameter("p", default=1)
        result = inc(p)
    flow.set_reference_tasks([result])
    return flow, result


def test_flow_dump_has_prefects_shape():
    flow, result = _flow()
    dumped = FlowSchema().dump(flow)
    assert set(dumped) == PREFECT_FLOW_KEYS
    assert dumped["type"] == "prefect.core.flow.Flow"
    assert dumped["parameters"] == [
        {
            "default": 1,
            "name": "p",
            "slug": "p",
            "outputs": "typing.Any",
            "tags": [],
            "required": False,
            "type": "prefect.core.parameter.Parameter",
            "__version__": "1.4.1",
        }
    ]
    task_dump = next(t for t in dumped["tasks"] if t["name"] == "inc")
    assert set(task_dump) == PREFECT_TASK_KEYS
    assert (
        task_dump["retry_delay"] == 3
        and task_dump["max_retries"] == 2
        and task_dump["tags"] == ["t"]
    )
    assert type(task_dump["retry_delay"]) is int  # whole seconds, as Prefect writes it
    assert task_dump["trigger"] == {"fn": "prefect.triggers.all_successful", "kwargs": {}}
    assert task_dump["inputs"] == {"x": {"required": True, "type": "typing.Any"}}
    assert task_dump["type"] == "prefect.tasks.core.function.FunctionTask"
    slug = flow.slugs[result]
    assert dumped["edges"] == [
        {
            "upstream_task": {"slug": "p", "__version__": "1.4.1"},
            "downstream_task": {"slug": slug, "__version__": "1.4.1"},
            "key": "x",
            "mapped": False,
            "flattened": False,
            "__version__": "1.4.1",
        }
    ]
    assert dumped["reference_tasks"] == [{"slug": slug, "__version__": "1.4.1"}]
    json.dumps(dumped)  # plain JSON


def test_flow_loads_back_with_its_graph_and_settings():
    flow, result = _flow()
    loaded = FlowSchema().load(json.loads(json.dumps(FlowSchema().dump(flow))))
    by_name = {t.name: t for t in loaded.tasks}
    assert set(by_name) == {"p", "inc"}
    assert isinstance(by_name["p"], Parameter) and by_name["p"].default == 1
    assert type(by_name["inc"]) is Task
    assert (by_name["inc"].max_retries, by_name["inc"].retry_delay) == (
        2,
        datetime.timedelta(seconds=3),
    )
    edge = next(iter(loaded.edges))
    assert (edge.upstream_task, edge.downstream_task, edge.key) == (
        by_name["p"],
        by_name["inc"],
        "x",
    )
    assert set(loaded.reference_tasks()) == {by_name["inc"]}
    assert [t.name for t in get_tasks(loaded)] == sorted(t.name for t in loaded.tasks)


def test_task_parameter_and_edge_schemas_alone():
    assert set(TaskSchema().dump(inc)) == PREFECT_TASK_KEYS
    assert set(ParameterSchema().dump(Parameter("q", required=True))) == PREFECT_PARAMETER_KEYS
    loaded = ParameterSchema().load({"name": "q", "default": None, "required": True})
    assert (loaded.name, loaded.required) == ("q", True)
    flow, result = _flow()
    edge = next(iter(flow.edges))
    dumped = EdgeSchema(context={"slugs": flow.slugs}).dump(edge)
    back = EdgeSchema().load(dumped)
    assert (back.upstream_task.slug, back.key, back.mapped) == ("p", "x", False)


def test_an_edge_to_an_unknown_slug_names_it():
    flow, _ = _flow()
    dumped = FlowSchema().dump(flow)
    dumped["edges"][0]["upstream_task"]["slug"] = "ghost"
    with pytest.raises(
        ValidationError, match=r"edges\[0\]\.upstream_task\.slug: No task with slug 'ghost'"
    ):
        FlowSchema().load(dumped)


# -- object schemas (schedules, storage, run configs use these) --------------------------------


def weekday_only(dt):
    return dt.weekday() < 5


class Clocky:
    def __init__(self, interval, start_date=None, labels=None, parameter_defaults=None):
        self.interval = interval
        self.start_date = start_date
        self.labels = labels
        self.parameter_defaults = parameter_defaults or {}


class Holder:
    def __init__(self, clocks, filters=(), name="h"):
        self.clocks = list(clocks)
        self.filters = list(filters)
        self.name = name
        self.flows = {}


class HolderSchema(ObjectSchema):
    homes = (__name__,)


def test_object_schema_writes_prefects_value_conventions_and_loads_them():
    start = datetime.datetime(2020, 1, 1, tzinfo=ZoneInfo("America/New_York"))
    holder = Holder([Clocky(datetime.timedelta(hours=1), start, ["x"], {"a": 1})], [weekday_only])
    holder.flows = {"f": "loc"}
    dumped = HolderSchema().dump(holder)
    assert dumped["clocks"] == [
        {
            "interval": 3_600_000_000,
            "start_date": {"dt": "2020-01-01T00:00:00", "tz": "America/New_York"},
            "labels": ["x"],
            "parameter_defaults": {"a": 1},
            "__version__": "1.4.1",
            "type": "Clocky",
        }
    ]
    assert dumped["filters"] == [{"fn": f"{__name__}.weekday_only", "kwargs": {}}]
    assert dumped["type"] == "Holder"
    back = HolderSchema().load(json.loads(json.dumps(dumped)))
    clock = back.clocks[0]
    assert (clock.interval, clock.start_date, clock.labels) == (
        datetime.timedelta(hours=1),
        start,
        ["x"],
    )
    assert clock.start_date.tzinfo == ZoneInfo("America/New_York")
    assert back.filters == [weekday_only]


def test_object_schema_keeps_partial_kwargs_and_refuses_unknown_types():
    part = functools.partial(weekday_only)
    assert HolderSchema().dump(Holder([], [part]))["filters"] == [
        {"fn": f"{__name__}.weekday_only", "kwargs": {}}
    ]
    with pytest.raises(ValidationError, match=r"type: Unsupported value: 'Nope'"):
        HolderSchema().load({"type": "Nope", "__version__": "1.4.1"})
    with pytest.raises(ValidationError, match=r"__version__: Missing data"):
        HolderSchema().load({"type": "Holder"})


def test_input_and_output_types_are_written_as_str_of_the_type():
    """As 1.4.1 and 0.13.19 write them: `str(int)` is "<class 'int'>"."""

    def typed(x, y, z="a"):
        return {}

    # set by hand: this module's `from __future__ import annotations` would make strings
    typed.__annotations__ = {"x": int, "y": list, "z": "str", "return": dict}
    dumped = TaskSchema().dump(task(typed))
    assert dumped["inputs"] == {
        "x": {"required": True, "type": "<class 'int'>"},
        "y": {"required": True, "type": "<class 'list'>"},
        "z": {"required": False, "type": "str"},
    }
    assert dumped["outputs"] == "<class 'dict'>"

"""`flow.serialize()`, `serialized_hash()`, `save()` and `Flow.load()` (Prefect 1.4.1 names)."""

from __future__ import annotations

import os
import pickle

import pytest

from prefect_compat import Flow, Parameter, Task, task
from prefect_compat.exceptions import PrefectException
from prefect_compat.storage import S3, Local
from prefect_compat.utilities.configuration import set_temporary_config


@task
def add(x, y=1):
    return x + y


def small_flow(name="f"):
    with Flow(name) as flow:
        add(Parameter("x"), 2)
    return flow


def test_serialize_writes_the_flow_schema():
    data = small_flow().serialize()
    assert data["name"] == "f" and data["type"] == "prefect.core.flow.Flow"
    assert [t["slug"] for t in data["tasks"]] == ["add-1", "x"]
    assert [p["name"] for p in data["parameters"]] == ["x"]
    [edge] = data["edges"]
    assert (edge["upstream_task"]["slug"], edge["downstream_task"]["slug"], edge["key"]) == (
        "x",
        "add-1",
        "x",
    )


def test_serialize_validates_the_flow_first():
    flow = small_flow()
    flow.set_reference_tasks([next(iter(flow.tasks))])
    flow.tasks.clear()
    with pytest.raises(ValueError, match="Some reference tasks are not contained in this flow"):
        flow.serialize()


def test_serialize_build_needs_storage():
    with pytest.raises(ValueError, match="This flow has no storage to build"):
        small_flow().serialize(build=True)


def test_serialize_build_adds_the_flow_to_its_storage(tmp_path):
    flow = small_flow()
    flow.storage = Local(directory=str(tmp_path))
    data = flow.serialize(build=True)
    assert "f" in flow.storage
    assert os.path.isfile(flow.storage.flows["f"])
    assert data["storage"]["type"] == "Local"


def test_serialize_build_of_remote_storage_needs_a_backend():
    flow = small_flow()
    flow.storage = S3(bucket="b")
    with pytest.raises(PrefectException):
        flow.serialize(build=True)


def test_serialized_hash_is_stable_and_follows_structure():
    first, second = small_flow(), small_flow()
    assert first.serialized_hash() == second.serialized_hash()
    assert len(first.serialized_hash()) == 64
    second.add_task(Task("extra"))
    assert first.serialized_hash() != second.serialized_hash()


def test_save_and_load_round_trip(tmp_path):
    flow = small_flow()
    path = flow.save(str(tmp_path / "x.prefect"))
    assert path == str(tmp_path / "x.prefect")
    loaded = Flow.load(path)
    assert isinstance(loaded, Flow) and loaded.name == "f"
    assert sorted(t.name for t in loaded.tasks) == ["add", "x"]
    assert loaded.run(x=1).result[loaded.get_tasks(name="add")[0]].result == 3


def test_save_default_path_is_the_slug_under_home_flows(tmp_path):
    with set_temporary_config({"home_dir": str(tmp_path)}):
        path = small_flow("My flow! é  x").save()
    assert path == str(tmp_path / "flows" / "my-flow-e-x.prefect")
    assert os.path.isfile(path)


def test_load_refuses_a_file_that_holds_no_flow(tmp_path):
    path = tmp_path / "list.prefect"
    path.write_bytes(pickle.dumps([1]))
    with pytest.raises(TypeError, match="holds a list, not a pickled Flow"):
        Flow.load(str(path))

"""`flow.serialize()` / `task.serialize()` details as real Prefect writes them (observed on
0.13.19 and on 1.4.1 with the marshmallow 3.x it was released against)."""

from __future__ import annotations

import datetime

import pytest

from prefect_compat import Flow, Task
from prefect_compat.serialization.task import TaskSchema
from prefect_compat.utilities.configuration import set_temporary_config


@pytest.mark.parametrize(
    ("delay", "written"),
    [
        (datetime.timedelta(seconds=5), 5),
        (datetime.timedelta(days=1, seconds=3), 86403),
        (datetime.timedelta(seconds=1.5), 1),
        (datetime.timedelta(milliseconds=999), 0),
        (datetime.timedelta(seconds=-1.5), -2),
    ],
)
@pytest.mark.parametrize("version", ["1", "0.13"])
def test_task_timedeltas_are_written_as_whole_seconds_rounded_down(version, delay, written):
    with set_temporary_config({"compat.prefect_version": version}):
        dumped = Task(name="t", max_retries=1, retry_delay=delay, cache_for=delay).serialize()
        assert (dumped["retry_delay"], dumped["cache_for"]) == (written, written)
        assert type(dumped["retry_delay"]) is int
        loaded = TaskSchema().load(dumped)
    assert loaded.retry_delay == datetime.timedelta(seconds=written)


def test_a_0_13_flow_always_writes_its_environment_key():
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        flow = Flow("x")
        flow.environment = None
        assert flow.serialize()["environment"] is None
    assert "environment" not in Flow("x").serialize()  # 1.4.1 has no environments


def _hourly():
    from prefect_compat.schedules import IntervalSchedule

    start = datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc)
    return IntervalSchedule(start_date=start, interval=datetime.timedelta(hours=1))


def test_a_schedule_is_typed_in_0_13_dumps_only_and_loads_either_way():
    from prefect_compat.schedules import Schedule
    from prefect_compat.serialization.schedule import ScheduleSchema

    dumped = ScheduleSchema().dump(_hourly())
    assert "type" not in dumped  # 1.4.1: Schedule is the only class
    assert dumped["clocks"][0]["type"] == "IntervalClock"
    assert dumped["clocks"][0]["interval"] == 3600 * 10**6
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        typed = ScheduleSchema().dump(_hourly())
    assert typed == dict(dumped, type="Schedule", __version__="0.13.19", clocks=typed["clocks"])
    for data in (dumped, typed):
        loaded = ScheduleSchema().load(data)
        assert type(loaded) is Schedule
        assert loaded.clocks[0].interval == datetime.timedelta(hours=1)


def test_a_loaded_flow_keeps_its_schedule_run_config_and_storage(tmp_path):
    from prefect_compat.run_configs import LocalRun
    from prefect_compat.serialization.flow import FlowSchema
    from prefect_compat.storage import Local

    where = tmp_path / "not-created"
    flow = Flow(
        "f",
        schedule=_hourly(),
        run_config=LocalRun(env={"A": "1"}, labels=["x"]),
        storage=Local(directory=str(where), validate=False),
    )
    flow.storage.flows["f"] = str(where / "f.prefect")
    loaded = FlowSchema().load(flow.serialize())
    assert loaded.schedule.clocks[0].interval == datetime.timedelta(hours=1)
    assert (type(loaded.run_config), loaded.run_config.env) == (LocalRun, {"A": "1"})
    assert set(loaded.run_config.labels) == {"x"}
    assert type(loaded.storage) is Local and loaded.storage.directory == str(where)
    assert loaded.storage.flows == {"f": str(where / "f.prefect")}
    assert not where.exists()  # loading never creates directories, as in Prefect


def test_storage_dumps_carry_flows_and_secrets_and_only_prefects_fields():
    from prefect_compat.serialization.storage import StorageSchema
    from prefect_compat.storage import GCS, S3, Docker, Local, Webhook

    local = Local(directory="/tmp/pc-fid-st", validate=False)
    local.secrets = ["S"]
    assert StorageSchema().dump(local) == {
        "type": "Local",
        "__version__": "1.4.1",
        "directory": "/tmp/pc-fid-st",
        "path": None,
        "stored_as_script": False,
        "flows": {},
        "secrets": ["S"],
    }
    assert StorageSchema().load(StorageSchema().dump(local)).secrets == ["S"]
    s3 = StorageSchema().dump(S3(bucket="b"))
    assert set(s3) == {"type", "__version__", "bucket", "client_options", "key"} | {
        "stored_as_script",
        "flows",
        "secrets",
    }
    assert "local_script_path" not in StorageSchema().dump(GCS(bucket="g"))
    hook = Webhook(
        build_request_kwargs={},
        build_request_http_method="POST",
        get_flow_request_kwargs={},
        get_flow_request_http_method="GET",
    )
    assert "flow_script_path" not in StorageSchema().dump(hook)
    docker = StorageSchema().dump(Docker(registry_url="r", image_name="i", image_tag="t"))
    assert set(docker) - {"prefect_version"} == {
        "type",
        "__version__",
        "flows",
        "secrets",
        "image_name",
        "image_tag",
        "path",
        "registry_url",
        "stored_as_script",
    }


def test_0_13_github_storage_has_no_token_or_base_url_fields():
    from prefect_compat.serialization.storage import StorageSchema
    from prefect_compat.storage import GitHub

    with set_temporary_config({"compat.prefect_version": "0.13"}):
        dumped = StorageSchema().dump(GitHub(repo="o/r", path="f.py"))
    assert {"access_token_secret", "base_url"}.isdisjoint(dumped)
    assert {"repo", "path", "ref", "flows", "secrets"} <= set(dumped)


def test_an_unknown_class_error_names_prefects_modules():
    from prefect_compat.serialization import ValidationError
    from prefect_compat.serialization.run_config import RunConfigSchema
    from prefect_compat.serialization.storage import StorageSchema

    with pytest.raises(
        ValidationError, match=r"type: Unsupported value: 'Nope' \(looked in prefect\.run_configs\)"
    ):
        RunConfigSchema().load({"type": "Nope", "__version__": "1.4.1"})
    with pytest.raises(ValidationError, match=r"looked in prefect\.storage, prefect\.environments"):
        StorageSchema().load({"type": "Nope", "__version__": "1.4.1"})

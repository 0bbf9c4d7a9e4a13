"""`prefect.tasks.prefect`: importable, buildable, and a clear no-backend error when run."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import prefect_compat
from prefect_compat import Flow
from prefect_compat.engine.state import Failed, TriggerFailed
from prefect_compat.tasks.core.function import FunctionTask
from prefect_compat.tasks.prefect import (
    CancelFlowRun,
    CancelFlowRunTask,
    FlowRunTask,
    RenameFlowRun,
    RenameFlowRunTask,
    StartFlowRun,
    create_flow_run,
    get_task_run_result,
    wait_for_flow_run,
)


def test_function_tasks_have_prefects_names_and_signatures():
    for fn in (create_flow_run, wait_for_flow_run, get_task_run_result):
        assert isinstance(fn, FunctionTask)
    assert [create_flow_run.name, wait_for_flow_run.name, get_task_run_result.name] == [
        "create_flow_run",
        "wait_for_flow_run",
        "get_task_run_result",
    ]
    assert list(inspect.signature(create_flow_run.run).parameters) == [
        "flow_id",
        "flow_name",
        "project_name",
        "parameters",
        "context",
        "labels",
        "run_name",
        "run_config",
        "scheduled_start_time",
        "idempotency_key",
    ]
    assert list(inspect.signature(get_task_run_result.run).parameters) == [
        "flow_run_id",
        "task_slug",
        "map_index",
        "poll_time",
    ]


def test_running_the_child_flow_pattern_fails_with_the_no_backend_error():
    with Flow("parent") as flow:
        child_run = create_flow_run(flow_name="child", project_name="p", parameters={"x": 1})
        waited = wait_for_flow_run(child_run, raise_final_state=True)
    state = flow.run()
    created = state.result[child_run]
    assert isinstance(created, Failed)
    message = str(created.result)
    assert "create_flow_run for flow 'child' needs a Prefect Cloud/Server backend" in message
    assert "child_flow.run(parameters=" in message and "prefect-compat run" in message
    assert isinstance(state.result[waited], TriggerFailed)


def test_start_flow_run_names_itself_after_the_flow_and_fails_when_run():
    assert StartFlowRun().name == "StartFlowRun"
    start = StartFlowRun(flow_name="etl", project_name="p", wait=True)
    assert start.name == "Flow etl" and start.wait is True
    assert StartFlowRun(flow_name="etl", name="mine").name == "mine"
    with pytest.raises(RuntimeError, match="StartFlowRun 'Flow etl' for flow 'etl' needs a"):
        start.run()


@pytest.mark.parametrize(
    ("task", "args"),
    [
        (CancelFlowRun(), {"flow_run_id": "id"}),
        (RenameFlowRun(), {"flow_run_id": "i", "flow_run_name": "n"}),
    ],
)
def test_cancel_and_rename_fail_when_run(task, args):
    with pytest.raises(RuntimeError, match="needs a Prefect Cloud/Server backend"):
        task.run(**args)


@pytest.mark.parametrize(
    ("legacy", "current"),
    [
        (FlowRunTask, StartFlowRun),
        (CancelFlowRunTask, CancelFlowRun),
        (RenameFlowRunTask, RenameFlowRun),
    ],
)
def test_013_names_warn_and_subclass_the_new_ones(legacy, current):
    with pytest.warns(UserWarning, match=f"`{legacy.__name__}` has been renamed"):
        made = legacy()
    assert isinstance(made, current)


def test_reachable_as_attributes_and_through_the_alias(tmp_path):
    assert prefect_compat.tasks.prefect.StartFlowRun is StartFlowRun
    script = tmp_path / "s.py"
    script.write_text(
        "import prefect_compat\n"
        "prefect_compat.install_alias()\n"
        "from prefect.tasks.prefect import create_flow_run, StartFlowRun\n"
        "import prefect.tasks.prefect.flow_run as m\n"
        "print(m.create_flow_run is create_flow_run, StartFlowRun.__module__)\n"
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "prefect_compat.tasks.prefect.flow_run"]

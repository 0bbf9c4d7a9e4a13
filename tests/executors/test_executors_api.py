"""The executor interface and constructors, at both import paths (API_SURFACE §10, §1.2)."""

from __future__ import annotations

import logging
import os
import threading

import pytest
from distributed import LocalCluster

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.engine.executors import dask as old_dask_module
from prefect_compat.engine.executors import local as old_local_module
from prefect_compat.executors import DaskExecutor, Executor, LocalDaskExecutor, LocalExecutor
from prefect_compat.utilities.configuration import set_temporary_config


@task
def where():
    return os.getpid(), threading.current_thread().name


def where_flow():
    with Flow("where") as flow:
        w = where()
    return flow, w


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("threads", "threads"),
        ("threading", "threads"),
        ("processes", "processes"),
        ("multiprocessing", "processes"),
        ("sync", "synchronous"),
        ("synchronous", "synchronous"),
        ("single-threaded", "synchronous"),
    ],
)
def test_local_dask_scheduler_names_are_normalised(given, normalised):
    executor = LocalDaskExecutor(scheduler=given, num_workers=3)
    assert executor.scheduler == normalised
    assert executor.dask_config == {"num_workers": 3}
    assert repr(executor) == "<Executor: LocalDaskExecutor>"


def test_unknown_scheduler_is_a_value_error():
    with pytest.raises(ValueError, match="Unknown scheduler 'bad'"):
        LocalDaskExecutor(scheduler="bad")


def test_local_dask_submit_and_wait_resolve_nested_structures():
    executor = LocalDaskExecutor(num_workers=2)
    with executor.start():
        eight = executor.submit(lambda x: x * 2, 4)
        nine = executor.submit(lambda x: x + 1, eight)
        assert executor.wait({"a": eight, "b": [nine, (eight, 1)]}) == {"a": 8, "b": [9, (8, 1)]}
        assert executor.wait(nine) == 9


def test_dask_submit_and_wait_resolve_nested_structures(thread_cluster):
    executor = DaskExecutor(address=thread_cluster.scheduler_address)
    with executor.start():
        eight = executor.submit(lambda x: x * 2, 4)
        nine = executor.submit(lambda x: x + 1, eight)
        assert executor.wait({"a": eight, "b": [nine, (eight, 1)]}) == {"a": 8, "b": [9, (8, 1)]}
    assert executor.client is None


def test_dask_executor_defaults_follow_prefect():
    executor = DaskExecutor()
    assert executor.address is None
    assert executor.cluster_class is LocalCluster
    assert executor.cluster_kwargs == {"silence_logs": logging.CRITICAL}
    assert executor.adapt_kwargs == {}
    assert executor.client_kwargs == {"set_as_default": False}
    debugging = DaskExecutor(debug=True, cluster_kwargs={"n_workers": 1})
    assert debugging.cluster_kwargs == {"n_workers": 1, "silence_logs": logging.WARNING}


def test_dask_executor_takes_address_and_cluster_class_from_config():
    with set_temporary_config({"engine.executor.dask.address": "tcp://10.0.0.1:8786"}):
        executor = DaskExecutor()
    assert executor.address == "tcp://10.0.0.1:8786"
    assert executor.cluster_class is None and executor.cluster_kwargs is None
    with set_temporary_config({"engine.executor.dask.cluster_class": "distributed.SpecCluster"}):
        from distributed import SpecCluster

        assert DaskExecutor().cluster_class is SpecCluster


def test_address_and_cluster_class_together_is_a_value_error():
    with pytest.raises(ValueError, match="Cannot specify `address` and `cluster_class`"):
        DaskExecutor(address="tcp://127.0.0.1:1", cluster_class=LocalCluster)


def test_temporary_adaptive_cluster_runs_the_flow_and_is_closed(caplog):
    flow, w = where_flow()
    executor = DaskExecutor(
        cluster_kwargs={"processes": False, "n_workers": 1, "dashboard_address": ":0"},
        adapt_kwargs={"minimum": 1, "maximum": 1},
    )
    with caplog.at_level(logging.INFO, logger="prefect.DaskExecutor"):
        state = flow.run(executor=executor)
    assert state.is_successful()
    lines = [r.getMessage() for r in caplog.records if r.name == "prefect.DaskExecutor"]
    # Prefect 1.4.1's line for a temporary cluster; the dashboard line follows only when
    # the cluster serves a dashboard (it needs bokeh, which the dev extra leaves out)
    assert lines[0] == "Creating a new Dask cluster with `distributed.deploy.local.LocalCluster`..."
    assert all(line.startswith("The Dask dashboard is available at http") for line in lines[1:])
    pid, thread = state.result[w].result
    assert pid == os.getpid() and thread != threading.current_thread().name
    assert executor.client is None


def test_process_workers_run_tasks_in_other_processes(process_cluster):
    flow, w = where_flow()
    state = flow.run(executor=DaskExecutor(address=process_cluster.scheduler_address))
    assert state.result[w].result[0] != os.getpid()


def test_default_executor_comes_from_config():
    flow, w = where_flow()
    path = "prefect.executors.LocalDaskExecutor"
    with set_temporary_config({"engine.executor.default_class": path}):
        state = flow.run()
    assert state.result[w].result[1].startswith("prefect-compat-dask")
    assert flow.run().result[w].result[1] == threading.current_thread().name


def test_flow_executor_attribute_is_used():
    flow, w = where_flow()
    flow.executor = LocalDaskExecutor()
    assert flow.run().result[w].result[1].startswith("prefect-compat-dask")


def test_0_13_path_classes_warn_with_prefects_wording():
    from prefect_compat.engine import executors as old

    for name, args in [("LocalExecutor", ()), ("LocalDaskExecutor", ("sync",))]:
        message = (
            rf"prefect\.engine\.executors\.{name} has been moved to "
            rf"`prefect\.executors\.{name}`, please update your imports"
        )
        with pytest.warns(UserWarning, match=message):
            executor = getattr(old, name)(*args)
        assert isinstance(executor, getattr(prefect_compat.executors, name))
    assert old.Executor is Executor
    assert old_local_module.LocalExecutor is old.LocalExecutor
    assert old_dask_module.DaskExecutor is old.DaskExecutor


def test_0_13_dask_executor_forwards_extra_kwargs_like_0_13():
    from prefect_compat.engine.executors import DaskExecutor as OldDaskExecutor

    with pytest.warns(UserWarning) as caught:
        executor = OldDaskExecutor(n_workers=2, local_processes=False, timeout=5)
    messages = [str(w.message) for w in caught]
    assert any("moved to `prefect.executors.DaskExecutor`" in m for m in messages)
    assert any("`local_processes` is deprecated" in m for m in messages)
    assert any("handled by the `cluster_kwargs` parameter" in m for m in messages)
    assert executor.cluster_kwargs["n_workers"] == 2
    assert executor.cluster_kwargs["processes"] is False
    assert executor.client_kwargs == {"set_as_default": False, "timeout": 5}


def test_0_13_path_executor_runs_a_flow():
    from prefect_compat.engine.executors import LocalDaskExecutor as OldLocalDaskExecutor

    flow, w = where_flow()
    with pytest.warns(UserWarning, match="has been moved"):
        executor = OldLocalDaskExecutor()
    assert flow.run(executor=executor).result[w].result[1].startswith("prefect-compat-dask")


def test_local_executor_submit_runs_at_once():
    executor = LocalExecutor()
    assert executor.submit(lambda x: x * 2, 4) == 8
    assert executor.wait({"a": 8}) == {"a": 8}

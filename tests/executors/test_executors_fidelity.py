"""Executor details a user sees directly, checked against Prefect 1.4.1's behaviour:
loggers, scheduler names, Dask key names, client_kwargs, the performance report
property and the worker-status callback."""

from __future__ import annotations

import asyncio
import importlib.util
import logging

import pytest

from prefect_compat.executors import DaskExecutor, Executor, LocalDaskExecutor, LocalExecutor


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (Executor, "prefect.Executor"),
        (LocalExecutor, "prefect.LocalExecutor"),
        (LocalDaskExecutor, "prefect.LocalDaskExecutor"),
        (lambda: DaskExecutor("tcp://127.0.0.1:1"), "prefect.DaskExecutor"),
    ],
)
def test_every_executor_has_a_logger_named_after_its_class(make, name):
    executor = make()
    assert vars(executor)["logger"] is logging.getLogger(name)


@pytest.mark.parametrize(
    ("given", "normalised"),
    [("THREADS", "threads"), ("Processes", "processes"), ("Sync", "synchronous")],
)
def test_scheduler_names_are_case_insensitive(given, normalised):
    assert LocalDaskExecutor(given).scheduler == normalised


def test_unknown_scheduler_still_names_what_was_given():
    with pytest.raises(ValueError, match="Unknown scheduler 'Distributed'"):
        LocalDaskExecutor("Distributed")


def _inc(x: int) -> int:
    return x + 1


def test_dask_keys_use_the_task_name_or_dasks_own_function_key():
    executor = LocalDaskExecutor("sync")
    with executor.start():
        named = executor.submit(_inc, 1, extra_context={"task_name": "add-one"})
        plain = executor.submit(_inc, 1)
        other = executor.submit(_inc, 1, extra_context={"task_slug": "s"})
        assert executor.wait([named, plain, other]) == [2, 2, 2]
    prefix, suffix = named.key.rsplit("-", 1)
    assert prefix == "add-one" and len(suffix) == 32
    # no task name: Dask's `<function>-<uuid4>` key, as Prefect leaves it
    assert plain.key.startswith("_inc-") and len(plain.key) == len("_inc-") + 36
    assert other.key.startswith("_inc-")


def test_client_kwargs_keep_the_users_order_and_set_as_default():
    executor = DaskExecutor("tcp://127.0.0.1:1", client_kwargs={"timeout": 3})
    assert list(executor.client_kwargs.items()) == [("timeout", 3), ("set_as_default", False)]
    kept = DaskExecutor("tcp://127.0.0.1:1", client_kwargs={"set_as_default": True})
    assert kept.client_kwargs == {"set_as_default": True}


def test_dask_executor_keeps_prefects_attributes_only():
    executor = DaskExecutor("tcp://127.0.0.1:1", debug=True)
    public = {k for k in vars(executor) if not k.startswith("_")}
    assert public == {
        "adapt_kwargs",
        "address",
        "client",
        "client_kwargs",
        "cluster_class",
        "cluster_kwargs",
        "disable_cancellation_event",
        "logger",
        "performance_report_path",
        "watch_worker_status",
    }


def test_performance_report_without_a_path_is_empty_and_says_why(caplog):
    executor = DaskExecutor("tcp://127.0.0.1:1")
    with caplog.at_level(logging.WARNING, logger="prefect.DaskExecutor"):
        assert executor.performance_report == ""
    assert caplog.messages == ["Executor was not configured to generate performance report"]


def test_performance_report_needs_bokeh_and_says_so_at_construction(tmp_path, monkeypatch):
    real_find_spec = importlib.util.find_spec

    def without_bokeh(name, *args):
        return None if name == "bokeh" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_bokeh)
    with pytest.raises(ImportError, match=r"performance_report_path=.*needs the 'bokeh' package"):
        DaskExecutor("tcp://127.0.0.1:1", performance_report_path=str(tmp_path / "r.html"))
    assert DaskExecutor("tcp://127.0.0.1:1").performance_report_path is None


def test_performance_report_file_read_and_missing_file(tmp_path, caplog, monkeypatch):
    from prefect_compat.executors import dask as dask_module

    monkeypatch.setattr(dask_module, "_check_bokeh", lambda path: None)
    path = tmp_path / "report.html"
    executor = DaskExecutor("tcp://127.0.0.1:1", performance_report_path=str(path))
    with caplog.at_level(logging.ERROR, logger="prefect.DaskExecutor"):
        assert executor.performance_report == ""
    assert caplog.messages[0].startswith(
        "Failed to get dask performance report with exception [Errno 2] No such file"
    )
    path.write_text("<html>report</html>", encoding="utf-8")
    assert executor.performance_report == "<html>report</html>"


def test_on_worker_status_changed_logs_workers_at_debug(caplog):
    executor = DaskExecutor("tcp://127.0.0.1:1")
    with caplog.at_level(logging.DEBUG, logger="prefect.DaskExecutor"):
        asyncio.run(executor.on_worker_status_changed("add", {"workers": {"tcp://a:1": {}}}))
        asyncio.run(executor.on_worker_status_changed("remove", {"workers": ["tcp://a:1"]}))
        asyncio.run(executor.on_worker_status_changed("other", {}))
    assert caplog.messages == [
        "Worker tcp://a:1 added",
        "Worker {'workers': ['tcp://a:1']} removed",
    ]


def test_local_dask_executor_pickles_while_started_without_its_pool():
    import pickle

    executor = LocalDaskExecutor(num_workers=2)
    with executor.start():
        executor.wait(executor.submit(_inc, 1))
        copy = pickle.loads(pickle.dumps(executor))
    assert (copy.scheduler, copy.dask_config) == ("threads", {"num_workers": 2})
    with copy.start():
        assert copy.wait(copy.submit(_inc, 2)) == 3


def test_dask_executor_pickles_while_started_without_its_client(thread_cluster):
    import cloudpickle

    executor = DaskExecutor(address=thread_cluster.scheduler_address)
    with executor.start():
        assert executor.client is not None
        copy = cloudpickle.loads(cloudpickle.dumps(executor))
    assert copy.client is None and copy.address == thread_cluster.scheduler_address
    with copy.start():
        assert copy.wait(copy.submit(_inc, 2)) == 3

"""PrefectFuture and the task runners (sequential, threads, Dask on a real LocalCluster)."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
from collections.abc import Iterator

import dask
import pytest
from distributed import LocalCluster

from prefect_compat import flow, task
from prefect_compat.futures import PrefectFuture
from prefect_compat.states import State
from prefect_compat.task_runners import (
    ConcurrentTaskRunner,
    DaskTaskRunner,
    SequentialTaskRunner,
    TaskConcurrencyType,
)

pytestmark = pytest.mark.usefixtures("home")  # settings under tmp_path (conftest)


@pytest.fixture(scope="module")
def process_cluster() -> Iterator[LocalCluster]:
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        )
    try:
        yield cluster
    finally:
        cluster.close()


@task
def double(x):
    return x * 2


@task
def where():
    return os.getpid(), threading.current_thread().name


@task
def boom():
    raise ValueError("boom")


@task
def sleepy(seconds):
    time.sleep(seconds)
    return seconds


def test_future_surface():
    seen = {}

    @flow
    def host():
        future = double.submit(2)
        seen["repr"] = repr(future)
        with pytest.warns(UserWarning, match="was cast to a boolean"):
            assert bool(future)
        state = future.wait()
        seen["state"] = state
        seen["again"] = future.get_state()
        return future.result()

    assert host() == 4
    assert re.fullmatch(r"PrefectFuture\('double-[0-9a-f]{8}-0'\)", seen["repr"])
    assert isinstance(seen["state"], State) and seen["state"].is_completed()
    assert seen["again"] is seen["state"]


def test_future_of_a_failed_run():
    @flow
    def host():
        future = boom.submit()
        with pytest.raises(ValueError, match="boom"):
            future.result()
        return type(future.result(raise_on_failure=False))

    assert host() is ValueError


def test_future_timeouts():
    @flow
    def host():
        future = sleepy.submit(0.5)
        assert future.wait(timeout=0.01) is None
        with pytest.raises(TimeoutError, match="did not finish within 0.01 seconds"):
            future.result(timeout=0.01)
        assert future.get_state().is_running()
        return future.result(timeout=5)

    assert host() == 0.5


def test_sequential_runner_runs_submissions_at_once_in_the_flow_thread():
    @flow(task_runner=SequentialTaskRunner())
    def host():
        future = where.submit()
        assert future._state is not None  # finished before submit() returned
        return future.result()

    pid, thread = host()
    assert pid == os.getpid() and thread == threading.current_thread().name
    assert SequentialTaskRunner.concurrency_type is TaskConcurrencyType.SEQUENTIAL


def test_concurrent_runner_is_the_default_and_shuts_down_with_the_flow():
    @flow
    def host():
        return [f.result() for f in [sleepy.submit(0.2) for _ in range(4)]]

    before = threading.active_count()
    started = time.monotonic()
    assert host() == [0.2] * 4
    assert time.monotonic() - started < 0.7  # the four ran at the same time
    assert threading.active_count() <= before
    assert ConcurrentTaskRunner.concurrency_type is TaskConcurrencyType.CONCURRENT


def test_unawaited_submissions_finish_before_the_flow_does():
    done = []

    @task
    def slow_side_effect():
        time.sleep(0.1)
        done.append(1)

    @flow
    def host():
        slow_side_effect.submit()
        return "returned"

    assert host() == "returned" and done == [1]


def test_async_flow_futures_are_awaitable():
    @task
    async def async_double(x):
        await asyncio.sleep(0.01)
        return x * 2

    @flow
    async def host():
        async_future = await async_double.submit(1)
        waited = async_future.wait()
        sync_future = double.submit(2)  # a sync task's future stays sync (as in 2.6.9)
        return (
            asyncio.iscoroutine(waited) and (await waited).is_completed(),
            await async_future.result(),
            sync_future.result(),
            sync_future.wait().is_completed(),
        )

    assert asyncio.run(host()) == (True, 2, 4, True)


def test_async_tasks_submitted_on_the_sequential_runner():
    @task
    async def async_double(x):
        return x * 2

    @flow(task_runner=SequentialTaskRunner)
    async def host():
        future = await async_double.submit(3)
        return await future.result()

    assert asyncio.run(host()) == 6


def test_dask_runner_on_worker_processes(process_cluster):
    runner = DaskTaskRunner(address=process_cluster.scheduler_address)

    @flow(task_runner=runner)
    def host():
        futures = [double.submit(i) for i in range(4)]
        places = where.submit()
        failed = boom.submit()
        return [f.result() for f in futures], places.result(), failed.wait()

    values, (pid, _), failed = host()
    assert values == [0, 2, 4, 6]
    assert pid != os.getpid()
    assert failed.is_failed()
    assert failed.message == "Task run encountered an exception: ValueError: boom\n"
    with pytest.raises(ValueError, match="boom"):
        failed.result()


def test_dask_runner_with_a_temporary_cluster():
    runner = DaskTaskRunner(cluster_kwargs={"n_workers": 1, "processes": False})
    assert "temporary cluster" in repr(runner)

    @flow(task_runner=runner)
    def host():
        return double.submit(21).result()

    assert host() == 42
    assert DaskTaskRunner.concurrency_type is TaskConcurrencyType.PARALLEL


def test_dask_runner_refuses_address_with_cluster_options():
    with pytest.raises(ValueError, match="Cannot specify `address` and `cluster_class`"):
        DaskTaskRunner(address="tcp://127.0.0.1:1", cluster_kwargs={"n_workers": 1})


def test_prefect_future_is_exported():
    assert PrefectFuture.__module__ == "prefect_compat.futures"


@task(persist_result=True)
def persisted_on_worker(x):
    return {"x": x, "pid": os.getpid()}


def test_dask_workers_write_persisted_results(process_cluster, home):
    @flow(task_runner=DaskTaskRunner(address=process_cluster.scheduler_address))
    def host():
        return [f.wait() for f in [persisted_on_worker.submit(i) for i in range(3)]]

    states = host()
    assert all(s.is_completed() for s in states)
    values = [s.result() for s in states]
    assert [v["x"] for v in values] == [0, 1, 2]
    assert all(v["pid"] != os.getpid() for v in values)
    written = sorted(os.listdir(home / "storage"))
    assert written == sorted(s.data.storage_key for s in states)

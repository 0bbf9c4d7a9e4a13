"""Real Dask clusters for the executor tests, started once per session.

    thread_cluster    distributed.LocalCluster(processes=False): workers are threads here
    process_cluster   distributed.LocalCluster(processes=True, n_workers=2,
                      threads_per_worker=1): workers are other processes
    executor_kind     parametrized over every executor; `make_executor(kind)` builds one

`allowed-failures` is 0 on both clusters, so a task that kills its worker is
reported after one death instead of being retried on every worker in turn. Both are
closed at session end.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import dask
import pytest
from distributed import LocalCluster

from prefect_compat.executors import DaskExecutor, LocalDaskExecutor, LocalExecutor

EXECUTOR_KINDS = [
    "local",
    "local_dask_threads",
    "local_dask_processes",
    "dask_threads",
    "dask_processes",
]


def _cluster(**kwargs: Any) -> LocalCluster:
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        return LocalCluster(
            dashboard_address=":0", silence_logs=logging.CRITICAL, n_workers=2, **kwargs
        )


@pytest.fixture(scope="session")
def thread_cluster() -> Iterator[LocalCluster]:
    cluster = _cluster(processes=False, threads_per_worker=2)
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="session")
def process_cluster() -> Iterator[LocalCluster]:
    cluster = _cluster(processes=True, threads_per_worker=1)
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def make_executor(request: pytest.FixtureRequest) -> Any:
    """`make_executor(kind)` -> a fresh executor of that kind (clusters started lazily)."""

    def make(kind: str) -> Any:
        if kind == "local":
            return LocalExecutor()
        if kind == "local_dask_threads":
            return LocalDaskExecutor(scheduler="threads", num_workers=4)
        if kind == "local_dask_processes":
            return LocalDaskExecutor(scheduler="processes", num_workers=2)
        if kind == "dask_threads":
            cluster = request.getfixturevalue("thread_cluster")
            return DaskExecutor(address=cluster.scheduler_address)
        if kind == "dask_processes":
            cluster = request.getfixturevalue("process_cluster")
            return DaskExecutor(address=cluster.scheduler_address)
        raise ValueError(kind)

    return make


@pytest.fixture(params=EXECUTOR_KINDS)
def executor_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)

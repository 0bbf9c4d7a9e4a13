"""Bad input and broken workers on real Dask executors: bounded, named, contained.

* an unreachable scheduler address fails the flow within the connect timeout,
  naming the address;
* a task that kills its worker process ends Failed by name, the rest of the flow
  finishes, and no checkpoint is left half-written;
* a result that cannot be pickled to leave a worker process fails that task,
  naming the task and the type;
* log records emitted in worker processes reach the client's handlers, once.
"""

from __future__ import annotations

import os
import pickle
import socket
import threading
import time

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.engine.results import LocalResult
from prefect_compat.engine.state import Failed, Success, TriggerFailed
from prefect_compat.executors import DaskExecutor
from prefect_compat.utilities.configuration import set_temporary_config


def unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@task
def one():
    return 1


def test_unreachable_address_fails_the_flow_in_bounded_time_naming_it():
    address = f"tcp://127.0.0.1:{unused_port()}"
    with Flow("unreachable") as flow:
        one()

    started = time.monotonic()
    state = flow.run(executor=DaskExecutor(address=address, client_kwargs={"timeout": 2}))
    elapsed = time.monotonic() - started

    assert type(state) is Failed
    assert address in state.message
    assert "could not connect to the Dask scheduler" in state.message
    assert isinstance(state.result, ConnectionError)
    assert elapsed < 20  # the 2 s connect timeout, plus generous slack: never a hang


def test_a_task_that_kills_its_worker_fails_alone(process_cluster, tmp_path):
    @task(result=LocalResult(dir=str(tmp_path), location="work/{map_index}.pkl"))
    def work(x):
        if x == 7:
            os._exit(1)
        return x * 10

    @task
    def after(x):
        return x + 1

    @task
    def suicide():
        os._exit(1)

    @task
    def downstream(x):
        return x

    with Flow("killer") as flow:
        worked = work.map(list(range(20)))
        followed = after.map(worked)
        died = suicide()
        down = downstream(died)
        fine = one()

    executor = DaskExecutor(address=process_cluster.scheduler_address)
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run(executor=executor)

    children = state.result[worked].map_states
    killed = children[7]
    assert type(killed) is Failed
    assert killed.message.startswith("Task 'work[7]': its worker process died while running it")
    assert [type(c) for i, c in enumerate(children) if i != 7] == [Success] * 19
    assert [c.result for c in state.result[followed].map_states if c.is_successful()] == [
        i * 10 + 1 for i in range(20) if i != 7
    ]
    assert type(state.result[followed].map_states[7]) is TriggerFailed
    assert type(state.result[died]) is Failed
    assert "Task 'suicide'" in state.result[died].message
    assert type(state.result[down]) is TriggerFailed
    assert state.result[fine].result == 1
    files = sorted(p.name for p in (tmp_path / "work").iterdir())
    assert files == sorted(f"{i}.pkl" for i in range(20) if i != 7)  # no temp or partial file
    for i in range(20):
        if i != 7:
            assert pickle.loads((tmp_path / "work" / f"{i}.pkl").read_bytes()) == i * 10


@pytest.mark.parametrize("kind", ["local_dask_processes", "dask_processes"])
def test_a_result_that_cannot_leave_the_worker_fails_naming_task_and_type(kind, make_executor):
    @task
    def locked():
        return threading.Lock()

    @task
    def maybe_locked(x):
        return threading.Lock() if x == 5 else x

    @task
    def after(x):
        return x

    with Flow("unpicklable") as flow:
        lock = locked()
        mapped = maybe_locked.map(list(range(20)))
        after.map(mapped)
        fine = one()

    state = flow.run(executor=make_executor(kind))

    failed = state.result[lock]
    assert type(failed) is Failed
    assert failed.message.startswith(
        "Task 'locked': its result of type _thread.lock cannot be pickled to leave the "
        "worker process"
    )
    children = state.result[mapped].map_states
    assert type(children[5]) is Failed
    assert "Task 'maybe_locked[5]'" in children[5].message
    assert [c.result for i, c in enumerate(children) if i != 5] == [i for i in range(20) if i != 5]
    assert state.result[fine].result == 1


@pytest.mark.parametrize("kind", ["local_dask_processes", "dask_processes"])
def test_worker_process_logs_reach_the_client_once(kind, make_executor, caplog):
    @task
    def chatty(x):
        prefect_compat.context.logger.info("hello from child %s", x)
        return os.getpid()

    with Flow("logs") as flow:
        pids = chatty.map(list(range(12)))

    with caplog.at_level("INFO", logger="prefect"):
        state = flow.run(executor=make_executor(kind))

    assert state.is_successful()
    worker_pids = set(state.result[pids].result)
    assert os.getpid() not in worker_pids
    for x in range(12):
        found = [r for r in caplog.records if r.getMessage() == f"hello from child {x}"]
        assert len(found) == 1, (x, found)
        assert found[0].name == "prefect.chatty"
        assert found[0].process in worker_pids


def test_local_dask_process_death_fails_the_flow_with_a_clear_message():
    """A process pool cannot survive a dead worker: the run stops, named, without hanging."""
    from prefect_compat.executors import LocalDaskExecutor

    @task
    def suicide():
        os._exit(1)

    with Flow("pool-killer") as flow:
        suicide()

    state = flow.run(executor=LocalDaskExecutor(scheduler="processes", num_workers=1))

    assert type(state) is Failed
    assert "LocalDaskExecutor: a worker process died while running tasks" in state.message
    assert "DaskExecutor" in state.message

"""The executor contract as a third party meets it: `submit` and `wait` are enough.

A custom executor is checked when a run is asked for: one missing `submit` or `wait`,
or a class passed instead of an instance, is a TypeError naming the fix before any
task runs.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from prefect_compat import Flow, task, unmapped
from prefect_compat.engine.flow_runner import FlowRunner
from prefect_compat.executors import Executor

RAN: list[str] = []


@task
def numbers():
    RAN.append("numbers")
    return [1, 2, 3]


@task
def add(x, y):
    return x + y


@task
def total(values):
    return sum(values)


@task
def where():
    return threading.current_thread().name


def mapped_flow():
    with Flow("contract") as flow:
        added = add.map(numbers(), unmapped(10))
        summed = total(added)
        here = where()
    return flow, added, summed, here


def resolve(value):
    """`value` with every Future in it (through dicts, lists, tuples) replaced by its result."""
    if isinstance(value, Future):
        return value.result()
    if type(value) is dict:
        return {k: resolve(v) for k, v in value.items()}
    if type(value) is list:
        return [resolve(v) for v in value]
    if type(value) is tuple:
        return tuple(resolve(v) for v in value)
    return value


class PoolExecutor(Executor):
    """A third-party executor: a thread pool, nothing but start/submit/wait."""

    def __init__(self) -> None:
        super().__init__()
        self.pool: ThreadPoolExecutor | None = None
        self.submitted = 0

    @contextmanager
    def start(self):
        with ThreadPoolExecutor(2, thread_name_prefix="pool") as pool:
            self.pool = pool
            yield

    def submit(self, fn, *args, extra_context=None, **kwargs):
        self.submitted += 1
        assert self.pool is not None
        return self.pool.submit(lambda: fn(*resolve(args), **resolve(kwargs)))

    def wait(self, futures):
        return resolve(futures)


class DuckExecutor:
    """Not an Executor subclass: runs each call at once, as a local executor would."""

    def __init__(self) -> None:
        self.calls = 0

    def submit(self, fn, *args, extra_context=None, **kwargs):
        self.calls += 1
        return fn(*args, **kwargs)

    def wait(self, futures):
        return futures


def test_a_subclass_implementing_only_submit_and_wait_runs_a_mapped_flow():
    flow, added, summed, here = mapped_flow()
    executor = PoolExecutor()
    state = flow.run(executor=executor)
    assert state.is_successful()
    assert state.result[added].result == [11, 12, 13]
    assert state.result[summed].result == 36
    assert state.result[here].result.startswith("pool")  # ran on the executor's threads
    assert executor.submitted >= 6


def test_the_same_executor_works_through_a_flow_runner():
    flow, added, summed, _ = mapped_flow()
    state = FlowRunner(flow).run(executor=PoolExecutor(), return_tasks=[summed])
    assert state.result[summed].result == 36


def test_an_executor_that_does_not_subclass_executor_works_too():
    flow, added, summed, here = mapped_flow()
    executor = DuckExecutor()
    state = flow.run(executor=executor)
    assert state.is_successful() and state.result[summed].result == 36
    assert executor.calls >= 6


class OnlySubmit(Executor):
    def submit(self, fn, *args, extra_context=None, **kwargs):
        return fn(*args, **kwargs)


class OnlyWait(Executor):
    def wait(self, futures):
        return futures


class DuckWithoutWait:
    def submit(self, fn, *args, **kwargs):
        return fn(*args, **kwargs)


@pytest.mark.parametrize(
    ("executor", "missing"),
    [
        (OnlySubmit(), r"does not implement wait\(\)"),
        (OnlyWait(), r"does not implement submit\(\)"),
        (Executor(), r"does not implement submit\(\) or wait\(\)"),
        (DuckWithoutWait(), r"does not implement wait\(\)"),
    ],
)
def test_an_executor_missing_submit_or_wait_is_refused_before_any_task_runs(executor, missing):
    flow, *_ = mapped_flow()
    RAN.clear()
    with pytest.raises(TypeError, match=missing):
        flow.run(executor=executor)
    with pytest.raises(TypeError, match=missing):
        FlowRunner(flow).run(executor=executor)
    assert RAN == []


def test_an_executor_class_instead_of_an_instance_is_refused():
    flow, *_ = mapped_flow()
    RAN.clear()
    with pytest.raises(TypeError, match=r"executor=PoolExecutor is a class; pass an instance"):
        flow.run(executor=PoolExecutor)
    assert RAN == []

"""Where the engine calls a TaskRunner subclass's overrides: all of them, in Prefect's
order (probe p10), for plain, targeted and mapped tasks, on Dask worker threads too;
delegating to super() keeps the stock outcome and state handler calls.
"""

from __future__ import annotations

import threading

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.engine.flow_runner import FlowRunner
from prefect_compat.engine.state import (
    Cached,
    Running,
    Success,
)
from prefect_compat.engine.task_runner import TaskRunner
from prefect_compat.executors import LocalDaskExecutor
from prefect_compat.utilities.configuration import set_temporary_config
from tests.fixtures.runners import add, numbers, run_with, simple_flow

# Prefect's TaskRunner.run order (probe p10); the mapped parent stops after ready-to-map.
TASK_ORDER = [
    "initialize_run",
    "check_task_is_ready",
    "check_task_reached_start_time",
    "check_upstream_finished",
    "check_upstream_skipped",
    "load_results",
    "get_task_inputs",
    "set_task_run_name",
    "check_task_is_cached",
    "check_task_trigger",
    "set_task_to_running",
    "get_task_run_state",
    "cache_result",
    "check_for_retry",
    "check_task_is_looping",
]
PARENT_ORDER = [*TASK_ORDER[:7], "check_task_ready_to_map"]


class Tracing(TaskRunner):
    """Overrides every pipeline hook, records (task label, hook), and delegates."""

    trace: list = []

    def _note(self, name, context=None):
        context = prefect_compat.context if context is None else context
        self.trace.append((context.get("task_full_name") or self.task.name, name))

    def initialize_run(self, state, context):
        self._note("initialize_run", context)  # the run's context is entered after this
        return super().initialize_run(state, context)

    def check_task_is_ready(self, state):
        self._note("check_task_is_ready")
        return super().check_task_is_ready(state)

    def check_task_reached_start_time(self, state):
        self._note("check_task_reached_start_time")
        return super().check_task_reached_start_time(state)

    def check_upstream_finished(self, state, upstream_states):
        self._note("check_upstream_finished")
        return super().check_upstream_finished(state, upstream_states)

    def check_upstream_skipped(self, state, upstream_states):
        self._note("check_upstream_skipped")
        return super().check_upstream_skipped(state, upstream_states)

    def load_results(self, state, upstream_states):
        self._note("load_results")
        return super().load_results(state, upstream_states)

    def get_task_inputs(self, state, upstream_states):
        self._note("get_task_inputs")
        return super().get_task_inputs(state, upstream_states)

    def check_task_ready_to_map(self, state, upstream_states):
        self._note("check_task_ready_to_map")
        return super().check_task_ready_to_map(state, upstream_states)

    def set_task_run_name(self, task_inputs):
        self._note("set_task_run_name")
        return super().set_task_run_name(task_inputs)

    def check_target(self, state, inputs):
        self._note("check_target")
        return super().check_target(state, inputs)

    def check_task_is_cached(self, state, inputs):
        self._note("check_task_is_cached")
        return super().check_task_is_cached(state, inputs)

    def check_task_trigger(self, state, upstream_states):
        self._note("check_task_trigger")
        return super().check_task_trigger(state, upstream_states)

    def set_task_to_running(self, state, inputs):
        self._note("set_task_to_running")
        return super().set_task_to_running(state, inputs)

    def get_task_run_state(self, state, inputs):
        self._note("get_task_run_state")
        return super().get_task_run_state(state, inputs)

    def cache_result(self, state, inputs):
        self._note("cache_result")
        return super().cache_result(state, inputs)

    def check_for_retry(self, state, inputs):
        self._note("check_for_retry")
        return super().check_for_retry(state, inputs)

    def check_task_is_looping(self, state, inputs=None, upstream_states=None, context=None):
        self._note("check_task_is_looping")
        return super().check_task_is_looping(state, inputs, upstream_states, context)


@pytest.fixture
def tracing():
    Tracing.trace = []
    return Tracing


def hooks_of(trace, label):
    return [name for who, name in trace if who == label]


def test_every_overridden_hook_runs_in_prefects_order_and_super_keeps_the_outcome(tracing):
    flow, o, r = simple_flow()
    handler_calls = []
    state, states = run_with(
        tracing, flow, [o, r], task_runner_state_handlers=[lambda *a: handler_calls.append(a)]
    )
    assert state.is_successful() and states[r].result == 11
    assert hooks_of(tracing.trace, "one") == TASK_ORDER
    assert hooks_of(tracing.trace, "add") == TASK_ORDER
    # delegating to super() keeps the decorated steps' handler calls: 2 per task
    assert [type(new) for _, _, new in handler_calls] == [Running, Success] * 2


def test_a_task_with_a_target_gets_check_target_instead_of_the_cache_check(tracing, tmp_path):
    from prefect_compat.engine.results import LocalResult

    @task(target="out.txt", result=LocalResult(dir=str(tmp_path)))
    def targeted():
        return 5

    flow = Flow("T", tasks=[targeted])
    with set_temporary_config({"flows.checkpointing": True}):
        _, states = run_with(tracing, flow, [targeted])
        assert states[targeted].result == 5
        _, again = run_with(tracing, flow, [targeted])
    expected = [n if n != "check_task_is_cached" else "check_target" for n in TASK_ORDER]
    assert hooks_of(tracing.trace, "targeted")[: len(expected)] == expected
    assert type(again[targeted]) is Cached
    assert again[targeted].message.startswith("Result found at task target")


def test_mapped_hooks_run_for_the_parent_then_once_per_child(tracing):
    with Flow("M") as flow:
        mapped = add.map(numbers())
    _, states = run_with(tracing, flow, [mapped])
    assert states[mapped].result == [11, 12, 13]
    assert hooks_of(tracing.trace, "add") == PARENT_ORDER
    for index in range(3):
        assert hooks_of(tracing.trace, f"add[{index}]") == TASK_ORDER


def test_overrides_are_called_on_dask_worker_threads(tracing):
    seen_threads = set()

    class Threaded(TaskRunner):
        def get_task_run_state(self, state, inputs):
            seen_threads.add(threading.current_thread().name)
            return super().get_task_run_state(state, inputs)

    with Flow("D") as flow:
        mapped = add.map(numbers())
    with set_temporary_config({"engine.task_runner.default_class": Threaded}):
        state = flow.run(executor=LocalDaskExecutor(scheduler="threads"))
    assert state.is_successful() and state.result[mapped].result == [11, 12, 13]
    assert seen_threads and threading.main_thread().name not in seen_threads


def test_stock_runs_make_no_task_runner_objects_and_an_override_one_per_task(monkeypatch):
    made = []
    original = TaskRunner.__init__

    def counting(self, task, state_handlers=None, flow_result=None):
        made.append(task.name)
        original(self, task, state_handlers=state_handlers, flow_result=flow_result)

    monkeypatch.setattr(TaskRunner, "__init__", counting)
    flow, o, r = simple_flow()
    assert flow.run().is_successful()
    assert FlowRunner(flow).run(return_tasks=[r]).result[r].result == 11
    assert made == []  # the stock pipeline runs on plans alone

    class OneHook(TaskRunner):
        def check_task_trigger(self, state, upstream_states):
            return state

    runner = FlowRunner(flow, task_runner_cls=OneHook)
    runner.run()
    runner.run()
    assert sorted(made) == ["add", "one"]  # built with the plans, reused by the next run

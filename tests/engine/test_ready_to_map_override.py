"""A `check_task_ready_to_map` override that returns a state which is not Mapped.

Prefect 1.4.1 (probed): the mapped task then runs once, unmapped, with the whole
upstream values as its inputs, through the rest of an ordinary task run (Pending ->
Running -> Success handlers, the runner lines); a returned finished state ends the
run as it is. Prefect's FlowRunner then trips over the missing `map_states`; we keep
the state as the task's result (docs/compat-notes.md).
"""

from __future__ import annotations

import pytest

from prefect_compat import Flow, task
from prefect_compat.engine.state import Failed, Mapped, Pending, Success
from prefect_compat.engine.task_runner import TaskRunner
from prefect_compat.executors import LocalDaskExecutor
from tests.fixtures.runners import add, numbers, run_with

CALLS: list = []


def _runner(answer, counted=None):
    class Unmapping(TaskRunner):
        def check_task_ready_to_map(self, state, upstream_states):
            return answer(state)

        if counted is not None:

            def get_task_inputs(self, state, upstream_states):
                counted.append(self.task.name)
                return super().get_task_inputs(state, upstream_states)

    return Unmapping


def _flow():
    transitions: list = []

    @task
    def numbers():
        return [1, 2, 3]

    def note(task_, old, new):
        transitions.append((type(old).__name__, type(new).__name__))

    @task(state_handlers=[note])
    def size(x):
        CALLS.append(x)
        return len(x)

    @task
    def double(n):
        return 2 * n

    with Flow("unmapped") as flow:
        sized = size.map(numbers())
        doubled = double(sized)
    return flow, sized, doubled, transitions


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()


@pytest.mark.parametrize("answer", [lambda state: state, lambda state: Pending("again")])
def test_a_pending_answer_runs_the_task_once_on_the_whole_values(answer):
    flow, sized, doubled, transitions = _flow()
    state, states = run_with(_runner(answer), flow, [sized, doubled])
    assert CALLS == [[1, 2, 3]]
    assert type(states[sized]) is Success and states[sized].result == 3
    assert not isinstance(states[sized], Mapped)
    assert transitions == [("Pending", "Running"), ("Running", "Success")]
    assert states[doubled].result == 6
    assert state.is_successful()


def test_a_finished_answer_ends_the_parent_with_it_and_calls_nothing():
    flow, sized, doubled, transitions = _flow()
    custom = Success("chosen", result=7)
    _, states = run_with(_runner(lambda state: custom), flow, [sized, doubled])
    assert CALLS == [] and transitions == []
    assert states[sized] is custom
    assert states[doubled].result == 14


def test_a_task_error_on_the_whole_values_fails_the_task_by_name():
    with Flow("unmapped") as flow:
        out = add.map(numbers())  # [1, 2, 3] + 10
    _, states = run_with(_runner(lambda state: state), flow, [out])
    assert type(states[out]) is Failed
    assert isinstance(states[out].result, TypeError)
    assert "(task 'add')" in states[out].message


def test_an_overridden_get_task_inputs_runs_once_for_the_parent():
    flow, sized, _, _ = _flow()
    counted: list = []
    run_with(_runner(lambda state: state, counted), flow, [sized])
    assert counted.count("size") == 1
    assert CALLS == [[1, 2, 3]]


def test_the_unmapped_run_lines_name_the_task(caplog):
    flow, sized, _, _ = _flow()
    with caplog.at_level("INFO", logger="prefect"):
        run_with(_runner(lambda state: state), flow, [sized])
    lines = [r.getMessage() for r in caplog.records if "'size'" in r.getMessage()]
    assert lines == [
        "Task 'size': Starting task run...",
        "Task 'size': Finished task run for task with final state: 'Success'",
    ]


def test_the_same_on_dask_worker_threads():
    flow, sized, doubled, _ = _flow()
    executor = LocalDaskExecutor(scheduler="threads")
    _, states = run_with(_runner(lambda state: state), flow, [sized, doubled], executor=executor)
    assert CALLS == [[1, 2, 3]]
    assert states[sized].result == 3 and states[doubled].result == 6

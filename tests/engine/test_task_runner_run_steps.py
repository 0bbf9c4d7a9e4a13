"""TaskRunner's steps from running the task on, called one by one with Prefect's
arguments: set_task_to_running, get_task_run_state, cache_result, check_for_retry and
check_task_is_looping. Observed on Prefect 1.4.1 and 0.13.19 (the runner probes);
differences we keep on purpose are marked.
"""

from __future__ import annotations

import datetime

import pytest

import prefect_compat
from prefect_compat import Task
from prefect_compat.engine import signals
from prefect_compat.engine.result import Result
from prefect_compat.engine.results import LocalResult
from prefect_compat.engine.state import (
    Cached,
    Failed,
    Looped,
    Mapped,
    Paused,
    Pending,
    Resume,
    Retrying,
    Running,
    Scheduled,
    Skipped,
    Success,
    TimedOut,
    TriggerFailed,
)
from prefect_compat.engine.task_runner import TaskRunner
from tests.fixtures.runners import ended, runner_for

FIVE_MINUTES = datetime.timedelta(minutes=5)


# -- running the task --------------------------------------------------------------------------


@pytest.mark.parametrize("state", [Pending(), Scheduled(), Retrying(), Resume(), Paused()])
def test_set_task_to_running_starts_a_pending_state(state):
    runner, recorder = runner_for()
    running = runner.set_task_to_running(state, {})
    assert type(running) is Running and running.message == "Starting task run."
    assert recorder.calls == [(state, running)]


@pytest.mark.parametrize("state", [Cached(result=Result(1)), Running(), Mapped(), Success()])
def test_set_task_to_running_ends_with_anything_else_itself(state):
    runner, recorder = runner_for()
    assert ended(runner.set_task_to_running, state, {}) is state
    assert recorder.calls == []


class Adds(Task):
    def run(self, x=0, y=0):
        if x == "boom":
            raise ValueError("boom")
        if isinstance(x, BaseException):
            raise x
        return 42 if x == 0 else x + y


def test_get_task_run_state_runs_the_task_with_the_input_values():
    runner, recorder = runner_for(Adds())
    running = Running()
    done = runner.get_task_run_state(running, {"x": Result(40), "y": Result(2)})
    assert type(done) is Success and done.message == "Task run succeeded."
    assert done.result == 42 and type(done._result) is Result
    assert recorder.calls == [(running, done)]
    pending = Pending()
    assert ended(runner.get_task_run_state, pending, {}) is pending


def test_get_task_run_state_error_is_failed_naming_the_task():
    failed = TaskRunner(Adds(name="adds")).get_task_run_state(Running(), {"x": Result("boom")})
    assert type(failed) is Failed and isinstance(failed.result, ValueError)
    # Prefect 1.x's text, then the task's name (compat-notes.md: "Error messages name the task")
    assert failed.message == "Error during execution of task: ValueError('boom') (task 'adds')"
    with prefect_compat.context(raise_on_exception=True), pytest.raises(ValueError):
        TaskRunner(Adds()).get_task_run_state(Running(), {"x": Result("boom")})


@pytest.mark.parametrize(
    ("signal", "expected", "message"),
    [
        (signals.FAIL("fail msg"), Failed, "fail msg"),
        (signals.SKIP("skip msg"), Skipped, "skip msg"),
        (signals.RETRY("retry msg"), Retrying, "retry msg"),
        (signals.PAUSE("pause msg"), Paused, "pause msg"),
        (signals.SUCCESS("succ msg", result=5), Success, "succ msg"),
        (signals.LOOP(result=3), Looped, "Task is looping (1)"),
        (signals.LOOP("loop msg", result=3), Looped, "loop msg"),
    ],
)
def test_get_task_run_state_turns_a_signal_into_its_state(signal, expected, message):
    state = TaskRunner(Adds()).get_task_run_state(Running(), {"x": Result(signal)})
    assert type(state) is expected and state.message == message
    if expected is Looped:
        assert state.result == 3 and state.loop_count == 1
    elif expected is Success:
        assert state.result == 5
    else:
        assert state.result is signal


def test_get_task_run_state_checkpoints_through_the_tasks_result(tmp_path):
    task_ = Adds(result=LocalResult(dir=str(tmp_path), location="ck.txt"))
    with prefect_compat.context(checkpointing=True):
        done = TaskRunner(task_).get_task_run_state(Running(), {})
    assert done.result == 42 and (tmp_path / "ck.txt").exists()
    with prefect_compat.context(checkpointing=False):
        kept = TaskRunner(task_).get_task_run_state(Running(), {})
    assert type(kept._result) is LocalResult and kept._result.location is None


# -- after the run: cache, retry, loop ---------------------------------------------------------


def test_cache_result_turns_a_success_into_cached():
    runner, recorder = runner_for(Task(cache_for=FIVE_MINUTES))
    result = Result(42)
    done = Success("done", result=result)
    with prefect_compat.context(parameters={"p": 1}):
        cached = runner.cache_result(done, {"x": Result(1)})
    assert type(cached) is Cached and cached.message == "done" and cached._result is result
    assert cached.cached_parameters == {"p": 1}
    expires = cached.cached_result_expiration - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(minutes=4) < expires <= FIVE_MINUTES
    assert recorder.calls == [(done, cached)]
    for state in (Cached(result=Result(1)), Mapped(map_states=[Success(result=1)])):
        assert (
            type(runner.cache_result(state, {})) is Cached
            and runner.cache_result(state, {}) is not state
        )


def test_cache_result_leaves_skipped_failed_and_uncached_tasks_alone():
    runner, _ = runner_for(Task(cache_for=FIVE_MINUTES))
    for state in (Skipped(), Failed()):
        assert runner.cache_result(state, {}) is state
    success = Success(result=42)
    assert TaskRunner(Task()).cache_result(success, {}) is success


RETRIES = {"max_retries": 2, "retry_delay": datetime.timedelta(seconds=10)}


@pytest.mark.parametrize("failed", [Failed("f"), TriggerFailed("tf"), TimedOut("to")])
def test_check_for_retry_retries_a_failure_while_attempts_remain(failed):
    runner, recorder = runner_for(Task(**RETRIES))
    with prefect_compat.context(task_run_count=2):
        retrying = runner.check_for_retry(failed, {})
    assert type(retrying) is Retrying
    assert retrying.message == "Retrying Task (after attempt 2 of 3)"
    assert retrying.run_count == 2
    wait = retrying.start_time - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(seconds=9) < wait <= datetime.timedelta(seconds=10)
    assert recorder.calls == [(failed, retrying)]
    # Retrying keeps the failure's result (Prefect 1.x leaves it empty; compat-notes.md)
    assert retrying._result is failed._result


def test_check_for_retry_gives_up_after_the_last_attempt():
    runner, recorder = runner_for(Task(**RETRIES))
    failed = Failed("f")
    with prefect_compat.context(task_run_count=3):
        assert runner.check_for_retry(failed, {}) is failed
    success = Success()
    assert runner.check_for_retry(success, {}) is success
    assert TaskRunner(Task()).check_for_retry(failed, {}) is failed
    assert recorder.calls == []
    default_count = runner.check_for_retry(failed, {})
    assert default_count.message == "Retrying Task (after attempt 1 of 3)"


def test_check_for_retry_honours_retry_on(caplog):
    runner = TaskRunner(Task(name="r", retry_on=[ValueError], **RETRIES))
    for result in (TypeError("t"), 5, signals.FAIL("x")):
        failed = Failed("f", result=result)
        assert runner.check_for_retry(failed, {}) is failed
    assert (
        "Task 'r': Skipping retry. Exception of type 'TypeError' is not an instance of the retry "
        "on exception types." in caplog.text
    )
    for result in (KeyError("k"), None):
        with_subclass = Task(name="r", retry_on=[LookupError], **RETRIES)
        assert (
            type(TaskRunner(with_subclass).check_for_retry(Failed(result=result), {})) is Retrying
        )


def test_check_for_retry_records_the_loop_position():
    runner = TaskRunner(Task(**RETRIES))
    with prefect_compat.context(task_loop_count=4, task_loop_result="LR"):
        retrying = runner.check_for_retry(Failed("f"), {})
    assert retrying.context["_loop_count"] == 4
    # the loop result travels in the state context here (Prefect puts it in the result)
    assert TaskRunner(Task()).initialize_run(retrying, {}).context["task_loop_result"] == "LR"


class LoopsTo(Task):
    def run(self):
        return (
            prefect_compat.context.get("task_loop_count"),
            prefect_compat.context.get("task_loop_result"),
        )


def test_check_task_is_looping_leaves_other_states_alone():
    state = Success()
    assert TaskRunner(Task()).check_task_is_looping(state, {}, {}, {}) is state


def test_check_task_is_looping_runs_the_next_iteration_with_the_loop_keys():
    context = {"foo": 1}
    looped = Looped(result=Result("LR"), loop_count=2)
    # Prefect raises an internal RecursiveCall here for its trampoline; ours runs the
    # next iteration and returns its final state.
    done = TaskRunner(LoopsTo()).check_task_is_looping(looped, {}, {}, context)
    assert context["task_loop_count"] == 3 and context["task_loop_result"] == "LR"
    assert type(done) is Success and done.result == (3, "LR")

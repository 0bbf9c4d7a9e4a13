"""The runner's log lines, as Prefect 1.4.1 (default) and 0.13.19 write them.

Every expected line here was read off a run of the same flow on the real releases
(probe scripts in the session's scratch area): logger name, level and text.
"""

from __future__ import annotations

import datetime
import logging
import time
import warnings

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.engine import signals
from prefect_compat.utilities.configuration import set_temporary_config


def _lines(caplog) -> list[tuple[str, str, str]]:
    return [(r.levelname, r.name, r.getMessage()) for r in caplog.records]


@task
def skipper():
    raise signals.SKIP("skip me")


@task
def failer():
    raise signals.FAIL("fail me")


@task
def boom():
    raise ValueError("boom")


@task
def succeeds():
    raise signals.SUCCESS("ok!", result=3)


@task
def nums():
    return [1, 2]


@task
def inc(x):
    return x + 1


def _run(flow, caplog):
    with caplog.at_level(logging.INFO, logger="prefect"):
        state = flow.run()
    return state, _lines(caplog)


def test_signals_exceptions_and_mapped_parents_are_logged_on_the_task_runner(caplog):
    with Flow("lines") as flow:
        skipper()
        failer()
        boom()
        succeeds()
        inc.map(nums())
    _, lines = _run(flow, caplog)
    runner = [(level, msg) for level, name, msg in lines if name == "prefect.TaskRunner"]
    assert ("INFO", "SKIP signal raised: SKIP('skip me')") in runner
    assert ("INFO", "FAIL signal raised: FAIL('fail me')") in runner
    assert ("ERROR", "Task 'boom': Exception encountered during task execution!") in runner
    assert not any("SUCCESS signal raised" in msg for _, msg in runner)  # 1.x: none
    parent = [msg for _, msg in runner if msg.startswith("Task 'inc':")]
    assert parent == [
        "Task 'inc': Starting task run...",
        "Task 'inc': Finished task run for task with final state: 'Mapped'",
    ]
    # the signal line sits between its task's Starting and Finished lines
    starting = runner.index(("INFO", "Task 'skipper': Starting task run..."))
    assert runner[starting + 1] == ("INFO", "SKIP signal raised: SKIP('skip me')")


def test_constant_tasks_get_their_value_without_log_lines(caplog):
    with Flow("constants") as flow:
        mapped = inc.map([-1, 0, 1])
    state, lines = _run(flow, caplog)
    assert state.result[mapped].result == [0, 1, 2]
    assert not any("Constant" in msg for _, _, msg in lines)


def test_the_cache_warning_comes_from_the_task_runner_when_no_cache_is_valid(caplog):
    @task(cache_for=datetime.timedelta(minutes=5))
    def cached():
        return 1

    with Flow("cache") as flow:
        cached()
    _, first = _run(flow, caplog)
    warning = (
        "WARNING",
        "prefect.TaskRunner",
        "Task 'cached': Can't use cache because it is now invalid",
    )
    assert warning in first
    caplog.clear()
    _, second = _run(flow, caplog)  # the first run's Cached state is valid now
    assert warning not in second


def test_a_state_handler_error_is_logged_as_prefect_does(caplog):
    def broken(task, old, new):
        raise ValueError("handler bug")

    @task(state_handlers=[broken])
    def plain():
        return 1

    with Flow("handlers") as flow:
        plain()
    state, lines = _run(flow, caplog)
    assert state.is_failed()
    assert (
        "ERROR",
        "prefect.TaskRunner",
        "Unexpected error while calling state handlers: ValueError('handler bug')",
    ) in lines


@pytest.mark.parametrize("seconds, expected", [(0.2, 1), (0, 0)])
def test_the_retry_wait_line_is_logged_on_the_flow_logger(caplog, seconds, expected):
    """As in Prefect 1.4.1 and 0.13.19: only when the retry is due later than now."""
    calls = []

    @task(max_retries=1, retry_delay=datetime.timedelta(seconds=seconds))
    def flaky():
        calls.append(1)
        if len(calls) < 2:
            raise ValueError("flaky")
        return 1

    with Flow("waits") as flow:
        flaky()
    state, lines = _run(flow, caplog)
    assert state.is_successful() and len(calls) == 2
    waiting = [msg for _, name, msg in lines if name == "prefect.waits"]
    assert len(waiting) == expected
    for line in waiting:  # the time as pendulum 2 prints it: ISO 8601 with a "T"
        stamp = line.removeprefix("Waiting for next available Task run at ")
        assert datetime.datetime.fromisoformat(stamp).tzinfo is not None
        assert "T" in stamp and " " not in stamp
    assert flow.logger.name == "prefect.waits"


def test_compat_prefect_version_013_uses_013s_wording(caplog):
    with Flow("era") as flow:
        boom_task = boom()
        succeeds()
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        state, lines = _run(flow, caplog)
    runner = [(level, msg) for level, name, msg in lines if name == "prefect.TaskRunner"]
    assert ("ERROR", "Unexpected error: ValueError('boom')") in runner
    assert ("INFO", "SUCCESS signal raised: SUCCESS('ok!')") in runner
    assert state.result[boom_task].message.startswith("Unexpected error: ValueError('boom')")


@pytest.mark.parametrize(
    "version, own_error, expired_error",
    [
        ("1", ("Failed", "TimeoutError"), "TaskTimeoutSignal"),
        ("0.13", ("TimedOut", "TimeoutError"), "TimeoutError"),
    ],
)
def test_timeouts_as_each_version_reports_them(caplog, version, own_error, expired_error):
    """Probed: 0.13.19 takes any TimeoutError from a task as TimedOut and reports an
    expired `timeout=` as TimeoutError; 1.4.1 fails the first and uses its signal."""

    @task
    def raises_timeout():
        raise TimeoutError("mine")

    @task(timeout=1)
    def too_slow():
        time.sleep(2)

    with Flow("timeouts") as flow:
        own = raises_timeout()
        expired = too_slow()
    with set_temporary_config({"compat.prefect_version": version}):
        state, lines = _run(flow, caplog)
    mine = state.result[own]
    assert (type(mine).__name__, type(mine.result).__name__) == own_error
    assert mine.result.args == ("mine",)
    assert type(state.result[expired]).__name__ == "TimedOut"
    assert state.result[expired].message == "Task timed out during execution."
    assert type(state.result[expired].result).__name__ == expired_error
    assert state.result[expired].result.args == ("Execution timed out.",)
    errors = [msg for level, name, msg in lines if level == "ERROR"]
    assert len(errors) == (1 if version == "1" else 0)


def test_013_executor_paths_warn_only_in_1x_mode():
    from prefect_compat.engine.executors import LocalExecutor

    with pytest.warns(UserWarning, match="has been moved to `prefect.executors.LocalExecutor`"):
        LocalExecutor()
    with set_temporary_config({"compat.prefect_version": "0.13"}), warnings.catch_warnings():
        warnings.simplefilter("error")
        LocalExecutor()


def test_raise_on_exception_logs_prefects_four_lines_then_raises(caplog):
    from prefect_compat.utilities.debug import raise_on_exception

    @task
    def div():
        return 1 / 0

    with Flow("raises") as flow:
        div()
    with caplog.at_level(logging.INFO, logger="prefect"), raise_on_exception():
        with pytest.raises(ZeroDivisionError):
            flow.run()
    errors = [(name, msg) for level, name, msg in _lines(caplog) if level == "ERROR"]
    assert errors == [
        ("prefect.TaskRunner", "Unexpected error: ZeroDivisionError('division by zero')"),
        (
            "prefect.TaskRunner",
            "Task 'div': Unexpected error while running task: "
            "ZeroDivisionError('division by zero')",
        ),
        ("prefect.FlowRunner", "Unexpected error: ZeroDivisionError('division by zero')"),
        (
            "prefect.FlowRunner",
            "Unexpected error while running flow: ZeroDivisionError('division by zero')",
        ),
    ]


def test_an_error_inside_a_pass_fails_the_flow_as_prefects_step_decorator_does(caplog):
    """Mapping over a dict breaks while the pass slices it (KeyError(0) in 1.4.1 too):
    FlowRunner logs "Unexpected error: ...", the flow's state says so, and Flow.run adds
    its "Unexpected error occured in FlowRunner" line (Prefect's spelling)."""

    @task
    def table():
        return {"a": 1}

    @task
    def ident(x):
        return x

    with Flow("broken-pass") as flow:
        ident.map(table())
    state, lines = _run(flow, caplog)
    assert type(state).__name__ == "Failed"
    assert state.message == "Unexpected error: KeyError(0)"
    assert isinstance(state.result, KeyError)
    errors = [(name, msg) for level, name, msg in lines if level == "ERROR"]
    assert errors == [
        ("prefect.FlowRunner", "Unexpected error: KeyError(0)"),
        ("prefect.broken-pass", "Unexpected error occured in FlowRunner: KeyError(0)"),
    ]


def test_a_trigger_error_is_logged_on_the_task_runner_logger(caplog):
    def broken_trigger(upstream_states):
        raise KeyError("k")

    @task(trigger=broken_trigger)
    def guarded():
        return 1

    with Flow("trig") as flow:
        guarded(upstream_tasks=[succeeds()])
    state, lines = _run(flow, caplog)
    assert type(state.result[flow.get_tasks(name="guarded")[0]]).__name__ == "TriggerFailed"
    errors = [(name, msg) for level, name, msg in lines if level == "ERROR"]
    assert errors == [
        (
            "prefect.TaskRunner",
            "Task 'guarded': Unexpected error while evaluating task trigger: KeyError('k')",
        )
    ]


def test_a_retry_after_looping_goes_on_without_a_new_starting_line(caplog):
    """1.4.1: a looped task that fails and retries logs "Starting task run..." once and
    "Finished ..." twice (the retry continues the loop); a task that never looped logs
    both lines on each run."""
    runs = {"looper": 0, "plain": 0}

    @task(max_retries=1, retry_delay=datetime.timedelta(0))
    def looper():
        count = prefect_compat.context.get("task_loop_count")
        if count < 2:
            raise signals.LOOP(result=count)
        runs["looper"] += 1
        if runs["looper"] < 2:
            raise ValueError("once")
        return count

    @task(max_retries=1, retry_delay=datetime.timedelta(0))
    def plain():
        runs["plain"] += 1
        if runs["plain"] < 2:
            raise ValueError("once")

    with Flow("loop-retry") as flow:
        looped = looper()
        plain()
    state, lines = _run(flow, caplog)
    assert state.result[looped].result == 2
    for name, starts in (("looper", 1), ("plain", 2)):
        mine = [msg for _, _, msg in lines if msg.startswith(f"Task '{name}': ")]
        assert sum("Starting task run" in m for m in mine) == starts, name
        assert sum("Finished task run" in m for m in mine) == 2, name


def test_debug_lines_as_prefect_writes_them(caplog):
    """1.4.1 at DEBUG: the executor, every state change (flow and task) before its
    handlers run, and "Calling task.run() method..."; none of them at INFO."""
    heard = []

    def handler(task_, old, new):
        heard.append(len(caplog.records))

    @task(state_handlers=[handler])
    def one():
        return 1

    with Flow("dbg") as flow:
        one()
    with caplog.at_level(logging.DEBUG, logger="prefect"):
        flow.run()
    lines = [(r.levelname, r.name, r.getMessage()) for r in caplog.records]
    debug = [(name, msg) for level, name, msg in lines if level == "DEBUG"]
    assert debug == [
        ("prefect.FlowRunner", "Using executor type LocalExecutor"),
        ("prefect.FlowRunner", "Flow 'dbg': Handling state change from Scheduled to Running"),
        ("prefect.TaskRunner", "Task 'one': Handling state change from Pending to Running"),
        ("prefect.TaskRunner", "Task 'one': Calling task.run() method..."),
        ("prefect.TaskRunner", "Task 'one': Handling state change from Running to Success"),
        ("prefect.FlowRunner", "Flow 'dbg': Handling state change from Running to Success"),
    ]
    changes = [i for i, line in enumerate(lines) if "Task 'one': Handling" in line[2]]
    assert [i + 1 for i in changes] == heard  # each line comes just before its handler
    caplog.clear()
    _, info = _run(flow, caplog)
    assert not [line for line in info if line[0] == "DEBUG"]


def test_a_flow_state_handler_that_raises_fails_the_run_and_flow_run_returns(caplog):
    """1.4.1 and 0.13.19: Failed("Unexpected error while calling state handlers: ..."),
    logged on prefect.FlowRunner; flow.run() returns it instead of raising."""

    def broken(flow, old, new):
        raise ValueError("flow handler")

    with Flow("fh", state_handlers=[broken]) as flow:
        succeeds()
    state, lines = _run(flow, caplog)
    assert type(state).__name__ == "Failed"
    assert (
        state.message == "Unexpected error while calling state handlers: ValueError('flow handler')"
    )
    assert isinstance(state.result, ValueError)
    errors = [(name, msg) for level, name, msg in lines if level == "ERROR"]
    assert errors == [
        ("prefect.FlowRunner", state.message),
        ("prefect.fh", "Unexpected error occured in FlowRunner: ValueError('flow handler')"),
    ]

"""Retrying and Looped take their count from the running task when none is given.

Probed on Prefect 1.4.1 (and 0.13.19, the same): inside a task run,
`Retrying().run_count` is the context's `task_run_count` and `Looped().loop_count`
its `task_loop_count`; outside a run both are 1. So a task that raises `RETRY()`
until `task_run_count` reaches some value finishes, as it does in Prefect.
"""

from __future__ import annotations

import datetime

from prefect_compat import Flow, context, task
from prefect_compat.engine import signals
from prefect_compat.engine.state import Looped, Retrying, Success


def test_counts_default_to_one_outside_a_task_run():
    assert Retrying().run_count == 1
    assert Looped().loop_count == 1
    assert signals.RETRY().state.run_count == 1
    assert signals.LOOP().state.loop_count == 1


def test_counts_come_from_the_running_task_when_left_out():
    with context(task_run_count=3, task_loop_count=5):
        assert Retrying().run_count == 3
        assert Looped().loop_count == 5
        assert signals.RETRY("again").state.run_count == 3
        assert signals.LOOP(result=1).state.loop_count == 5
        # given counts win, zero included
        assert Retrying(run_count=0).run_count == 0
        assert Looped(loop_count=7).loop_count == 7
        assert signals.RETRY(run_count=2).state.run_count == 2


def test_a_task_raising_retry_until_its_third_run_finishes():
    runs = []

    @task
    def until_third():
        count = context.task_run_count
        runs.append(count)
        if len(runs) > 10:  # without the context default, the count never moves
            return "runaway"
        if count < 3:
            raise signals.RETRY(f"attempt {count}")
        return count

    @task(max_retries=1, retry_delay=datetime.timedelta(0))
    def until_fourth():
        count = context.task_run_count
        runs.append(count)
        if len(runs) > 20:
            return "runaway"
        if count < 4:
            raise signals.RETRY()
        return count

    with Flow("retry-signal") as flow:
        a = until_third()
        b = until_fourth()
    state = flow.run()

    assert state.is_successful()
    assert sorted(runs) == [1, 1, 2, 2, 3, 3, 4]
    assert state.result[a].result == 3
    assert state.result[b].result == 4


def test_retry_signal_states_carry_the_attempt_they_ended():
    seen = []

    def record(task_obj, old, new):
        if isinstance(new, Retrying):
            seen.append((new.message, new.run_count))
        return new

    @task(state_handlers=[record])
    def flaky():
        count = context.task_run_count
        if len(seen) > 10:
            return "runaway"
        if count < 3:
            raise signals.RETRY(f"run {count}")
        return "done"

    with Flow("retry-counts") as flow:
        flaky()
    flow.run()

    assert seen == [("run 1", 1), ("run 2", 2)]


def test_looped_states_count_their_iteration():
    counts = []

    def record(task_obj, old, new):
        if isinstance(new, Looped):
            counts.append((new.loop_count, new.message, new.result))
        return new

    @task(state_handlers=[record])
    def looper():
        count = context.get("task_loop_count", 1)
        if count < 3:
            raise signals.LOOP(result=count * 10)
        return count

    with Flow("loop-counts") as flow:
        t = looper()
    state = flow.run()

    assert counts == [(1, "Task is looping (1)", 10), (2, "Task is looping (2)", 20)]
    assert state.result[t] == Success(result=3)

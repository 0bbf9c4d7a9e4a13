"""`flow.run()` with a schedule runs the flow at each scheduled time (Prefect 1.4.1's loop).

Observed on Prefect 1.4.1: before each run it logs "Waiting for next scheduled run at
<time>" on `prefect.<flow name>`; the clock's `parameter_defaults` override the
parameters given to `flow.run()`; `context.scheduled_start_time` is the event time;
all runs share one `flow_run_id`; the loop ends when the schedule has no more events
and returns the last run's state. The only waiting in these tests is the schedule's.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

import prefect_compat
from prefect_compat import Flow, Parameter, task
from prefect_compat.core import _scheduled_run
from prefect_compat.engine.state import Failed, Success
from prefect_compat.schedules import Schedule, clocks
from prefect_compat.utilities.configuration import set_temporary_config


def _next_second(offset: int = 1) -> datetime:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    return now + timedelta(seconds=offset)


def three_second_clock(**kwargs):
    """A 1-second clock whose end date stops it after exactly three events."""
    start = _next_second()
    return clocks.IntervalClock(
        timedelta(seconds=1), start_date=start, end_date=start + timedelta(seconds=2), **kwargs
    )


def recording_flow(schedule, runs):
    @task
    def record(x, y):
        ctx = prefect_compat.context
        runs.append(
            {
                "x": x,
                "y": y,
                "scheduled": ctx.get("scheduled_start_time"),
                "flow_run_id": ctx.get("flow_run_id"),
                "started": datetime.now(timezone.utc),
            }
        )
        return x

    with Flow("every-second", schedule=schedule) as flow:
        record(Parameter("x", default="x-default"), Parameter("y", default="y-default"))
    return flow


def test_flow_runs_three_times_on_a_one_second_schedule(caplog):
    runs: list[dict] = []
    # clock defaults win over the call's parameters; names the flow lacks are ignored
    clock = three_second_clock(parameter_defaults={"x": "from-clock", "undeclared": 1})
    flow = recording_flow(Schedule(clocks=[clock]), runs)
    expected = [clock.start_date + timedelta(seconds=i) for i in range(3)]

    with caplog.at_level(logging.INFO, logger="prefect.every-second"):
        state = flow.run(parameters={"x": "given-x"}, y="given")  # y: a keyword parameter

    assert isinstance(state, Success)
    assert [(r["x"], r["y"]) for r in runs] == [("from-clock", "given")] * 3
    assert [r["scheduled"] for r in runs] == expected
    assert all(r["started"] >= r["scheduled"] for r in runs)  # it waited for each time
    assert len({r["flow_run_id"] for r in runs}) == 1  # as in Prefect
    waits = [r.getMessage() for r in caplog.records if r.name == "prefect.every-second"]
    assert waits == [f"Waiting for next scheduled run at {t.isoformat()}" for t in expected]
    by_name = {t.name: s.result for t, s in state.result.items()}
    assert by_name == {"x": "from-clock", "y": "given", "record": "from-clock"}


def test_two_clocks_give_each_run_its_own_parameters():
    runs: list[dict] = []
    start = _next_second()
    first = clocks.DatesClock([start], parameter_defaults={"x": "first"})
    second = clocks.DatesClock([start + timedelta(seconds=1)], parameter_defaults={"x": "second"})
    recording_flow(Schedule(clocks=[first, second]), runs).run()
    assert [(r["x"], r["scheduled"]) for r in runs] == [
        ("first", start),
        ("second", start + timedelta(seconds=1)),
    ]


def test_last_state_is_returned_and_failed_runs_do_not_stop_the_loop():
    calls = []

    @task
    def boom():
        calls.append(1)
        raise ValueError("boom")

    start = _next_second()
    twice = clocks.DatesClock([start, start + timedelta(seconds=1)])
    with Flow("failing", schedule=Schedule(clocks=[twice])) as flow:
        boom()
    state = flow.run()
    assert isinstance(state, Failed)
    assert len(calls) == 2


def test_run_on_schedule_false_runs_once_now_with_the_flow_defaults():
    runs: list[dict] = []
    clock = clocks.IntervalClock(
        timedelta(days=1), start_date=datetime(2100, 1, 1), parameter_defaults={"x": "clock"}
    )
    flow = recording_flow(Schedule(clocks=[clock]), runs)
    state = flow.run(run_on_schedule=False)
    assert isinstance(state, Success)
    assert [(r["x"], r["y"]) for r in runs] == [("x-default", "y-default")]
    assert runs[0]["scheduled"] < datetime(2100, 1, 1, tzinfo=timezone.utc)


def test_config_flows_run_on_schedule_false_runs_once():
    runs: list[dict] = []
    clock = clocks.IntervalClock(timedelta(days=1), start_date=datetime(2100, 1, 1))
    flow = recording_flow(Schedule(clocks=[clock]), runs)
    with set_temporary_config({"flows.run_on_schedule": False}):
        flow.run()
    assert [(r["x"], r["y"]) for r in runs] == [("x-default", "y-default")]


def test_a_schedule_with_nothing_left_is_prefects_value_error():
    clock = clocks.IntervalClock(
        timedelta(seconds=1), start_date=datetime(2020, 1, 1), end_date=datetime(2020, 1, 2)
    )
    runs: list[dict] = []
    with pytest.raises(ValueError, match=r"^Flow has no more scheduled runs\..*run_on_schedule"):
        recording_flow(Schedule(clocks=[clock]), runs).run()
    assert runs == []


def test_ctrl_c_while_waiting_ends_the_loop_with_the_last_state(monkeypatch):
    """KeyboardInterrupt raised by the wait after the first run (what Ctrl-C does there).

    The wait function is replaced so the interrupt lands in it deterministically; the
    wait before the first run really sleeps until its scheduled time.
    """
    real_sleep = _scheduled_run._sleep
    finished = []

    @task
    def count():
        finished.append(1)
        return len(finished)

    def sleep_or_interrupt(seconds):
        if len(finished) == 1:
            raise KeyboardInterrupt
        real_sleep(seconds)

    every_second = Schedule(clocks=[clocks.IntervalClock(timedelta(seconds=1))])
    with Flow("interrupted", schedule=every_second) as flow:
        result = count()
    monkeypatch.setattr(_scheduled_run, "_sleep", sleep_or_interrupt)
    state = flow.run()
    assert len(finished) == 1
    assert isinstance(state, Success)
    assert state.result[result].result == 1


def test_ctrl_c_before_the_first_run_returns_none(monkeypatch):
    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(_scheduled_run, "_sleep", interrupt)
    runs: list[dict] = []
    clock = clocks.IntervalClock(timedelta(days=1), start_date=datetime(2100, 1, 1))
    assert recording_flow(Schedule(clocks=[clock]), runs).run() is None
    assert runs == []


def test_ctrl_c_during_a_run_propagates_as_in_prefect():
    runs: list[dict] = []

    def stop_on_first_run(flow, old, new):
        if new.is_finished():
            raise KeyboardInterrupt
        return new

    flow = recording_flow(Schedule(clocks=[three_second_clock()]), runs)
    flow.state_handlers.append(stop_on_first_run)
    with pytest.raises(KeyboardInterrupt):
        flow.run()
    assert len(runs) == 1


def test_required_parameters_may_come_from_every_clock():
    seen = []

    @task
    def use(x):
        seen.append(x)

    clock = clocks.DatesClock([_next_second()], parameter_defaults={"x": 7})
    with Flow("required", schedule=Schedule(clocks=[clock])) as flow:
        use(Parameter("x"))
    assert isinstance(flow.run(), Success)
    assert seen == [7]


def test_missing_or_unknown_parameters_fail_before_any_waiting():
    far = clocks.IntervalClock(timedelta(days=1), start_date=datetime(2100, 1, 1))
    partial = clocks.DatesClock([datetime(2100, 1, 2)], parameter_defaults={"x": 1})

    @task
    def use(x):
        return x

    with Flow("required", schedule=Schedule(clocks=[far, partial])) as flow:
        use(Parameter("x"))
    with pytest.raises(
        ValueError, match=r"^Flow.run did not receive the following required parameters: x"
    ):
        flow.run()
    with pytest.raises(ValueError, match="unexpected parameters: nope"):
        flow.run(parameters={"x": 1, "nope": 2})


def test_run_inside_the_flow_block_fails_at_once():
    clock = clocks.IntervalClock(timedelta(days=1), start_date=datetime(2100, 1, 1))
    with Flow("inside", schedule=Schedule(clocks=[clock])) as flow:
        with pytest.raises(RuntimeError, match="within a `Flow` context manager"):
            flow.run()

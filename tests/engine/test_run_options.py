"""Task options at run time: task_run_name, log_stdout, handler errors, loop + retry."""

from __future__ import annotations

import datetime
import logging

import prefect_compat
from prefect_compat import Flow, Parameter, task
from prefect_compat.engine import signals
from prefect_compat.engine.state import Failed, Skipped, Success


def test_task_run_name_template_and_callable_reach_context():
    seen = []

    @task(task_run_name="run-{x}")
    def templated(x):
        seen.append(prefect_compat.context.task_run_name)

    @task(task_run_name=lambda **kw: f"call-{kw['x'] * 2}")
    def called(x):
        seen.append(prefect_compat.context.task_run_name)

    with Flow("names") as flow:
        p = Parameter("p", default=3)
        templated(p)
        called(p)

    flow.run()
    assert sorted(seen) == ["call-6", "run-3"]


def test_log_stdout_sends_prints_to_the_task_runner_logger(caplog):
    # Prefect 1.4.1 and 0.13.19 both log a task's prints on `prefect.TaskRunner` (probed)
    @task(log_stdout=True)
    def chatty():
        print("hello from the task")
        return 1

    with Flow("out") as flow:
        chatty()

    with caplog.at_level(logging.INFO, logger="prefect"):
        assert flow.run().is_successful()
    records = [r for r in caplog.records if r.getMessage() == "hello from the task"]
    assert records and records[0].name == "prefect.TaskRunner"


def test_handler_raising_signal_replaces_state_and_error_fails_run():
    def to_skip(t, old, new):
        if new.is_running():
            raise signals.SKIP("handler says skip")

    def broken(t, old, new):
        raise RuntimeError("handler bug")

    @task(state_handlers=[to_skip])
    def skipped():
        return 1

    @task(state_handlers=[broken])
    def failing():
        return 1

    with Flow("h") as flow:
        s = skipped()
        f = failing()

    state = flow.run()
    assert type(state.result[s]) is Skipped
    assert type(state.result[f]) is Failed
    assert state.result[f].message.startswith(
        "Unexpected error while calling state handlers: RuntimeError('handler bug')"
    )


def test_failed_loop_iteration_retries_and_continues_the_loop():
    attempts = []

    @task(max_retries=1, retry_delay=datetime.timedelta(seconds=0))
    def looper():
        count = prefect_compat.context.get("task_loop_count")
        attempts.append(count)
        if count == 2 and attempts.count(2) == 1:
            raise ValueError("fail once at iteration 2")
        if count < 3:
            raise signals.LOOP(result=count)
        return prefect_compat.context.get("task_loop_result")

    with Flow("loop-retry") as flow:
        t = looper()

    state = flow.run()
    assert state.result[t].result == 2
    assert attempts == [1, 2, 2, 3]


def test_chained_and_nested_maps_keep_map_index_per_child():
    seen = []

    @task
    def rows():
        return [[1, 2], [3, 4, 5]]

    @task
    def length(row):
        seen.append(("length", prefect_compat.context.map_index))
        return len(row)

    @task
    def plus(x, y):
        return x + y

    with Flow("nested") as flow:
        r = rows()
        lengths = length.map(r)
        sums = plus.map(lengths, lengths)

    state = flow.run()
    assert state.result[sums].result == [4, 6]
    assert [s.result for s in state.result[sums].map_states] == [4, 6]
    assert seen == [("length", 0), ("length", 1)]


def test_cached_state_is_reused_with_cache_key_across_tasks():
    calls = []

    @task(cache_for=datetime.timedelta(minutes=5), cache_key="shared")
    def first():
        calls.append("first")
        return 1

    @task(cache_for=datetime.timedelta(minutes=5), cache_key="shared")
    def second():
        calls.append("second")
        return 2

    with Flow("a") as flow_a:
        first()
    with Flow("b") as flow_b:
        s = second()

    flow_a.run()
    state = flow_b.run()
    assert calls == ["first"]
    assert state.result[s].result == 1


def test_expired_cache_reruns():
    calls = []

    @task(cache_for=datetime.timedelta(microseconds=1))
    def short():
        calls.append(1)
        return len(calls)

    with Flow("exp") as flow:
        t = short()

    flow.run()
    state = flow.run()
    assert calls == [1, 1]
    assert state.result[t].result == 2
    assert isinstance(state.result[t], Success)


def test_context_caches_after_a_run_hold_every_task_and_only_fresh_states():
    """As Prefect 1.4.1 leaves them: a key per task (an empty list for tasks that cached
    nothing, Parameters included), Cached states that never expire or have expired
    dropped."""
    from prefect_compat import Parameter
    from prefect_compat.engine.state import Cached

    @task(cache_for=datetime.timedelta(minutes=5))
    def add(x):
        return x + 1

    with Flow("caches") as flow:
        p = Parameter("p", default=1)
        add(p)

    never = Cached(result=5)  # no expiration: Prefect drops it at the merge
    stale = Cached(result=6, cached_result_expiration=datetime.datetime(2000, 1, 1))
    with prefect_compat.context(caches={"add": [stale], "other": [never]}):
        flow.run()
        caches = prefect_compat.context.caches
        assert sorted(caches) == ["add", "other", "p"]
        assert caches["p"] == []
        assert [s.result for s in caches["add"]] == [2]
        assert caches["other"] == [never]  # not in this flow: untouched


def test_manual_only_pauses_and_resumes_after_prompt(monkeypatch):
    from prefect_compat.engine.flow_runner import FlowRunner
    from prefect_compat.engine.state import Paused
    from prefect_compat.triggers import manual_only

    @task
    def first():
        return 1

    @task(trigger=manual_only)
    def approve(x):
        return x + 1

    with Flow("pause") as flow:
        a = approve(first())

    paused = FlowRunner(flow).run(return_tasks=[a])
    assert type(paused.result[a]) is Paused
    assert paused.result[a].message == 'Trigger function is "manual_only"'

    prompts = []
    monkeypatch.setattr("builtins.input", lambda text: prompts.append(text) or "y")
    state = flow.run()
    assert state.result[a].result == 2
    assert prompts and "is currently Paused" in prompts[0]


def test_flow_run_from_a_finished_state_runs_and_logs_nothing(caplog):
    """As in Prefect 1.4.1: the finished state comes back with every task Pending
    ("Task not run."), or the state given for it in task_states."""
    ran = []

    @task
    def first():
        ran.append("first")
        return 1

    @task
    def second(x):
        ran.append("second")
        return x

    with Flow("finished") as flow:
        out = second(first())
    given = Success("done before")
    with caplog.at_level(logging.DEBUG, logger="prefect"):
        state = flow.run(state=given, task_states={out: Success(result=5)})
    assert state is given and ran == [] and caplog.records == []
    assert {t.name: (type(s).__name__, s.message, s.result) for t, s in state.result.items()} == {
        "first": ("Pending", "Task not run.", None),
        "second": ("Success", None, 5),
    }


def test_loop_with_an_explicit_loop_count_continues_from_it():
    """1.4.1: `LOOP(loop_count=7)` makes the next iteration's task_loop_count 8."""
    seen = []

    @task
    def jumper():
        count = prefect_compat.context.get("task_loop_count")
        seen.append(count)
        if count == 1:
            raise signals.LOOP(loop_count=7, result="jumped")
        return count

    with Flow("jump") as flow:
        out = jumper()
    assert flow.run().result[out].result == 8
    assert seen == [1, 8]

"""Flow runs end to end: states, signals, handlers, retries, looping, triggers."""

from __future__ import annotations

import datetime

import pytest

import prefect_compat
from prefect_compat import Flow, Parameter, Task, task, unmapped
from prefect_compat.engine import signals
from prefect_compat.engine.state import (
    Cached,
    Failed,
    Pending,
    Retrying,
    Skipped,
    Success,
    TimedOut,
    TriggerFailed,
)
from prefect_compat.triggers import all_failed, all_finished, any_failed
from prefect_compat.utilities.configuration import set_temporary_config


def test_failure_names_task_and_exception_and_downstream_trigger_fails():
    @task
    def boom():
        raise ValueError("kaput")

    @task
    def after(x):
        return x

    with Flow("f") as flow:
        b = boom()
        a = after(b)

    state = flow.run()
    assert state.is_failed()
    assert state.message == "Some reference tasks failed."
    failed = state.result[b]
    assert type(failed) is Failed
    assert failed.message.startswith("Error during execution of task: ValueError('kaput')")
    assert "boom" in failed.message
    assert isinstance(failed.result, ValueError)
    down = state.result[a]
    assert type(down) is TriggerFailed
    assert down.message == ('Trigger was "all_successful" but some of the upstream tasks failed.')
    assert isinstance(down.result, signals.TRIGGERFAIL)


def test_signals_become_states_with_the_signal_as_result():
    @task
    def fail():
        raise signals.FAIL("nope")

    @task
    def skip():
        raise signals.SKIP("skipping")

    @task(skip_on_upstream_skip=False)
    def sees_skip(x):
        return x

    @task
    def follows_skip(x):
        return x

    @task
    def succeed():
        raise signals.SUCCESS("yay", result=42)

    with Flow("sig") as flow:
        f = fail()
        s = skip()
        seen = sees_skip(s)
        fol = follows_skip(s)
        ok = succeed()

    state = flow.run()
    assert repr(state.result[f]) == '<Failed: "nope">'
    assert isinstance(state.result[f].result, signals.FAIL)
    assert type(state.result[s]) is Skipped
    assert isinstance(state.result[s].result, signals.SKIP)
    # surprise 22: the SKIP signal leaks downstream as the input value
    assert isinstance(state.result[seen].result, signals.SKIP)
    assert type(state.result[fol]) is Skipped
    assert state.result[fol].message.startswith("Upstream task was skipped")
    assert repr(state.result[ok]) == '<Success: "yay">'
    assert state.result[ok].result == 42


def test_skipped_reference_task_counts_as_success():
    @task
    def skip():
        raise signals.SKIP("no")

    @task
    def after(x):
        raise ValueError("never runs")

    with Flow("skip") as flow:
        after(skip())

    state = flow.run()
    assert state.is_successful()
    assert state.message == "All reference tasks succeeded."


def test_retries_rerun_with_increasing_run_count_and_delay():
    seen = []

    @task(max_retries=2, retry_delay=datetime.timedelta(seconds=0.05))
    def flaky():
        seen.append(prefect_compat.context.task_run_count)
        if len(seen) < 3:
            raise ValueError("flake")
        return "ok"

    with Flow("retry") as flow:
        t = flaky()

    started = datetime.datetime.now()
    state = flow.run()
    elapsed = (datetime.datetime.now() - started).total_seconds()
    assert state.is_successful()
    assert state.result[t].result == "ok"
    assert seen == [1, 2, 3]
    assert elapsed >= 0.1  # two delays were really waited


def test_retries_exhausted_end_failed():
    calls = []

    @task(max_retries=1, retry_delay=datetime.timedelta(seconds=0))
    def always():
        calls.append(1)
        raise ValueError("no")

    with Flow("retry") as flow:
        t = always()

    state = flow.run()
    assert len(calls) == 2
    assert type(state.result[t]) is Failed


def test_retry_on_limits_which_errors_retry():
    calls = []

    @task(max_retries=3, retry_delay=datetime.timedelta(seconds=0), retry_on=KeyError)
    def wrong_error():
        calls.append(1)
        raise ValueError("not retried")

    with Flow("retry_on") as flow:
        t = wrong_error()

    state = flow.run()
    assert calls == [1]
    assert state.result[t].is_failed()


def test_direct_flow_runner_leaves_retrying_task_and_running_flow():
    from prefect_compat.engine.flow_runner import FlowRunner

    @task(max_retries=1, retry_delay=datetime.timedelta(minutes=5))
    def fails():
        raise ValueError("x")

    with Flow("r") as flow:
        t = fails()

    state = FlowRunner(flow).run(return_tasks=[t])
    assert state.is_running()
    retrying = state.result[t]
    assert type(retrying) is Retrying
    assert retrying.run_count == 1
    assert retrying.message == "Retrying Task (after attempt 1 of 2)"


def test_looping_counts_and_final_result():
    seen = []

    @task
    def counter():
        previous = prefect_compat.context.get("task_loop_result", 0)
        seen.append(prefect_compat.context.get("task_loop_count"))
        if previous < 20:
            raise signals.LOOP(result=previous + 5)
        return previous

    with Flow("loop") as flow:
        c = counter()

    state = flow.run()
    assert state.result[c].result == 20
    # deliberate difference: task_loop_count is 1 on the first iteration (Prefect: absent)
    assert seen == [1, 2, 3, 4, 5]


def test_loop_without_result_passes_the_signal_repr():
    @task
    def loop_once():
        if prefect_compat.context.get("task_loop_count", 1) < 2:
            raise signals.LOOP()
        return prefect_compat.context.get("task_loop_result")

    with Flow("loop") as flow:
        t = loop_once()

    assert flow.run().result[t].result == "LOOP()"


def test_state_handlers_see_transitions_and_can_replace_state():
    seen = []

    def handler(obj, old, new):
        seen.append((obj, type(old).__name__, type(new).__name__))
        if new.is_failed():
            return Success(result="rescued")
        return None

    @task(state_handlers=[handler])
    def fails():
        raise RuntimeError("bad")

    with Flow("h") as flow:
        t = fails()

    state = flow.run()
    assert repr(state.result[t]) == "<Success>"
    assert state.result[t].result == "rescued"
    assert [(s[1], s[2]) for s in seen] == [("Pending", "Running"), ("Running", "Failed")]
    assert seen[0][0] is t


def test_on_failure_fires_only_on_failure_and_return_is_ignored():
    calls = []

    def on_fail(t, state):
        calls.append((t.name, type(state).__name__))
        return Success()

    @task(on_failure=on_fail)
    def fails():
        raise ValueError("x")

    @task(on_failure=on_fail)
    def fine():
        return 1

    with Flow("of") as flow:
        f = fails()
        fine()

    state = flow.run()
    assert type(state.result[f]) is Failed
    assert calls == [("fails", "Failed")]


def test_runner_level_task_handlers_run_after_task_handlers():
    order = []

    def task_handler(t, old, new):
        order.append("task")

    def runner_handler(runner, old, new):
        order.append("runner")

    @task(state_handlers=[task_handler])
    def one():
        return 1

    with Flow("rh") as flow:
        one()

    flow.run(task_runner_state_handlers=[runner_handler])
    assert order == ["task", "runner", "task", "runner"]


def test_flow_state_handlers_receive_flow_transitions():
    seen = []

    def handler(flow, old, new):
        seen.append((type(old).__name__, type(new).__name__))

    @task
    def boom():
        raise ValueError()

    flow = Flow("fh", state_handlers=[handler])
    flow.add_task(boom)
    flow.run()
    assert seen == [("Scheduled", "Running"), ("Running", "Failed")]


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [(all_finished, Success), (all_failed, Success), (any_failed, Success)],
)
def test_triggers_let_tasks_run_after_failure(trigger, expected):
    @task
    def boom():
        raise ValueError()

    @task(trigger=trigger)
    def cleanup(x):
        return "cleaned"

    with Flow("t") as flow:
        c = cleanup(boom())

    state = flow.run()
    assert type(state.result[c]) is expected
    assert state.result[c].result == "cleaned"


def test_trigger_raising_unexpected_error_gives_trigger_failed():
    def bad_trigger(upstream_states):
        raise KeyError("oops")

    @task(trigger=bad_trigger)
    def t():
        return 1

    with Flow("bt") as flow:
        x = t()

    state = flow.run()
    assert type(state.result[x]) is TriggerFailed
    assert state.result[x].message == (
        "Unexpected error while checking task trigger: KeyError('oops')"
    )


def test_timeout_gives_timed_out_state():
    import time

    @task(timeout=1)
    def slow():
        time.sleep(3)

    with Flow("to") as flow:
        s = slow()

    state = flow.run()
    assert type(state.result[s]) is TimedOut
    assert state.result[s].message == "Task timed out during execution."
    assert state.result[s].is_failed()


def test_cache_for_turns_first_run_cached_and_reuses_in_second_run():
    calls = []

    @task(cache_for=datetime.timedelta(minutes=10))
    def expensive():
        calls.append(1)
        return 7

    with Flow("cache") as flow:
        e = expensive()

    first = flow.run()
    assert type(first.result[e]) is Cached
    assert first.result[e].message == "Task run succeeded."
    second = flow.run()
    assert type(second.result[e]) is Cached
    assert second.result[e].result == 7
    assert calls == [1]


def test_all_inputs_validator_reruns_when_inputs_change():
    from prefect_compat.engine.cache_validators import all_inputs

    calls = []

    @task(cache_for=datetime.timedelta(minutes=10), cache_validator=all_inputs)
    def double(x):
        calls.append(x)
        return 2 * x

    with Flow("ci") as flow:
        p = Parameter("p")
        d = double(p)

    assert flow.run(p=1).result[d].result == 2
    assert flow.run(p=1).result[d].result == 2
    assert flow.run(p=2).result[d].result == 4
    assert calls == [1, 2]


def test_parameters_defaults_and_values_reach_tasks_and_context():
    seen = {}

    @task
    def use(a, b):
        seen.update(prefect_compat.context.parameters)
        return a + b

    with Flow("p") as flow:
        a = Parameter("a")
        b = Parameter("b", default=10)
        total = use(a, b)

    state = flow.run(a=1)
    assert state.result[total].result == 11
    assert seen == {"a": 1, "b": 10}
    assert state.result[a]._result.location is None  # not checkpointed by default
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run(a=7)
    assert state.result[a]._result.location == "7"  # PrefectResult: the JSON string


def test_parameter_errors_from_flow_run():
    @task
    def use(x):
        return x

    with Flow("p") as flow:
        use(Parameter("x"))

    with pytest.raises(ValueError, match="did not receive the following required parameters: x"):
        flow.run()
    with pytest.raises(ValueError, match="unexpected parameters: z"):
        flow.run(parameters={"x": 1, "z": 2})
    with pytest.raises(ValueError, match="unexpected parameters: q, b$"):  # as given
        flow.run(parameters={"x": 1, "q": 2, "b": 3})
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        flow.run(x=1, z=3)
    with pytest.raises(ValueError, match="return_tasks"):
        flow.run(x=1, return_tasks=[])


def test_flow_runner_with_missing_required_parameter_fails_naming_it():
    from prefect_compat.engine.flow_runner import FlowRunner

    @task
    def use(x):
        return x

    with Flow("p") as flow:
        x = Parameter("x")
        u = use(x)

    state = FlowRunner(flow).run(return_tasks=flow.tasks)
    assert state.is_failed()
    assert "x" in state.message
    assert state.result[x].message == 'Parameter "x" was required but not provided.'
    assert type(state.result[u]) is TriggerFailed


def test_run_inside_flow_block_is_refused():
    @task
    def one():
        return 1

    with Flow("inside") as flow:
        one()
        with pytest.raises(RuntimeError, match="within a `Flow` context manager"):
            flow.run()


def test_context_keys_inside_a_task():
    seen = {}

    @task
    def ctx_dump():
        c = prefect_compat.context
        seen.update(
            {
                k: c.get(k)
                for k in (
                    "flow_name",
                    "task_name",
                    "task_full_name",
                    "map_index",
                    "task_run_count",
                    "task_slug",
                    "today",
                    "parameters",
                    "flow_run_id",
                    "task_run_id",
                    "checkpointing",
                )
            }
        )
        seen["logger"] = c.logger.name

    with Flow("ctx") as flow:
        ctx_dump()

    flow.run(context={"custom": 1})
    assert seen["flow_name"] == "ctx"
    assert seen["task_name"] == seen["task_full_name"] == "ctx_dump"
    assert seen["map_index"] is None
    assert seen["task_run_count"] == 1
    assert seen["task_slug"] == "ctx_dump-1"
    assert seen["parameters"] == {}
    assert seen["checkpointing"] is False
    assert len(seen["today"]) == 10
    assert seen["logger"] == "prefect.ctx_dump"
    assert "flow_name" not in prefect_compat.context  # popped after the run


def test_raise_on_exception_reraises():
    @task
    def boom():
        raise ZeroDivisionError("x")

    with Flow("roe") as flow:
        boom()

    with prefect_compat.context(raise_on_exception=True), pytest.raises(ZeroDivisionError):
        flow.run()


def test_task_runner_runs_a_single_task():
    from prefect_compat.engine.task_runner import TaskRunner

    class Add(Task):
        def run(self):
            return 3

    state = TaskRunner(Add()).run()
    assert type(state) is Success
    assert state.result == 3
    assert type(TaskRunner(Add()).run(state=Success(result=1))) is Success


def test_unreached_task_states_are_pending_not_run():
    from prefect_compat.engine.flow_runner import FlowRunner

    @task(max_retries=1, retry_delay=datetime.timedelta(minutes=5))
    def retrying():
        raise ValueError()

    @task
    def after(x):
        return x

    with Flow("p") as flow:
        a = after(retrying())

    state = FlowRunner(flow).run(return_tasks=flow.tasks)
    assert type(state.result[a]) is Pending


def test_custom_task_runner_class_is_used_for_every_task_run():
    from prefect_compat.engine.flow_runner import FlowRunner
    from prefect_compat.engine.task_runner import TaskRunner

    ran = []

    class RecordingRunner(TaskRunner):
        def run(self, state=None, upstream_states=None, context=None, is_mapped_parent=False):
            ran.append((self.task.name, (context or {}).get("map_index")))
            return super().run(state, upstream_states, context, is_mapped_parent)

    @task
    def numbers():
        return [1, 2]

    @task
    def add(x, y):
        return x + y

    with Flow("custom") as flow:
        total = add.map(numbers(), unmapped(10))

    state = FlowRunner(flow, task_runner_cls=RecordingRunner).run(return_tasks=[total])
    assert state.is_successful()
    assert state.result[total].result == [11, 12]
    assert ("numbers", None) in ran
    assert ("add", 0) in ran and ("add", 1) in ran


def test_runner_handlers_receive_a_task_runner_for_their_task():
    from prefect_compat.engine.task_runner import TaskRunner

    seen = []

    def uses_task(runner, old, new):
        seen.append((type(runner), runner.task.name, type(new).__name__))

    @task
    def a():
        return 1

    with Flow("owner") as flow:
        a()

    assert flow.run(task_runner_state_handlers=[uses_task]).is_successful()
    assert seen == [(TaskRunner, "a", "Running"), (TaskRunner, "a", "Success")]


def test_reused_flow_runner_uses_each_runs_handlers():
    from prefect_compat.engine.flow_runner import FlowRunner

    calls = []

    @task
    def a():
        return 1

    with Flow("reuse") as flow:
        a()

    runner = FlowRunner(flow)
    runner.run(task_runner_state_handlers=[lambda r, o, n: calls.append("h1")])
    runner.run(task_runner_state_handlers=[lambda r, o, n: calls.append("h2")])
    runner.run()
    assert calls == ["h1", "h1", "h2", "h2"]


def test_constant_tasks_are_given_their_value_not_run_or_checkpointed(tmp_path):
    import threading

    from prefect_compat.engine.results import LocalResult
    from prefect_compat.tasks.core.constants import Constant

    @task
    def locked(lock):
        return lock.locked()

    with Flow("const", result=LocalResult(dir=str(tmp_path))) as flow:
        out = locked.map([threading.Lock(), threading.Lock()])

    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run()
    assert state.is_successful()
    assert state.result[out].result == [False, False]
    constant = next(t for t in flow.tasks if isinstance(t, Constant))
    assert repr(state.result[constant]) == "<Success>"
    assert state.result[constant]._result.location is None

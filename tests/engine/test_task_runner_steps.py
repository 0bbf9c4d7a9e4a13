"""TaskRunner's checks before a task runs, called one by one with Prefect's arguments.

Upstream checks, mapping, trigger, readiness, start time, caches, targets, inputs and
the run name: what each returns (often the very state it was given) or ends the run
with (`ENDRUN(state)`), and which fire state handlers. Observed on Prefect 1.4.1 and
0.13.19 (the runner probes); differences we keep on purpose are marked.
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
    Cancelled,
    Failed,
    Looped,
    Mapped,
    Paused,
    Pending,
    Queued,
    Resume,
    Retrying,
    Running,
    Scheduled,
    Skipped,
    Submitted,
    Success,
    TimedOut,
    TriggerFailed,
)
from prefect_compat.engine.task_runner import TaskRunner
from prefect_compat.triggers import manual_only
from tests.fixtures.runners import EARLIER, LATER, edge, ended, runner_for

# -- TaskRunner steps: upstream checks ----------------------------------------------------------


def test_check_upstream_finished_returns_the_same_state_or_ends_with_it():
    runner, recorder = runner_for()
    state = Pending()
    assert runner.check_upstream_finished(state, {edge(): Success(), edge(): Failed()}) is state
    assert runner.check_upstream_finished(state, {}) is state
    for unfinished in (Running(), Scheduled(), Paused()):
        assert ended(runner.check_upstream_finished, state, {edge(): unfinished}) is state
    assert recorder.calls == []


def test_check_upstream_finished_looks_into_a_mapped_upstream_only_on_an_unmapped_edge():
    runner, _ = runner_for()
    state = Pending()
    upstream = Mapped(map_states=[Success(), Pending()])
    assert ended(runner.check_upstream_finished, state, {edge(): upstream}) is state
    assert runner.check_upstream_finished(state, {edge(mapped=True): upstream}) is state


def test_check_upstream_skipped_ends_skipped_and_fires_handlers():
    runner, recorder = runner_for()
    state = Pending()
    skipped = ended(runner.check_upstream_skipped, state, {edge(key=None): Skipped()})
    assert type(skipped) is Skipped
    assert skipped.message.startswith("Upstream task was skipped; if this was not the intended")
    assert recorder.calls == [(state, skipped)]
    children = Mapped(map_states=[Success(), Skipped()])
    assert type(ended(runner.check_upstream_skipped, state, {edge(): children})) is Skipped
    assert runner.check_upstream_skipped(state, {edge(mapped=True): children}) is state


def test_check_upstream_skipped_is_off_with_skip_on_upstream_skip_false():
    runner, _ = runner_for(Task(skip_on_upstream_skip=False))
    state = Pending()
    assert runner.check_upstream_skipped(state, {edge(): Skipped()}) is state


# -- check_task_ready_to_map -------------------------------------------------------------------


def _width(upstream):
    state = ended(TaskRunner(Task()).check_task_ready_to_map, Pending(), upstream)
    assert type(state) is Mapped and state.message == "Ready to proceed with mapping."
    assert state.map_states == []
    return state.n_map_states


def test_check_task_ready_to_map_always_ends_with_the_width():
    assert _width({edge(mapped=True): Success(result=[1, 2, 3])}) == 3
    assert (
        _width(
            {
                edge(key="a", mapped=True): Success(result=[1, 2, 3]),
                edge(key="b", mapped=True): Success(result=[1, 2]),
            }
        )
        == 2
    )
    assert (
        _width(
            {edge(key="a", mapped=True): Success(result=[1]), edge(key="b"): Success(result=[1, 2])}
        )
        == 1
    )
    assert _width({edge(mapped=True): Success(result=[])}) == 0
    assert _width({edge(mapped=True): Success(result={"a": 1, "b": 2})}) == 2
    assert _width({edge(mapped=True): Success(result="abc")}) == 3
    assert _width({edge(mapped=True): Mapped(n_map_states=4)}) == 4
    assert _width({edge(mapped=True): Mapped(map_states=[Success(), Success()])}) == 2
    assert (
        _width(
            {edge(key="a", mapped=True): Failed(), edge(key="b", mapped=True): Success(result=[1])}
        )
        == 1
    )
    assert _width({}) == 0


@pytest.mark.parametrize(
    ("upstream", "message"),
    [
        ({"unmapped": Success(result=[1])}, "No upstream states can be mapped over."),
        ({"mapped": Failed()}, "No upstream states can be mapped over."),
        ({"mapped": Success(result=5)}, "At least one upstream state has an unmappable result."),
        ({"mapped": Success(result=None)}, "At least one upstream state has an unmappable result."),
    ],
)
def test_check_task_ready_to_map_fails_when_nothing_can_be_mapped(upstream, message):
    runner, recorder = runner_for()
    ups = {edge(mapped=kind == "mapped"): state for kind, state in upstream.items()}
    state = Pending()
    failed = ended(runner.check_task_ready_to_map, state, ups)
    assert type(failed) is Failed and failed.message == message
    assert recorder.calls == [(state, failed)]


def test_check_task_ready_to_map_on_a_mapped_state_ends_with_that_state_filled_in():
    runner, recorder = runner_for()
    state = Mapped(n_map_states=2)
    result = Result([1, 2])
    out = ended(runner.check_task_ready_to_map, state, {edge(mapped=True): Success(result=result)})
    assert out is state
    assert state.map_states == [None, None]
    assert state.cached_inputs == {"x": result}
    assert recorder.calls == []


# -- check_task_trigger ------------------------------------------------------------------------


def test_check_task_trigger_passes_with_the_same_state():
    runner, recorder = runner_for()
    state = Pending()
    assert runner.check_task_trigger(state, {edge(): Success()}) is state
    assert runner.check_task_trigger(state, {edge(): Skipped()}) is state
    assert runner.check_task_trigger(state, {}) is state
    assert recorder.calls == []


def test_check_task_trigger_failure_carries_the_trigger_signal():
    runner, recorder = runner_for()
    state = Pending()
    failed = ended(runner.check_task_trigger, state, {edge(): Failed()})
    assert type(failed) is TriggerFailed
    assert failed.message == 'Trigger was "all_successful" but some of the upstream tasks failed.'
    assert isinstance(failed.result, signals.TRIGGERFAIL)
    assert recorder.calls == [(state, failed)]


@pytest.mark.parametrize("answer", [False, None])
def test_check_task_trigger_falsy_answer_is_trigger_failed(answer):
    seen = []

    def trigger(upstream_states):
        seen.append(upstream_states)
        return answer

    upstream = {edge(): Success()}
    failed = ended(TaskRunner(Task(trigger=trigger)).check_task_trigger, Pending(), upstream)
    assert type(failed) is TriggerFailed and failed.message == "Trigger failed"
    assert isinstance(failed.result, signals.TRIGGERFAIL)
    assert seen == [upstream]


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        (signals.SKIP("trigger skip"), Skipped),
        (signals.PAUSE("trigger pause"), Paused),
        (signals.FAIL("trigger fail"), Failed),
        (signals.TRIGGERFAIL("tf"), TriggerFailed),
    ],
)
def test_check_task_trigger_signal_ends_with_its_state(signal, expected):
    def trigger(upstream_states):
        raise signal

    runner, recorder = runner_for(Task(trigger=trigger))
    state = ended(runner.check_task_trigger, Pending(), {})
    assert type(state) is expected and state.result is signal
    assert len(recorder.calls) == 1


def test_check_task_trigger_error_is_trigger_failed_and_logged(caplog):
    def trigger(upstream_states):
        raise ValueError("bad trigger")

    runner, recorder = runner_for(Task(name="t", trigger=trigger))
    state = ended(runner.check_task_trigger, Pending(), {})
    assert type(state) is TriggerFailed
    assert (
        state.message == "Unexpected error while checking task trigger: ValueError('bad trigger')"
    )
    assert isinstance(state.result, ValueError)
    assert "Task 't': Unexpected error while evaluating task trigger" in caplog.text
    recorder.calls.clear()
    with prefect_compat.context(raise_on_exception=True), pytest.raises(ValueError):
        runner.check_task_trigger(Pending(), {})
    assert recorder.calls == []


def test_check_task_trigger_manual_only_pauses_until_resumed():
    runner = TaskRunner(Task(trigger=manual_only))
    paused = ended(runner.check_task_trigger, Pending(), {})
    assert type(paused) is Paused and paused.message == 'Trigger function is "manual_only"'
    state = Pending()
    with prefect_compat.context(resume=True):
        assert runner.check_task_trigger(state, {}) is state


# -- readiness and start time ------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        Pending(),
        Scheduled(start_time=LATER),
        Retrying(),
        Paused(),
        Resume(),
        Cached(cached_result_expiration=LATER),
        Cached(),
        Mapped(),
    ],
)
def test_check_task_is_ready_returns_a_runnable_state_itself(state):
    runner, recorder = runner_for()
    assert runner.check_task_is_ready(state) is state
    assert recorder.calls == []


@pytest.mark.parametrize(
    "state",
    [
        Running(),
        Success(),
        Failed(),
        Skipped(),
        Looped(),
        TimedOut(),
        TriggerFailed(),
        Cancelled(),
        Submitted(),
        Queued(),
    ],
)
def test_check_task_is_ready_ends_with_any_other_state_itself(state):
    runner, recorder = runner_for()
    assert ended(runner.check_task_is_ready, state) is state
    assert recorder.calls == []


@pytest.mark.parametrize(
    ("state", "waits"),
    [
        (Pending(), False),
        (Running(), False),
        (Scheduled(start_time=LATER), True),
        (Scheduled(start_time=EARLIER), False),
        (Retrying(start_time=LATER), True),
        (Retrying(start_time=EARLIER), False),
        (Paused(start_time=LATER), True),
        (Paused(), True),  # a Paused state has no start time: it always waits
        (Resume(start_time=LATER), True),
    ],
)
def test_check_task_reached_start_time(state, waits):
    runner, recorder = runner_for()
    if waits:
        assert ended(runner.check_task_reached_start_time, state) is state
    else:
        assert runner.check_task_reached_start_time(state) is state
    assert recorder.calls == []


# -- caches and targets ------------------------------------------------------------------------

FIVE_MINUTES = datetime.timedelta(minutes=5)


def test_check_task_is_cached_without_cache_for_invalidates_any_cached_state():
    runner, recorder = runner_for()
    state = Pending()
    assert runner.check_task_is_cached(state, {}) is state
    for cached in (
        Cached(cached_result_expiration=LATER),
        Cached(cached_result_expiration=EARLIER),
    ):
        pending = runner.check_task_is_cached(cached, {})
        assert type(pending) is Pending and pending.message == "Cache was invalid; ready to run."
    assert len(recorder.calls) == 2


def test_check_task_is_cached_keeps_a_valid_cached_state_itself():
    runner, recorder = runner_for(Task(cache_for=FIVE_MINUTES))
    cached = Cached(result=Result(1), cached_result_expiration=LATER)
    assert runner.check_task_is_cached(cached, {}) is cached
    assert recorder.calls == []
    expired = Cached(result=Result(1), cached_result_expiration=EARLIER)
    assert runner.check_task_is_cached(expired, {}).message == "Cache was invalid; ready to run."


def test_check_task_is_cached_takes_the_first_valid_candidate_from_the_context(caplog):
    runner, recorder = runner_for(Task(name="c", cache_for=FIVE_MINUTES))
    good = Cached("good", result=Result(3), cached_result_expiration=LATER)
    stale = Cached("stale", result=Result(2), cached_result_expiration=EARLIER)
    state = Pending("p")
    with prefect_compat.context(caches={"c": [stale, good]}):
        assert runner.check_task_is_cached(state, {}) is good
    assert recorder.calls == [(state, good)]
    with prefect_compat.context(caches={"c": [stale]}):
        assert runner.check_task_is_cached(state, {}) is state
    assert "Task 'c': Can't use cache because it is now invalid" in caplog.text


def test_check_task_is_cached_looks_candidates_up_by_cache_key():
    runner, _ = runner_for(Task(name="c", cache_for=FIVE_MINUTES, cache_key="shared"))
    by_key = Cached("bykey", result=Result(5), cached_result_expiration=LATER)
    by_name = Cached("byname", result=Result(6), cached_result_expiration=LATER)
    with prefect_compat.context(caches={"shared": [by_key], "c": [by_name]}):
        assert runner.check_task_is_cached(Pending(), {}) is by_key


def test_check_target_loads_an_existing_target_as_cached(tmp_path):
    task_ = Task(name="tt", target="{task_name}-{x}.txt", result=LocalResult(dir=str(tmp_path)))
    runner, recorder = runner_for(task_)
    inputs = {"x": Result(1)}
    state = Pending()
    with prefect_compat.context(task_name="tt"):
        assert runner.check_target(state, inputs) is state  # nothing there yet
        LocalResult(dir=str(tmp_path), location="tt-1.txt").write(99)
        cached = runner.check_target(state, inputs)
        assert runner.check_target(Running(), inputs).message == cached.message  # any state
    assert type(cached) is Cached
    assert cached.message == "Result found at task target tt-1.txt"
    assert cached.result == 99 and type(cached._result) is LocalResult
    assert recorder.calls[0] == (state, cached)


def test_check_target_calls_a_callable_target_with_the_inputs(tmp_path):
    task_ = Task(
        target=lambda **kw: f"callable-{kw['x']}.txt", result=LocalResult(dir=str(tmp_path))
    )
    LocalResult(dir=str(tmp_path), location="callable-3.txt").write(5)
    cached = TaskRunner(task_).check_target(Pending(), {"x": Result(3)})
    assert cached.message == "Result found at task target callable-3.txt" and cached.result == 5


# -- inputs and run name -----------------------------------------------------------------------


def test_get_task_inputs_hands_over_the_upstream_result_objects_for_keyed_edges():
    runner, recorder = runner_for()
    result = Result(1)
    error = ValueError("x")
    inputs = runner.get_task_inputs(
        Pending(cached_inputs={"y": Result(0)}),
        {edge(key="x"): Success(result=result), edge(key=None): Success(result=Result(2))},
    )
    assert inputs == {"x": result} and inputs["x"] is result  # cached_inputs are not used
    assert runner.get_task_inputs(Pending(), {edge(): Failed(result=error)})["x"].value is error
    assert recorder.calls == []


def test_load_results_returns_its_arguments_themselves():
    state = Pending()
    upstream = {edge(): Success(result=1)}
    loaded = TaskRunner(Task()).load_results(state, upstream)
    assert loaded[0] is state and loaded[1] is upstream


def test_set_task_run_name_formats_into_the_current_context():
    runner = TaskRunner(Task(task_run_name="run-{x}-{task_name}"))
    with prefect_compat.context(task_name="tn"):
        assert runner.set_task_run_name({"x": Result(3)}) is None
        assert prefect_compat.context.get("task_run_name") == "run-3-tn"
    assert prefect_compat.context.get("task_run_name") is None
    with prefect_compat.context(parameters={"p": "P"}):
        TaskRunner(Task(task_run_name="{p}")).set_task_run_name({})
        assert prefect_compat.context.get("task_run_name") == "P"
        TaskRunner(Task(task_run_name=lambda **kw: f"call-{kw['x']}")).set_task_run_name(
            {"x": Result(4)}
        )
        assert prefect_compat.context.get("task_run_name") == "call-4"


def test_set_task_run_name_lets_a_missing_key_raise():
    with pytest.raises(KeyError, match="missing"):
        TaskRunner(Task(task_run_name="{missing}")).set_task_run_name({})

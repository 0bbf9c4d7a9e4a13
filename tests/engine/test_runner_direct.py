"""Runner methods called one by one with Prefect's arguments, answering as Prefect's do.

Every expectation here was observed on Prefect 1.4.1 and 0.13.19 (the runner probes):
which steps return the state they were given (the same object), which raise
`ENDRUN(state)` and with what, which fire state handlers and which never do. Where
prefect-compat deliberately answers differently, the test says so.
"""

from __future__ import annotations

import datetime
import inspect

import pytest

import prefect_compat
from prefect_compat import Task
from prefect_compat.core.edge import Edge
from prefect_compat.engine import flow_runner as flow_runner_module
from prefect_compat.engine import runner as runner_module
from prefect_compat.engine import signals
from prefect_compat.engine import task_runner as task_runner_module
from prefect_compat.engine.flow_runner import FlowRunner, FlowRunnerInitializeResult
from prefect_compat.engine.result import Result
from prefect_compat.engine.results import LocalResult
from prefect_compat.engine.runner import ENDRUN, Runner, call_state_handlers
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
from prefect_compat.engine.task_runner import TaskRunner, TaskRunnerInitializeResult
from prefect_compat.triggers import manual_only

NOW = datetime.datetime.now(datetime.timezone.utc)
LATER = NOW + datetime.timedelta(hours=1)
EARLIER = NOW - datetime.timedelta(hours=1)


class Recorder:
    """A runner-level state handler that records (old, new) and changes nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __call__(self, runner, old, new):
        self.calls.append((old, new))


def ended(call, *args, **kwargs):
    """The state carried by the ENDRUN that `call(*args, **kwargs)` must raise."""
    with pytest.raises(ENDRUN) as info:
        call(*args, **kwargs)
    return info.value.state


def runner_for(task=None, **kwargs):
    recorder = Recorder()
    runner = TaskRunner(task or Task(name="t"), state_handlers=[recorder], **kwargs)
    return runner, recorder


def edge(upstream=None, downstream=None, key="x", mapped=False):
    return Edge(upstream or Task(name="up"), downstream or Task(name="t"), key=key, mapped=mapped)


# -- import paths and shapes ----------------------------------------------------------------


def test_endrun_is_the_signals_class_at_every_runner_import_path():
    assert runner_module.ENDRUN is signals.ENDRUN
    assert flow_runner_module.ENDRUN is signals.ENDRUN
    assert task_runner_module.ENDRUN is signals.ENDRUN


def test_endrun_needs_a_state_and_escapes_except_exception():
    with pytest.raises(TypeError, match="state"):
        ENDRUN()  # type: ignore[call-arg]
    state = Skipped("stop")
    stop = ENDRUN(state)
    assert stop.state is state
    assert str(stop) == ""
    assert not isinstance(stop, Exception)  # 1.x: a BaseException, as Prefect 1.4.1


def test_initialize_results_are_named_tuples_with_prefects_fields():
    assert FlowRunnerInitializeResult._fields == (
        "state",
        "task_states",
        "context",
        "task_contexts",
    )
    assert TaskRunnerInitializeResult._fields == ("state", "context")
    assert issubclass(FlowRunnerInitializeResult, tuple)


def test_call_state_handlers_is_importable_from_each_runner_module():
    assert flow_runner_module.call_state_handlers is call_state_handlers
    assert task_runner_module.call_state_handlers is call_state_handlers


def test_run_task_is_a_module_function_not_a_flow_runner_method():
    assert not hasattr(FlowRunner, "run_task")
    params = inspect.signature(flow_runner_module.run_task).parameters
    assert list(params) == [
        "task",
        "state",
        "upstream_states",
        "context",
        "flow_result",
        "task_runner_cls",
        "task_runner_state_handlers",
        "upstream_mapped_states",
        "is_mapped_parent",
    ]
    assert params["is_mapped_parent"].default is False
    with pytest.raises(TypeError, match="extra_context"):
        flow_runner_module.run_task(
            Task(), None, {}, {}, None, TaskRunner, [], {}, extra_context={}
        )


def test_call_task_state_handlers_does_not_exist_as_in_prefect():
    assert not hasattr(Runner, "call_task_state_handlers")
    assert not hasattr(TaskRunner, "call_task_state_handlers")


def test_runners_derive_from_runner():
    assert FlowRunner.__mro__[1:] == (Runner, object)
    assert TaskRunner.__mro__[1:] == (Runner, object)


# -- Runner ---------------------------------------------------------------------------------


def test_runner_keeps_the_handler_sequence_and_refuses_a_non_sequence():
    handlers = (print,)
    assert Runner(state_handlers=handlers).state_handlers is handlers
    assert Runner().state_handlers == []
    with pytest.raises(TypeError, match="state_handlers should be iterable."):
        Runner(state_handlers={print})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="state_handlers should be iterable."):
        Runner(state_handlers=print)  # type: ignore[arg-type]


def test_runner_logger_and_repr_use_the_class_name():
    class Custom(TaskRunner):
        pass

    assert Custom(Task(name="t")).logger.name == "prefect.Custom"
    assert repr(Runner()) == '<"Runner">'
    assert repr(TaskRunner(Task(name="t"))) == "<TaskRunner: t>"


def test_runner_initialize_run_unwraps_meta_states_and_leaves_the_context():
    context = {"a": 1}
    inner = Running("r")
    state, returned = Runner().initialize_run(Submitted(state=Queued(state=inner)), context)
    assert state is inner
    assert returned is context and context == {"a": 1}
    assert type(Runner().initialize_run(None, {})[0]) is Pending


def test_runner_call_runner_target_handlers_returns_the_new_state():
    new = Running()
    assert Runner().call_runner_target_handlers(Pending(), new) is new


# -- the call_state_handlers decorator --------------------------------------------------------


class Decorated(TaskRunner):
    """Custom decorated methods (names far from every hook, so no near-miss warning)."""

    @call_state_handlers
    def give_back(self, state):
        return state

    @call_state_handlers
    def equal_but_new(self, state):
        return Pending()

    @call_state_handlers
    def stop_same(self, state):
        raise ENDRUN(state)

    @call_state_handlers
    def stop_new(self, state):
        raise ENDRUN(Skipped("endrun new"))

    @call_state_handlers
    def signal_fail(self, state):
        raise signals.FAIL("fail sig")

    @call_state_handlers
    def plain_error(self, state):
        raise KeyError("k")

    @call_state_handlers
    def nothing(self, state):
        return None

    @call_state_handlers
    def with_extras(self, state, a, b=2):
        return Running(f"a={a} b={b}")


def test_decorator_fires_handlers_only_for_a_different_state_object():
    recorder = Recorder()
    runner = Decorated(Task(name="d"), state_handlers=[recorder])
    state = Pending()
    assert runner.give_back(state) is state
    assert recorder.calls == []
    new = runner.equal_but_new(state)
    assert new is not state and new == state  # equal states, still a change
    assert recorder.calls == [(state, new)]


def test_decorator_endrun_with_the_same_state_fires_nothing():
    recorder = Recorder()
    state = Pending()
    assert ended(Decorated(Task(), state_handlers=[recorder]).stop_same, state) is state
    assert recorder.calls == []


def test_decorator_endrun_with_a_new_state_carries_the_handlers_answer():
    state = Pending()
    replaced = Failed("replaced by handler")
    runner = Decorated(Task(), state_handlers=[lambda r, old, new: replaced])
    assert ended(runner.stop_new, state) is replaced


def test_decorator_turns_a_signal_into_its_state_and_an_error_into_failed():
    recorder = Recorder()
    runner = Decorated(Task(), state_handlers=[recorder])
    failed = runner.signal_fail(Pending())
    assert type(failed) is Failed and failed.message == "fail sig"
    assert isinstance(failed.result, signals.FAIL)
    error = runner.plain_error(Pending())
    assert type(error) is Failed
    assert error.message == "Unexpected error: KeyError('k')"
    assert isinstance(error.result, KeyError)
    assert [type(new) for _, new in recorder.calls] == [Failed, Failed]


def test_decorator_reraises_with_raise_on_exception():
    runner = Decorated(Task())
    with prefect_compat.context(raise_on_exception=True):
        with pytest.raises(KeyError):
            runner.plain_error(Pending())
        with pytest.raises(signals.FAIL):
            runner.signal_fail(Pending())


def test_decorator_passes_none_and_extra_arguments_through():
    recorder = Recorder()
    runner = Decorated(Task(), state_handlers=[recorder])
    state = Pending()
    assert runner.nothing(state) is None
    assert recorder.calls == [(state, None)]
    assert runner.with_extras(state, 1, b=3).message == "a=1 b=3"


# -- handle_state_change and the target's handlers -------------------------------------------


def test_handle_state_change_calls_task_handlers_then_on_failure_then_runner_handlers():
    order = []

    def first(task, old, new):
        order.append(("task 1", type(new).__name__))

    def second(task, old, new):
        order.append(("task 2", type(new).__name__))
        return Failed("changed by task 2")

    def on_failure(task, state):
        order.append(("on_failure", state.message))

    def runner_handler(runner, old, new):
        order.append(("runner", new.message))

    t = Task(name="th", state_handlers=[first, second], on_failure=on_failure)
    old = Running()
    out = TaskRunner(t, state_handlers=[runner_handler]).handle_state_change(old, old)
    assert out.message == "changed by task 2"
    assert order == [
        ("task 1", "Running"),
        ("task 2", "Running"),
        ("on_failure", "changed by task 2"),
        ("runner", "changed by task 2"),
    ]
    order.clear()
    direct = TaskRunner(t, state_handlers=[runner_handler]).call_runner_target_handlers(old, old)
    assert direct.message == "changed by task 2"
    assert [who for who, _ in order] == ["task 1", "task 2", "on_failure"]  # no runner handler


@pytest.mark.parametrize(
    ("raised", "expected"),
    [(signals.FAIL("h fail"), Failed), (signals.SKIP("h skip"), Skipped)],
)
def test_handler_raising_a_state_signal_gives_its_state(raised, expected):
    def handler(runner, old, new):
        raise raised

    runner = TaskRunner(Task(), state_handlers=[handler])
    out = runner.handle_state_change(Pending(), Running())
    assert type(out) is expected and out.result is raised
    with prefect_compat.context(raise_on_exception=True), pytest.raises(type(raised)):
        runner.handle_state_change(Pending(), Running())


def test_handler_raising_pause_or_endrun_propagates():
    def pauses(runner, old, new):
        raise signals.PAUSE("h pause")

    def stops(runner, old, new):
        raise ENDRUN(Success("h endrun"))

    with pytest.raises(signals.PAUSE):
        TaskRunner(Task(), state_handlers=[pauses]).handle_state_change(Pending(), Running())
    stopped = ended(
        TaskRunner(Task(), state_handlers=[stops]).handle_state_change, Pending(), Running()
    )
    assert stopped.message == "h endrun"


def test_handler_raising_an_error_ends_the_run_failed():
    def task_handler(task, old, new):
        raise ValueError("task handler boom")

    runner = TaskRunner(Task(state_handlers=[task_handler]))
    state = ended(runner.handle_state_change, Pending(), Running())
    assert type(state) is Failed
    assert state.message == (
        "Unexpected error while calling state handlers: ValueError('task handler boom')"
    )
    assert isinstance(state.result, ValueError)
    with prefect_compat.context(raise_on_exception=True), pytest.raises(ValueError):
        runner.handle_state_change(Pending(), Running())


def test_flow_runner_target_handlers_are_the_flows_then_its_on_failure():
    order = []

    def flow_handler(flow, old, new):
        order.append("flow")

    def on_failure(flow, state):
        order.append(("on_failure", flow.name, state.message))

    flow = prefect_compat.Flow("H", state_handlers=[flow_handler], on_failure=on_failure)
    out = FlowRunner(flow).call_runner_target_handlers(Running(), Failed("x"))
    assert out.message == "x"
    assert order == ["flow", ("on_failure", "H", "x")]


# -- TaskRunner construction and initialize_run -----------------------------------------------


def test_task_runner_attributes_follow_prefect():
    plain = Task(name="t")
    with prefect_compat.context(marker=1):
        runner = TaskRunner(plain)
    assert runner.context["marker"] == 1
    assert runner.task is plain and runner.flow_result is None
    assert type(runner.result) is Result
    flow_result = LocalResult(dir="/tmp/fr")
    copied = TaskRunner(plain, flow_result=flow_result).result
    assert type(copied) is LocalResult and copied is not flow_result
    own = LocalResult(dir="/tmp/own")
    assert TaskRunner(Task(result=own), flow_result=flow_result).result is own


def test_task_initialize_run_fills_and_returns_the_same_context():
    context = {"task_run_count": 7, "task_name": "old", "extra": "kept"}
    t = Task(name="t", tags=["a"])
    with prefect_compat.context(task_run_count=99):
        out = TaskRunner(t).initialize_run(None, context)
    assert isinstance(out, TaskRunnerInitializeResult)
    assert out.context is context
    assert type(out.state) is Pending
    assert context["task_run_count"] == 1  # overwritten, whatever was there
    assert context["task_name"] == "t" and context["task_tags"] == {"a"}
    assert context["extra"] == "kept" and context["checkpointing"] is False
    assert context["logger"].name == "prefect.t"
    assert prefect_compat.context.get("task_name") is None  # the global context is untouched


@pytest.mark.parametrize(
    ("state", "run_count"),
    [
        (Retrying(run_count=2), 3),
        (Retrying(), 2),
        (Pending(context={"task_run_count": 5}), 5),
        (Submitted(state=Retrying(run_count=2)), 3),
    ],
)
def test_task_initialize_run_derives_the_run_count_from_the_state(state, run_count):
    out = TaskRunner(Task()).initialize_run(state, {})
    assert out.context["task_run_count"] == run_count
    assert not isinstance(out.state, Submitted)


def test_task_initialize_run_reads_loop_keys_and_resume():
    state = Retrying(run_count=2, context={"_loop_count": 3}, result=Result(7))
    context = TaskRunner(Task()).initialize_run(state, {}).context
    assert (context["task_loop_count"], context["task_loop_result"]) == (3, 7)
    assert context["task_run_count"] == 3
    assert "_loop_count" not in state.context  # popped, as Prefect does
    assert TaskRunner(Task()).initialize_run(Resume(), {}).context["resume"] is True


def test_task_initialize_run_logger_names_a_mapped_child():
    context = {"map_index": 2, "task_full_name": "t[2]"}
    assert TaskRunner(Task(name="t")).initialize_run(None, context).context["logger"].name == (
        "prefect.t[2]"
    )


def test_task_initialize_run_honours_a_preset_checkpointing_key():
    context = {"checkpointing": True}
    assert TaskRunner(Task()).initialize_run(None, context).context["checkpointing"] is True


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


# -- TaskRunner.run: handler sequences (probe p08) ----------------------------------------------


class ReadsContext(Task):
    def run(self, x=None):
        ctx = prefect_compat.context
        return x, ctx.get("task_full_name"), ctx.get("map_index"), ctx.get("task_run_count")


def transitions(recorder):
    return [(type(old).__name__, type(new).__name__) for old, new in recorder.calls]


def test_task_run_fires_pending_running_success_and_leaves_the_context():
    runner, recorder = runner_for(ReadsContext(name="ct"))
    before = prefect_compat.context.to_dict()
    state = runner.run(upstream_states={edge(): Success(result=Result(5))})
    assert state.result == (5, "ct", None, 1)
    assert transitions(recorder) == [("Pending", "Running"), ("Running", "Success")]
    assert prefect_compat.context.to_dict() == before


def test_task_run_of_a_mapped_child_names_it_by_index():
    runner, _ = runner_for(ReadsContext(name="ct"))
    state = runner.run(
        upstream_states={edge(): Success(result=Result(5))}, context={"map_index": 2}
    )
    assert state.result == (5, "ct[2]", 2, 1)


def test_task_run_with_a_failed_upstream_fires_one_trigger_failed():
    runner, recorder = runner_for(ReadsContext())
    state = runner.run(upstream_states={edge(): Failed()})
    assert type(state) is TriggerFailed
    assert transitions(recorder) == [("Pending", "TriggerFailed")]


def test_task_run_with_an_unfinished_upstream_returns_its_pending_state_silently():
    runner, recorder = runner_for(ReadsContext())
    state = Pending()
    assert runner.run(state=state, upstream_states={edge(): Running()}) is state
    done = Success("done")
    assert runner.run(state=done) is done
    assert recorder.calls == []


def test_task_run_as_mapped_parent_fires_pending_mapped():
    runner, recorder = runner_for(ReadsContext())
    upstream = {edge(mapped=True): Success(result=Result([1, 2]))}
    state = runner.run(upstream_states=upstream, is_mapped_parent=True)
    assert type(state) is Mapped and state.n_map_states == 2
    assert transitions(recorder) == [("Pending", "Mapped")]


class Loops(Task):
    def run(self):
        count = prefect_compat.context.get("task_loop_count")
        if count < 3:
            raise signals.LOOP(message=f"loop {count}", result=count * 10)
        return prefect_compat.context.get("task_loop_result")


def test_task_run_loops_without_reporting_the_looped_to_pending_step():
    runner, recorder = runner_for(Loops())
    state = runner.run()
    assert type(state) is Success and state.result == 20
    assert [(type(o).__name__, n.message) for o, n in recorder.calls] == [
        ("Pending", "Starting task run."),
        ("Running", "loop 1"),
        ("Pending", "Starting task run."),
        ("Running", "loop 2"),
        ("Pending", "Starting task run."),
        ("Running", "Task run succeeded."),
    ]

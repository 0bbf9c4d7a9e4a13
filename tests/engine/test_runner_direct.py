"""Runner methods called one by one with Prefect's arguments, answering as Prefect's do.

Every expectation here was observed on Prefect 1.4.1 and 0.13.19 (the runner probes):
which steps return the state they were given (the same object), which raise
`ENDRUN(state)` and with what, which fire state handlers and which never do. Where
prefect-compat deliberately answers differently, the test says so.
"""

from __future__ import annotations

import inspect

import pytest

import prefect_compat
from prefect_compat import Task
from prefect_compat.engine import flow_runner as flow_runner_module
from prefect_compat.engine import runner as runner_module
from prefect_compat.engine import signals
from prefect_compat.engine import task_runner as task_runner_module
from prefect_compat.engine.flow_runner import FlowRunner, FlowRunnerInitializeResult
from prefect_compat.engine.result import Result
from prefect_compat.engine.results import LocalResult
from prefect_compat.engine.runner import ENDRUN, Runner, call_state_handlers
from prefect_compat.engine.state import (
    Failed,
    Mapped,
    Pending,
    Queued,
    Resume,
    Retrying,
    Running,
    Skipped,
    Submitted,
    Success,
    TriggerFailed,
)
from prefect_compat.engine.task_runner import TaskRunner, TaskRunnerInitializeResult
from tests.fixtures.runners import Recorder, edge, ended, runner_for

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

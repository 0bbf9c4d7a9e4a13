"""FlowRunner methods and `run_task` called one by one with Prefect's arguments.

The expectations were observed on Prefect 1.4.1 and 0.13.19 (the runner probes); see
tests/engine/test_runner_direct.py for Runner and TaskRunner.
"""

from __future__ import annotations

import datetime
import logging

import pytest

import prefect_compat
from prefect_compat import Flow, Parameter, Task, task
from prefect_compat.core.edge import Edge
from prefect_compat.engine.flow_runner import FlowRunner, FlowRunnerInitializeResult, run_task
from prefect_compat.engine.result import Result
from prefect_compat.engine.state import (
    Cancelled,
    Failed,
    Looped,
    Mapped,
    Paused,
    Pending,
    Queued,
    Retrying,
    Running,
    Scheduled,
    Skipped,
    Submitted,
    Success,
    TriggerFailed,
)
from prefect_compat.engine.task_runner import TaskRunner
from prefect_compat.executors import LocalExecutor
from tests.fixtures.runners import EARLIER, LATER, Recorder, ended


@task
def one():
    return 1


@task
def plus_extra(x):
    return x + prefect_compat.context.get("extra", 0)


def two_step_flow():
    px = Parameter("px", default=10)
    py = Parameter("py")
    with Flow("F") as flow:
        a = one()
        b = plus_extra(a)
    flow.add_task(px)
    flow.add_task(py)
    return flow, a, b


def runner_for(flow):
    recorder = Recorder()
    return FlowRunner(flow, state_handlers=[recorder]), recorder


# -- construction --------------------------------------------------------------------------------


def test_flow_runner_reads_the_default_task_runner_class_when_built():
    class Custom(TaskRunner):
        pass

    flow, _, _ = two_step_flow()
    assert FlowRunner(flow).task_runner_cls is TaskRunner
    prefect_compat.config.engine.task_runner.default_class = Custom
    try:
        assert FlowRunner(flow).task_runner_cls is Custom
    finally:
        prefect_compat.config.engine.task_runner.default_class = (
            "prefect.engine.task_runner.TaskRunner"
        )
    assert repr(FlowRunner(flow)) == "<FlowRunner: F>"


# -- initialize_run ------------------------------------------------------------------------------


def initialize(runner, state=None, context=None, parameters=None, task_contexts=None):
    task_states: dict = {}
    context = {} if context is None else context
    task_contexts = {} if task_contexts is None else task_contexts
    out = runner.initialize_run(state, task_states, context, task_contexts, parameters)
    assert isinstance(out, FlowRunnerInitializeResult)
    assert out.task_states is task_states
    assert out.context is context and out.task_contexts is task_contexts
    return out


def test_flow_initialize_run_fills_the_dicts_it_was_given():
    flow, a, b = two_step_flow()
    runner, recorder = runner_for(flow)
    out = initialize(runner, parameters={"py": 2})
    assert type(out.state) is Pending
    context = out.context
    assert context["parameters"] == {"px": 10, "py": 2}
    assert context["flow_name"] == "F"
    assert isinstance(context["scheduled_start_time"], datetime.datetime)
    for key in ("date", "scheduled_start_time"):  # printed as Prefect's pendulum 2 times
        assert str(context[key]) == context[key].isoformat() and "T" in str(context[key])
    today = context["date"].strftime("%Y-%m-%d")
    assert context["today"] == today and context["today_nodash"] == today.replace("-", "")
    assert {"yesterday", "tomorrow", "yesterday_nodash", "tomorrow_nodash"} <= set(context)
    assert prefect_compat.context.get("flow_name") is None  # the global context is untouched
    assert recorder.calls == []


def test_flow_initialize_run_parameter_precedence():
    flow, _, _ = two_step_flow()
    runner = FlowRunner(flow)
    given = {"parameters": {"px": 5}}
    assert initialize(runner, context=given, parameters={"py": 2}).context["parameters"] == {
        "px": 5,
        "py": 2,
    }
    given = {"parameters": {"px": 5}}
    assert initialize(runner, context=given, parameters={"px": 6}).context["parameters"] == {
        "px": 6
    }
    assert initialize(runner, parameters={"zzz": 1}).context["parameters"] == {"px": 10, "zzz": 1}
    assert initialize(runner, parameters=None).context["parameters"] == {"px": 10}


def test_flow_initialize_run_keeps_preset_keys_but_always_sets_the_flow_name():
    flow, _, _ = two_step_flow()
    context = initialize(
        FlowRunner(flow),
        context={"today": "X", "scheduled_start_time": "S", "flow_name": "other"},
    ).context
    assert context["today"] == "X" and context["scheduled_start_time"] == "S"
    assert context["flow_name"] == "F"


def test_flow_initialize_run_derives_the_date_strings_from_a_given_date(caplog):
    flow, _, _ = two_step_flow()
    context = initialize(FlowRunner(flow), context={"date": "2020-01-02T03:04:05"}).context
    assert context["date"] == datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    assert (context["today"], context["yesterday"], context["tomorrow_nodash"]) == (
        "2020-01-02",
        "2020-01-01",
        "20200103",
    )
    given = datetime.datetime(2021, 5, 6, tzinfo=datetime.timezone.utc)
    assert initialize(FlowRunner(flow), context={"date": given}).context["today"] == "2021-05-06"
    with caplog.at_level(logging.WARNING, logger="prefect"):
        bad = initialize(FlowRunner(flow), context={"date": "not a date"}).context
    assert bad["date"] == "not a date"
    assert bad["today"] == datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    assert "`date` was set in the context manually but could not be parsed" in caplog.text


def test_flow_initialize_run_gives_every_task_its_name_and_slug():
    flow, a, b = two_step_flow()
    task_contexts = {a: {"foo": 1, "task_name": "ignored"}}
    out = initialize(FlowRunner(flow), task_contexts=task_contexts)
    assert set(task_contexts) == flow.tasks
    assert task_contexts[a] == {"foo": 1, "task_name": "one", "task_slug": flow.slugs[a]}
    px = next(t for t in flow.tasks if t.name == "px")
    assert task_contexts[px] == {"task_name": "px", "task_slug": "px"}
    assert out.task_contexts[b]["task_name"] == "plus_extra"


def test_flow_initialize_run_unwraps_a_meta_state():
    flow, _, _ = two_step_flow()
    inner = Running("r")
    assert initialize(FlowRunner(flow), state=Submitted(state=inner)).state is inner


# -- the checks before running -------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", [Pending(), Running(), Scheduled(start_time=LATER), Retrying(), Paused()]
)
def test_check_flow_is_pending_or_running_returns_the_state_itself(state):
    runner, recorder = runner_for(two_step_flow()[0])
    assert runner.check_flow_is_pending_or_running(state) is state
    assert recorder.calls == []


@pytest.mark.parametrize(
    ("state", "log"),
    [
        (Success(), "Flow run has already finished."),
        (Failed(), "Flow run has already finished."),
        (Skipped(), "Flow run has already finished."),
        (Cancelled(), "Flow run has already finished."),
        (Mapped(), "Flow run has already finished."),
        (Looped(), "Flow run has already finished."),
        (Submitted(state=Pending()), "Flow is not ready to run."),
        (Queued(state=Pending()), "Flow is not ready to run."),
    ],
)
def test_check_flow_is_pending_or_running_ends_other_states(state, log, caplog):
    runner, recorder = runner_for(two_step_flow()[0])
    with caplog.at_level(logging.INFO, logger="prefect"):
        assert ended(runner.check_flow_is_pending_or_running, state) is state
    assert log in caplog.text
    assert recorder.calls == []


@pytest.mark.parametrize(
    ("state", "waits"),
    [
        (Pending(), False),
        (Running(), False),
        (Scheduled(start_time=LATER), True),
        (Scheduled(start_time=EARLIER), False),
        (Retrying(start_time=LATER), True),
        (Paused(start_time=LATER), True),
        (Paused(), False),  # no start time: a flow does not wait (unlike a task)
    ],
)
def test_check_flow_reached_start_time(state, waits):
    runner, recorder = runner_for(two_step_flow()[0])
    if waits:
        assert ended(runner.check_flow_reached_start_time, state) is state
    else:
        assert runner.check_flow_reached_start_time(state) is state
    assert recorder.calls == []


@pytest.mark.parametrize("state", [Pending(), Scheduled(start_time=LATER)])
def test_set_flow_to_running_starts_a_pending_state(state):
    runner, recorder = runner_for(two_step_flow()[0])
    running = runner.set_flow_to_running(state)
    assert type(running) is Running and running.message == "Running flow."
    assert recorder.calls == [(state, running)]


def test_set_flow_to_running_keeps_running_and_ends_anything_else():
    runner, recorder = runner_for(two_step_flow()[0])
    running = Running()
    assert runner.set_flow_to_running(running) is running
    for state in (Success(), Failed(), Submitted(state=Pending())):
        assert ended(runner.set_flow_to_running, state) is state
    assert recorder.calls == []


# -- get_flow_run_state --------------------------------------------------------------------------


def flow_run_state(runner, state=None, **kwargs):
    options = {
        "task_states": {},
        "task_contexts": {},
        "return_tasks": None,
        "task_runner_state_handlers": None,
        "executor": LocalExecutor(),
    }
    options.update(kwargs)
    with prefect_compat.context(parameters={"px": 10, "py": 1}):
        return runner.get_flow_run_state(state or Running(), **options)


def test_get_flow_run_state_ends_a_state_that_is_not_running(caplog):
    runner, recorder = runner_for(two_step_flow()[0])
    state = Pending()
    with caplog.at_level(logging.INFO, logger="prefect"):
        assert ended(flow_run_state, runner, state) is state
    assert "Flow is not in a Running state." in caplog.text
    assert recorder.calls == []


def test_get_flow_run_state_runs_the_tasks_and_fills_task_states():
    flow, a, b = two_step_flow()
    runner, recorder = runner_for(flow)
    task_states: dict = {}
    running = Running()
    state = flow_run_state(runner, running, task_states=task_states, return_tasks=[b])
    assert type(state) is Success and state.message == "All reference tasks succeeded."
    assert list(state.result) == [b] and state.result[b].result == 1
    assert set(task_states) == flow.tasks  # filled in place with every task's state
    assert recorder.calls == [(running, state)]
    assert flow_run_state(FlowRunner(flow)).result == {}


def test_get_flow_run_state_keeps_finished_task_states_and_merges_task_contexts():
    flow, a, b = two_step_flow()
    state = flow_run_state(
        FlowRunner(flow),
        task_states={a: Success(result=5)},
        task_contexts={b: {"extra": 100}},
        return_tasks={b},
    )
    assert state.result[b].result == 105


def test_get_flow_run_state_hands_task_runner_handlers_to_every_task_run():
    flow, a, b = two_step_flow()
    recorder = Recorder()
    flow_run_state(FlowRunner(flow), task_runner_state_handlers=[recorder])
    assert len(recorder.calls) == 8  # Pending->Running->Success for a, b and both Parameters


def test_get_flow_run_state_refuses_return_tasks_outside_the_flow():
    flow, _, _ = two_step_flow()
    runner, recorder = runner_for(flow)
    state = flow_run_state(runner, return_tasks=[Task(name="stranger")])
    assert type(state) is Failed
    assert state.message == (
        "Unexpected error: ValueError('Some tasks in return_tasks were not found in the flow.')"
    )
    assert isinstance(state.result, ValueError)
    assert len(recorder.calls) == 1


# -- determine_final_state -----------------------------------------------------------------------


def test_determine_final_state_keeps_the_same_running_state_while_terminal_tasks_run():
    runner, recorder = runner_for(two_step_flow()[0])
    state = Running("r")
    returned = {"k": 1}
    out = runner.determine_final_state(state, {Success()}, returned, {Success(), Retrying()})
    assert out is state and state.result == returned
    assert recorder.calls == []


@pytest.mark.parametrize(
    ("key_states", "terminal_states", "expected", "message"),
    [
        ({Failed()}, {Success()}, Failed, "Some reference tasks failed."),
        ({TriggerFailed()}, {Success()}, Failed, "Some reference tasks failed."),
        ({Success(), Skipped(), Mapped()}, {Success()}, Success, "All reference tasks succeeded."),
        (set(), {Success()}, Success, "All reference tasks succeeded."),
        ({Success()}, {Failed()}, Success, "All reference tasks succeeded."),
        ({Cancelled()}, {Success()}, Success, "No reference tasks failed."),
        ({Looped()}, {Success()}, Success, "No reference tasks failed."),
    ],
)
def test_determine_final_state_judges_the_reference_tasks(
    key_states, terminal_states, expected, message
):
    runner, recorder = runner_for(two_step_flow()[0])
    returned: dict = {}
    out = runner.determine_final_state(Running(), key_states, returned, terminal_states)
    assert type(out) is expected and out.message == message and out.result is returned
    assert recorder.calls == []  # not decorated: no handlers


def test_determine_final_state_asks_the_terminal_state_handler():
    seen = []

    def terminal(flow, state, key_states):
        seen.append((flow.name, state.message, key_states))
        return Failed("overridden by terminal_state_handler")

    flow = Flow("T", terminal_state_handler=terminal)
    key = {Success()}
    out = FlowRunner(flow).determine_final_state(Running(), key, {}, {Success()})
    assert out.message == "overridden by terminal_state_handler"
    assert seen == [("T", "All reference tasks succeeded.", key)]
    quiet = Flow("Q", terminal_state_handler=lambda flow, state, keys: None)
    assert FlowRunner(quiet).determine_final_state(Running(), key, {}, {Success()}).message == (
        "All reference tasks succeeded."
    )


def test_the_terminal_state_handler_also_hears_a_run_that_is_still_running():
    """Prefect 1.4.1 calls it whatever the outcome; an unfinished terminal task leaves
    the flow Running, and the handler may answer with a finished state."""
    seen = []

    def terminal(flow, state, key_states):
        seen.append(type(state).__name__)
        return Failed("gave up early")

    running = Running()
    flow = Flow("T", terminal_state_handler=terminal)
    out = FlowRunner(flow).determine_final_state(running, {Success()}, {}, {Pending()})
    assert seen == ["Running"]
    assert out.message == "gave up early"
    quiet = Flow("Q", terminal_state_handler=lambda flow, state, keys: None)
    assert FlowRunner(quiet).determine_final_state(running, set(), {}, {Pending()}) is running


# -- run_task, the module function -------------------------------------------------------------


class AddTask(Task):
    def run(self, x, y=2):
        return x + y


def test_run_task_runs_one_task_with_a_fresh_task_runner():
    made = []

    class Recording(TaskRunner):
        def __init__(self, task, state_handlers=None, flow_result=None):
            made.append((task.name, list(state_handlers), flow_result))
            super().__init__(task, state_handlers=state_handlers, flow_result=flow_result)

    t = AddTask(name="add")
    upstream = {Edge(Task(), t, key="x"): Success(result=Result(1))}
    handler = Recorder()
    state = run_task(t, None, upstream, {}, None, Recording, [handler], {})
    assert type(state) is Success and state.result == 3
    assert made == [("add", [handler], None)]
    assert [type(new) for _, new in handler.calls] == [Running, Success]


def test_run_task_as_a_mapped_parent_ends_mapped():
    t = AddTask()
    upstream = {Edge(Task(), t, key="x", mapped=True): Success(result=Result([1, 2]))}
    state = run_task(t, None, upstream, {}, None, TaskRunner, [], {}, is_mapped_parent=True)
    assert type(state) is Mapped and state.n_map_states == 2
    assert state.message == "Ready to proceed with mapping."


class Total(Task):
    def run(self, x):
        return sum(x)


def test_run_task_gives_a_reducer_the_children_of_a_mapped_upstream():
    t = Total()
    e = Edge(Task(), t, key="x")
    children = [Success(result=Result(1)), Success(result=Result(2))]
    parent = Mapped("Ready to proceed with mapping.", n_map_states=2)
    state = run_task(t, None, {e: parent}, {}, None, TaskRunner, [], {e: children})
    assert type(state) is Success and state.result == 3


def test_check_for_cancellation_is_a_context_manager_that_does_nothing():
    with FlowRunner(two_step_flow()[0]).check_for_cancellation() as held:
        assert held is None


# -- FlowRunner.run ------------------------------------------------------------------------------


def test_flow_run_handler_sequence_with_flow_handlers_first():
    order = []
    flow, _, _ = two_step_flow()
    flow.state_handlers = [lambda f, old, new: order.append(("flow", new.message))]
    runner = FlowRunner(
        flow, state_handlers=[lambda r, old, new: order.append(("runner", new.message))]
    )
    assert runner.run(parameters={"py": 1}).is_successful()
    assert order == [
        ("flow", "Running flow."),
        ("runner", "Running flow."),
        ("flow", "All reference tasks succeeded."),
        ("runner", "All reference tasks succeeded."),
    ]


def test_flow_run_returns_a_finished_or_future_state_as_is():
    flow, _, _ = two_step_flow()
    done = Success("already")
    assert FlowRunner(flow).run(state=done) is done
    waiting = Scheduled(start_time=LATER)
    assert FlowRunner(flow).run(state=waiting) is waiting


class Broken(FlowRunner):
    def check_flow_reached_start_time(self, state):
        raise RuntimeError("kaboom")


def test_flow_run_turns_an_unexpected_error_into_failed_through_the_handlers(caplog):
    flow, _, _ = two_step_flow()
    recorder = Recorder()
    state = Broken(flow, state_handlers=[recorder]).run()
    assert type(state) is Failed
    assert state.message == "Unexpected error while running flow: RuntimeError('kaboom')"
    assert isinstance(state.result, RuntimeError)
    assert [type(new) for _, new in recorder.calls] == [Failed]
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_flow_run_reraises_with_raise_on_exception_in_its_context():
    flow, _, _ = two_step_flow()
    with pytest.raises(RuntimeError, match="kaboom"):
        Broken(flow).run(context={"raise_on_exception": True})
    with prefect_compat.context(raise_on_exception=True), pytest.raises(RuntimeError):
        Broken(flow).run()

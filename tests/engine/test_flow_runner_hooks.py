"""FlowRunner subclasses: each overridden hook runs at its point of a real run and
decides the outcome (observed on Prefect 1.4.1 and 0.13.19); plus the warnings for
a runner method one typo away from a hook, and the runner's log lines.
"""

from __future__ import annotations

import datetime

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.engine.flow_runner import FlowRunner
from prefect_compat.engine.runner import ENDRUN, call_state_handlers
from prefect_compat.engine.state import (
    Cancelled,
    Failed,
    Running,
    Scheduled,
    Skipped,
)
from prefect_compat.engine.task_runner import TaskRunner
from tests.fixtures.runners import LATER, one, run_with, simple_flow

# -- FlowRunner subclasses through flow.run(runner_cls=...) ------------------------------------


def test_flow_initialize_run_override_adds_to_the_flow_context():
    seen = []

    class Setup(FlowRunner):
        def initialize_run(self, state, task_states, context, task_contexts, parameters):
            seen.append((state, sorted(task_contexts), parameters))
            out = super().initialize_run(state, task_states, context, task_contexts, parameters)
            out.context["region"] = "eu"
            return out

    @task
    def region():
        return prefect_compat.context.get("region")

    flow = Flow("FI", tasks=[region])
    state = flow.run(runner_cls=Setup)
    assert state.result[region].result == "eu"
    assert len(seen) == 1 and isinstance(seen[0][0], Scheduled) and seen[0][2] == {}


def test_check_flow_is_pending_or_running_override_stops_the_flow():
    ran = []

    class Closed(FlowRunner):
        def check_flow_is_pending_or_running(self, state):
            raise ENDRUN(Cancelled("closed"))

    @task
    def body():
        ran.append(1)

    state = Flow("C", tasks=[body]).run(runner_cls=Closed)
    assert type(state) is Cancelled and state.message == "closed" and ran == []


def test_check_flow_reached_start_time_override_can_start_early():
    class Impatient(FlowRunner):
        def check_flow_reached_start_time(self, state):
            return state

    flow, o, r = simple_flow()
    early = Scheduled(start_time=LATER)
    assert FlowRunner(flow).run(state=early) is early
    state = Impatient(flow).run(state=early, return_tasks=[r])
    assert state.is_successful() and state.result[r].result == 11


def test_set_flow_to_running_override_is_undecorated_so_flow_handlers_see_no_start():
    flow_calls = []

    class QuietStart(FlowRunner):
        def set_flow_to_running(self, state):
            return Running("started quietly")

    flow, o, r = simple_flow()
    flow.state_handlers = [lambda f, old, new: flow_calls.append(new.message)]
    state = flow.run(runner_cls=QuietStart)
    assert state.is_successful()
    assert flow_calls == ["All reference tasks succeeded."]  # no Pending -> Running call
    flow_calls.clear()
    flow.run()
    assert flow_calls == ["Running flow.", "All reference tasks succeeded."]


def test_get_flow_run_state_override_decides_the_flow_state():
    class Vetoed(FlowRunner):
        def get_flow_run_state(
            self,
            state,
            task_states,
            task_contexts,
            return_tasks,
            task_runner_state_handlers,
            executor,
        ):
            done = super().get_flow_run_state(
                state,
                task_states,
                task_contexts,
                return_tasks,
                task_runner_state_handlers,
                executor,
            )
            return Failed("vetoed", result=done.result)

    flow, o, r = simple_flow()
    state = flow.run(runner_cls=Vetoed)
    assert type(state) is Failed and state.message == "vetoed"
    assert state.result[r].result == 11


def test_determine_final_state_override_gets_prefects_arguments_once():
    seen = []

    class Strict(FlowRunner):
        def determine_final_state(self, state, key_states, return_states, terminal_states):
            seen.append((state.message, key_states, return_states, terminal_states))
            return Failed("final by override", result=return_states)

    flow, o, r = simple_flow()
    state = flow.run(runner_cls=Strict)
    assert type(state) is Failed and state.message == "final by override"
    [(message, key_states, return_states, terminal_states)] = seen
    assert message == "Running flow."
    assert set(return_states) == {o, r}
    assert key_states == {return_states[r]} and terminal_states == {return_states[r]}


def test_flow_call_runner_target_handlers_override_replaces_the_flow_handlers():
    flow_calls = []

    class NoFlowHandlers(FlowRunner):
        def call_runner_target_handlers(self, old_state, new_state):
            return new_state

    flow, _, _ = simple_flow()
    flow.state_handlers = [lambda f, old, new: flow_calls.append(new)]
    assert flow.run(runner_cls=NoFlowHandlers).is_successful()
    assert flow_calls == []


def test_flow_handle_state_change_override_sees_the_flow_transitions():
    seen = []

    class Watching(FlowRunner):
        def handle_state_change(self, old_state, new_state):
            seen.append((type(old_state).__name__, new_state.message))
            return super().handle_state_change(old_state, new_state)

    flow, _, _ = simple_flow()
    assert flow.run(runner_cls=Watching).is_successful()
    assert seen == [("Scheduled", "Running flow."), ("Running", "All reference tasks succeeded.")]


def test_flow_run_override_is_called_per_pass_with_prefects_keywords():
    passes = []
    attempts = {"n": 0}

    @task(max_retries=1, retry_delay=datetime.timedelta(0))
    def flaky():
        attempts["n"] += 1
        if attempts["n"] == 1:
            raise ValueError("first time")
        return "ok"

    class Counting(FlowRunner):
        def run(  # noqa: PLR0913, PLR0917 - Prefect's signature
            self,
            state=None,
            task_states=None,
            return_tasks=None,
            parameters=None,
            task_runner_state_handlers=None,
            executor=None,
            context=None,
            task_contexts=None,
        ):
            passes.append(type(state).__name__)
            return super().run(
                state=state,
                task_states=task_states,
                return_tasks=return_tasks,
                parameters=parameters,
                task_runner_state_handlers=task_runner_state_handlers,
                executor=executor,
                context=context,
                task_contexts=task_contexts,
            )

    state = Flow("P", tasks=[flaky]).run(runner_cls=Counting)
    assert state.is_successful() and state.result[flaky].result == "ok"
    assert passes == ["Scheduled", "Running"]


def test_check_for_cancellation_override_is_held_while_the_tasks_run():
    from contextlib import contextmanager

    events = []

    @task
    def body():
        events.append("task ran")

    class Watching(FlowRunner):
        @contextmanager
        def check_for_cancellation(self):
            events.append("watching")
            yield
            events.append("done watching")

    assert Flow("CC", tasks=[body]).run(runner_cls=Watching).is_successful()
    assert events == ["watching", "task ran", "done watching"]


def test_runner_log_lines_come_from_the_subclass_logger(caplog):
    import logging

    class LoudTask(TaskRunner):
        pass

    class LoudFlow(FlowRunner):
        def __init__(self, flow, task_runner_cls=None, state_handlers=None):
            super().__init__(flow, task_runner_cls=LoudTask, state_handlers=state_handlers)

    with caplog.at_level(logging.INFO, logger="prefect"):
        assert Flow("LG", tasks=[one]).run(runner_cls=LoudFlow).is_successful()
    lines = {(r.name, r.getMessage()) for r in caplog.records}
    assert ("prefect.LoudTask", "Task 'one': Starting task run...") in lines
    assert ("prefect.LoudFlow", "Beginning Flow run for 'LG'") in lines
    assert ("prefect.LoudFlow", "Flow run SUCCESS: all reference tasks succeeded") in lines


# -- bad input: a method one typo away from a hook -----------------------------------------------


def test_a_near_miss_of_a_task_runner_hook_warns_once_naming_both(recwarn):
    with pytest.warns(UserWarning) as caught:

        class Typo(TaskRunner):
            def check_task_triger(self, state, upstream_states):
                raise ENDRUN(Skipped("never"))

    messages = [str(w.message) for w in caught]
    assert messages == [
        "Typo.check_task_triger is not a TaskRunner method, so the engine never calls it; "
        "did you mean check_task_trigger?"
    ]
    recwarn.clear()
    flow = Flow("TY", tasks=[one])
    for _ in range(2):
        _, states = run_with(Typo, flow, [one])
        assert states[one].result == 1  # the misspelt method is indeed never called
    assert [w for w in recwarn if issubclass(w.category, UserWarning)] == []


def test_a_near_miss_of_a_flow_runner_hook_warns():
    with pytest.warns(
        UserWarning, match=r"Late\.determine_final_sate .* did you mean determine_final_state\?"
    ):

        class Late(FlowRunner):
            def determine_final_sate(self, state, key_states, return_states, terminal_states):
                return state


def test_helper_methods_with_their_own_names_do_not_warn(recwarn):
    class Helpful(TaskRunner):
        def log_progress(self, message):
            self.logger.info(message)

        def fetch_credentials(self):
            return {}

        @call_state_handlers
        def mark_reviewed(self, state):
            return state

    class HelpfulFlow(FlowRunner):
        def report_summary(self):
            return None

    assert [w for w in recwarn if issubclass(w.category, UserWarning)] == []

"""TaskRunner subclasses: each overridden hook is called at its point of a real run
and decides the outcome, as with Prefect's runners (observed on 1.4.1 and 0.13.19).

Subclasses are plugged in with `FlowRunner(flow, task_runner_cls=Sub)` or the
`engine.task_runner.default_class` setting. The order of all hooks together is in
test_runner_hook_order.py, FlowRunner subclasses in test_flow_runner_hooks.py.
"""

from __future__ import annotations

import pytest

import prefect_compat
from prefect_compat import Flow, task, unmapped
from prefect_compat.engine import signals
from prefect_compat.engine.flow_runner import FlowRunner
from prefect_compat.engine.result import Result
from prefect_compat.engine.runner import ENDRUN, call_state_handlers
from prefect_compat.engine.state import (
    Cached,
    Cancelled,
    Failed,
    Mapped,
    Pending,
    Retrying,
    Running,
    Scheduled,
    Skipped,
    Success,
)
from prefect_compat.engine.task_runner import TaskRunner, TaskRunnerInitializeResult
from tests.fixtures.runners import LATER, add, numbers, one, run_with, simple_flow

# -- each TaskRunner hook, overridden alone, decides the outcome ----------------------------


def test_initialize_run_override_sees_the_task_context_and_can_add_to_it():
    seen = []

    class Injecting(TaskRunner):
        def initialize_run(self, state, context):
            seen.append((self.task.name, state, context["task_name"], context["flow_name"]))
            out = super().initialize_run(state, context)
            assert isinstance(out, TaskRunnerInitializeResult)
            out.context["injected"] = f"for {self.task.name}"
            return out

    @task
    def reads():
        return prefect_compat.context.get("injected")

    flow = Flow("I", tasks=[reads])
    _, states = run_with(Injecting, flow, [reads])
    assert states[reads].result == "for reads"
    assert seen == [("reads", None, "reads", "I")]


def test_initialize_run_override_can_choose_the_starting_state():
    class Done(TaskRunner):
        def initialize_run(self, state, context):
            return TaskRunnerInitializeResult(Success("done already", result=Result(7)), context)

    flow, o, r = simple_flow()
    _, states = run_with(Done, flow, [o, r])
    assert states[o].message == "done already" and states[r].result == 7


def test_check_upstream_finished_override_gets_the_upstream_states():
    seen = {}

    class Holding(TaskRunner):
        def check_upstream_finished(self, state, upstream_states):
            seen[self.task.name] = {e.key: s.result for e, s in upstream_states.items()}
            if upstream_states:
                raise ENDRUN(Cancelled("held back"))
            return state

    flow, o, r = simple_flow()
    _, states = run_with(Holding, flow, [o, r])
    assert seen == {"one": {}, "add": {"x": 1}}
    assert type(states[r]) is Cancelled and states[r].message == "held back"


def test_check_upstream_skipped_override_can_run_after_a_skipped_upstream():
    @task
    def skips():
        raise signals.SKIP("nothing to do")

    @task
    def after(x):
        return "ran anyway"

    class RunAnyway(TaskRunner):
        def check_upstream_skipped(self, state, upstream_states):
            return state

    with Flow("K") as flow:
        out = after(skips())
    _, stock = run_with(TaskRunner, flow, [out])
    assert type(stock[out]) is Skipped
    _, states = run_with(RunAnyway, flow, [out])
    assert states[out].result == "ran anyway"


def test_check_task_ready_to_map_override_decides_the_width_of_the_map():
    parents = []

    class FirstOnly(TaskRunner):
        def check_task_ready_to_map(self, state, upstream_states):
            parents.append((self.task.name, [s.result for s in upstream_states.values()]))
            raise ENDRUN(Mapped("only the first", n_map_states=1))

    with Flow("W") as flow:
        mapped = add.map(numbers())
    _, states = run_with(FirstOnly, flow, [mapped])
    assert parents == [("add", [[1, 2, 3]])]
    assert states[mapped].result == [11]


def test_undecorated_trigger_override_decides_and_fires_no_handlers():
    calls = []

    class SkipTrigger(TaskRunner):
        def check_task_trigger(self, state, upstream_states):
            raise ENDRUN(Skipped("skipped by override"))

    flow, o, r = simple_flow()
    state, states = run_with(
        SkipTrigger,
        flow,
        [o, r],
        task_runner_state_handlers=[lambda run, old, new: calls.append((run.task.name, new))],
    )
    assert states[o].message == "skipped by override"
    assert type(states[r]) is Skipped and states[r].message.startswith("Upstream task was skipped")
    assert state.message == "All reference tasks succeeded."
    assert [name for name, _ in calls] == ["add"]  # one's Pending -> Skipped is not reported


def test_decorated_trigger_override_fires_handlers():
    calls = []

    class SkipTriggerDecorated(TaskRunner):
        @call_state_handlers
        def check_task_trigger(self, state, upstream_states):
            raise ENDRUN(Skipped("skipped by decorated override"))

    flow, o, r = simple_flow()
    _, states = run_with(
        SkipTriggerDecorated,
        flow,
        [o, r],
        task_runner_state_handlers=[
            lambda run, old, new: calls.append((run.task.name, new.message))
        ],
    )
    assert states[o].message == "skipped by decorated override"
    assert calls[0] == ("one", "skipped by decorated override")
    assert [name for name, _ in calls] == ["one", "add"]


def test_check_task_is_ready_override_ends_the_run():
    class NotReady(TaskRunner):
        def check_task_is_ready(self, state):
            assert type(state) is Pending
            raise ENDRUN(Cancelled("not today"))

    flow, o, r = simple_flow()
    _, states = run_with(NotReady, flow, [o, r])
    assert states[o].message == "not today" and states[r].message == "not today"


def test_check_task_reached_start_time_override_can_start_early():
    class Impatient(TaskRunner):
        def check_task_reached_start_time(self, state):
            return state

    flow, o, r = simple_flow()
    waiting = {o: Scheduled(start_time=LATER)}
    _, stock = run_with(TaskRunner, flow, [o, r], task_states=dict(waiting))
    assert type(stock[o]) is Scheduled
    _, states = run_with(Impatient, flow, [o, r], task_states=dict(waiting))
    assert states[r].result == 11


def test_check_task_is_cached_override_ends_the_run_cached():
    class AlwaysCached(TaskRunner):
        def check_task_is_cached(self, state, inputs):
            return Cached("from override", result=Result(7))

    flow, o, r = simple_flow()
    _, states = run_with(AlwaysCached, flow, [o, r])
    assert type(states[o]) is Cached and states[o].message == "from override"
    assert states[r].result == 7  # add never ran: its own override answered too


def test_check_target_override_only_runs_for_tasks_with_a_target(tmp_path):
    from prefect_compat.engine.results import LocalResult

    asked = []

    class TargetFromElsewhere(TaskRunner):
        def check_target(self, state, inputs):
            asked.append(self.task.name)
            return Cached("found elsewhere", result=Result(5))

    @task(target="t.txt", result=LocalResult(dir=str(tmp_path)))
    def targeted():
        return 1

    with Flow("TT") as flow:
        out = add(targeted())
    _, states = run_with(TargetFromElsewhere, flow, [out])
    assert asked == ["targeted"]
    assert states[out].result == 15


def test_get_task_inputs_override_replaces_an_input():
    class Hundred(TaskRunner):
        def get_task_inputs(self, state, upstream_states):
            inputs = super().get_task_inputs(state, upstream_states)
            if "x" in inputs:
                inputs["x"] = Result(100)
            return inputs

    flow, o, r = simple_flow()
    _, states = run_with(Hundred, flow, [r])
    assert states[r].result == 110


def test_load_results_override_can_replace_upstream_states():
    class Loads(TaskRunner):
        def load_results(self, state, upstream_states):
            loaded = {edge: Success(result=Result(50)) for edge in upstream_states}
            return state, loaded

    flow, o, r = simple_flow()
    _, states = run_with(Loads, flow, [r])
    assert states[r].result == 60


def test_set_task_run_name_override_gets_the_inputs_and_can_name_the_run():
    names = []

    class Naming(TaskRunner):
        def set_task_run_name(self, task_inputs):
            values = {k: v.value for k, v in task_inputs.items()}
            prefect_compat.context.update(task_run_name=f"{self.task.name}-{values}")

    @task
    def my_name(x):
        names.append(prefect_compat.context.get("task_run_name"))
        return x

    with Flow("N") as flow:
        my_name(one())
    assert FlowRunner(flow, task_runner_cls=Naming).run().is_successful()
    assert names == ["my_name-{'x': 1}"]


def test_set_task_to_running_override_can_refuse_to_run():
    ran = []

    class Refuses(TaskRunner):
        def set_task_to_running(self, state, inputs):
            return Skipped("not running this")

    @task
    def body():
        ran.append(1)

    flow = Flow("R", tasks=[body])
    _, states = run_with(Refuses, flow, [body])
    assert type(states[body]) is Skipped and ran == []


def test_get_task_run_state_override_replaces_every_run():
    seen = []

    class Replaced(TaskRunner):
        def get_task_run_state(self, state, inputs):
            seen.append((self.task.name, state.message, {k: v.value for k, v in inputs.items()}))
            return Success("replaced run", result=Result(-1))

    flow, o, r = simple_flow()
    _, states = run_with(Replaced, flow, [o, r])
    assert states[o].result == -1 and states[r].result == -1
    assert seen == [("one", "Starting task run.", {}), ("add", "Starting task run.", {"x": -1})]


def test_cache_result_override_runs_even_without_cache_for():
    class Caches(TaskRunner):
        def cache_result(self, state, inputs):
            return Cached("cached by override", result=state._result)

    flow, o, r = simple_flow()
    _, states = run_with(Caches, flow, [o, r])
    assert type(states[r]) is Cached and states[r].result == 11


def test_check_for_retry_override_can_forgive_a_failure():
    @task
    def fails():
        raise ValueError("no")

    class Forgiving(TaskRunner):
        def check_for_retry(self, state, inputs):
            if state.is_failed():
                return Success("forgiven", result=Result(0))
            return state

    flow = Flow("F", tasks=[fails])
    state = flow.run(runner_cls=lambda flow: FlowRunner(flow, task_runner_cls=Forgiving))
    assert state.is_successful() and state.result[fails].message == "forgiven"


def test_check_for_retry_override_can_ask_for_a_retry():
    class Retries(TaskRunner):
        def check_for_retry(self, state, inputs):
            return Retrying("again later", start_time=LATER, run_count=1)

    flow, o, r = simple_flow()
    state, states = run_with(Retries, flow, [o, r])
    assert type(states[o]) is Retrying and type(states[r]) is Pending
    assert type(state) is Running  # terminal tasks unfinished after this pass


def test_check_task_is_looping_override_sees_each_iteration_and_can_stop_it():
    seen = []

    @task
    def loops():
        count = prefect_compat.context.get("task_loop_count")
        raise signals.LOOP(result=count)

    class StopsAtThree(TaskRunner):
        def check_task_is_looping(self, state, inputs=None, upstream_states=None, context=None):
            seen.append((type(state).__name__, state.result))
            if state.result >= 3:
                return Success("stopped", result=state._result)
            return super().check_task_is_looping(state, inputs, upstream_states, context)

    flow = Flow("L", tasks=[loops])
    _, states = run_with(StopsAtThree, flow, [loops])
    assert states[loops].message == "stopped" and states[loops].result == 3
    # our first iteration has task_loop_count 1 (docs/compat-notes.md, surprise 9)
    assert seen == [("Looped", 1), ("Looped", 2), ("Looped", 3)]


def test_call_runner_target_handlers_override_replaces_the_task_handlers():
    task_handler_calls = []

    def task_handler(task, old, new):
        task_handler_calls.append(new)

    @task(state_handlers=[task_handler])
    def watched():
        return 1

    class Quiet(TaskRunner):
        def call_runner_target_handlers(self, old_state, new_state):
            if isinstance(new_state, Success):
                return Success("rewritten", result=Result(2))
            return new_state

    flow = Flow("Q", tasks=[watched])
    _, states = run_with(Quiet, flow, [watched])
    assert task_handler_calls == []
    assert states[watched].message == "rewritten" and states[watched].result == 2


def test_handle_state_change_override_sees_every_transition():
    transitions = []

    class Watching(TaskRunner):
        def handle_state_change(self, old_state, new_state):
            transitions.append((self.task.name, type(old_state).__name__, type(new_state).__name__))
            return super().handle_state_change(old_state, new_state)

    flow, o, r = simple_flow()
    _, states = run_with(Watching, flow, [r])
    assert states[r].result == 11
    assert transitions == [
        ("one", "Pending", "Running"),
        ("one", "Running", "Success"),
        ("add", "Pending", "Running"),
        ("add", "Running", "Success"),
    ]


def test_run_override_is_called_per_task_run_with_prefects_arguments():
    calls = []

    class Wrapping(TaskRunner):
        def run(self, state=None, upstream_states=None, context=None, is_mapped_parent=False):
            calls.append((self.task.name, (context or {}).get("map_index"), is_mapped_parent))
            if self.task.name == "one":
                return Success("short-circuited", result=Result(5))
            return super().run(state, upstream_states, context, is_mapped_parent)

    with Flow("RUN") as flow:
        mapped = add.map(numbers(), y=unmapped(one()))
    _, states = run_with(Wrapping, flow, [mapped])
    assert states[mapped].result == [6, 7, 8]
    assert ("add", None, True) in calls
    assert [c for c in calls if c[0] == "add" and not c[2]] == [
        ("add", 0, False),
        ("add", 1, False),
        ("add", 2, False),
    ]


# -- an override that raises ------------------------------------------------------------------


def raising_runner(exc):
    class Raising(TaskRunner):
        def get_task_inputs(self, state, upstream_states):
            raise exc

    return Raising


@pytest.mark.parametrize(
    ("exc", "expected", "message"),
    [
        (ENDRUN(Cancelled("stopped by override")), Cancelled, "stopped by override"),
        (signals.FAIL("ff"), Failed, "ff"),
        (signals.SKIP("ss"), Skipped, "ss"),
        (
            RuntimeError("inputs broke"),
            Failed,
            "Task 'one': Unexpected error while running task: RuntimeError('inputs broke')",
        ),
    ],
)
def test_an_override_raising_ends_the_task_run_without_handlers(exc, expected, message):
    calls = []
    flow = Flow("E", tasks=[one])
    _, states = run_with(
        raising_runner(exc),
        flow,
        [one],
        task_runner_state_handlers=[lambda *args: calls.append(args)],
    )
    assert type(states[one]) is expected and states[one].message == message
    if isinstance(exc, RuntimeError):
        assert states[one].result is exc
    assert calls == []


def test_an_override_error_propagates_with_raise_on_exception():
    flow = Flow("E", tasks=[one])
    with pytest.raises(RuntimeError, match="inputs broke"):
        FlowRunner(flow, task_runner_cls=raising_runner(RuntimeError("inputs broke"))).run(
            context={"raise_on_exception": True}
        )


def test_an_override_returning_something_else_than_a_state_fails_the_task_by_name():
    class Weird(TaskRunner):
        def check_task_trigger(self, state, upstream_states):
            return 5

    flow = Flow("W", tasks=[one])
    _, states = run_with(Weird, flow, [one])
    assert type(states[one]) is Failed
    assert "Weird.check_task_trigger() returned 5 for task 'one'" in states[one].message


def test_task_runner_run_called_directly_uses_the_subclass_overrides():
    class Doubling(TaskRunner):
        def get_task_run_state(self, state, inputs):
            done = super().get_task_run_state(state, inputs)
            return Success("doubled", result=Result(done.result * 2))

    from prefect_compat.core.edge import Edge

    edge = Edge(one, add, key="x")
    state = Doubling(add).run(upstream_states={edge: Success(result=Result(1))})
    assert state.message == "doubled" and state.result == 22


@pytest.mark.parametrize("hook", ["initialize_run", "check_task_is_looping"])
@pytest.mark.parametrize(
    ("exc", "expected", "message"),
    [
        (ENDRUN(Cancelled("stopped")), Cancelled, "stopped"),
        (signals.FAIL("ff"), Failed, "ff"),
        (
            RuntimeError("broke"),
            Failed,
            "Task 'one': Unexpected error while running task: RuntimeError('broke')",
        ),
    ],
)
def test_initialize_and_looping_overrides_that_raise_end_the_task_run(hook, exc, expected, message):
    def raises(self, *args, **kwargs):
        raise exc

    runner_cls = type("Raises", (TaskRunner,), {hook: raises})
    _, states = run_with(runner_cls, Flow("X", tasks=[one]), [one])
    assert type(states[one]) is expected and states[one].message == message

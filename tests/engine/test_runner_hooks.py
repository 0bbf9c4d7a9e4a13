"""Runner subclasses: each overridden hook is called at its point of a real run and
decides the outcome, as with Prefect's runners (observed on 1.4.1 and 0.13.19).

TaskRunner subclasses are plugged in with `FlowRunner(flow, task_runner_cls=Sub)` or
the `engine.task_runner.default_class` setting; FlowRunner subclasses with
`flow.run(runner_cls=Sub)`.
"""

from __future__ import annotations

import datetime
import threading

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
from prefect_compat.executors import LocalDaskExecutor
from prefect_compat.utilities.configuration import set_temporary_config

LATER = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)

# Prefect's TaskRunner.run order (probe p10); the mapped parent stops after ready-to-map.
TASK_ORDER = [
    "initialize_run",
    "check_task_is_ready",
    "check_task_reached_start_time",
    "check_upstream_finished",
    "check_upstream_skipped",
    "load_results",
    "get_task_inputs",
    "set_task_run_name",
    "check_task_is_cached",
    "check_task_trigger",
    "set_task_to_running",
    "get_task_run_state",
    "cache_result",
    "check_for_retry",
    "check_task_is_looping",
]
PARENT_ORDER = [*TASK_ORDER[:7], "check_task_ready_to_map"]


@task
def one():
    return 1


@task
def add(x, y=10):
    return x + y


@task
def numbers():
    return [1, 2, 3]


def simple_flow():
    with Flow("S") as flow:
        o = one()
        r = add(o)
    return flow, o, r


def run_with(runner_cls, flow, tasks, **kwargs):
    """One FlowRunner pass with `runner_cls` running the tasks; the final states."""
    state = FlowRunner(flow, task_runner_cls=runner_cls).run(return_tasks=tasks, **kwargs)
    return state, state.result


class Tracing(TaskRunner):
    """Overrides every pipeline hook, records (task label, hook), and delegates."""

    trace: list = []

    def _note(self, name, context=None):
        context = prefect_compat.context if context is None else context
        self.trace.append((context.get("task_full_name") or self.task.name, name))

    def initialize_run(self, state, context):
        self._note("initialize_run", context)  # the run's context is entered after this
        return super().initialize_run(state, context)

    def check_task_is_ready(self, state):
        self._note("check_task_is_ready")
        return super().check_task_is_ready(state)

    def check_task_reached_start_time(self, state):
        self._note("check_task_reached_start_time")
        return super().check_task_reached_start_time(state)

    def check_upstream_finished(self, state, upstream_states):
        self._note("check_upstream_finished")
        return super().check_upstream_finished(state, upstream_states)

    def check_upstream_skipped(self, state, upstream_states):
        self._note("check_upstream_skipped")
        return super().check_upstream_skipped(state, upstream_states)

    def load_results(self, state, upstream_states):
        self._note("load_results")
        return super().load_results(state, upstream_states)

    def get_task_inputs(self, state, upstream_states):
        self._note("get_task_inputs")
        return super().get_task_inputs(state, upstream_states)

    def check_task_ready_to_map(self, state, upstream_states):
        self._note("check_task_ready_to_map")
        return super().check_task_ready_to_map(state, upstream_states)

    def set_task_run_name(self, task_inputs):
        self._note("set_task_run_name")
        return super().set_task_run_name(task_inputs)

    def check_target(self, state, inputs):
        self._note("check_target")
        return super().check_target(state, inputs)

    def check_task_is_cached(self, state, inputs):
        self._note("check_task_is_cached")
        return super().check_task_is_cached(state, inputs)

    def check_task_trigger(self, state, upstream_states):
        self._note("check_task_trigger")
        return super().check_task_trigger(state, upstream_states)

    def set_task_to_running(self, state, inputs):
        self._note("set_task_to_running")
        return super().set_task_to_running(state, inputs)

    def get_task_run_state(self, state, inputs):
        self._note("get_task_run_state")
        return super().get_task_run_state(state, inputs)

    def cache_result(self, state, inputs):
        self._note("cache_result")
        return super().cache_result(state, inputs)

    def check_for_retry(self, state, inputs):
        self._note("check_for_retry")
        return super().check_for_retry(state, inputs)

    def check_task_is_looping(self, state, inputs=None, upstream_states=None, context=None):
        self._note("check_task_is_looping")
        return super().check_task_is_looping(state, inputs, upstream_states, context)


@pytest.fixture
def tracing():
    Tracing.trace = []
    return Tracing


def hooks_of(trace, label):
    return [name for who, name in trace if who == label]


def test_every_overridden_hook_runs_in_prefects_order_and_super_keeps_the_outcome(tracing):
    flow, o, r = simple_flow()
    handler_calls = []
    state, states = run_with(
        tracing, flow, [o, r], task_runner_state_handlers=[lambda *a: handler_calls.append(a)]
    )
    assert state.is_successful() and states[r].result == 11
    assert hooks_of(tracing.trace, "one") == TASK_ORDER
    assert hooks_of(tracing.trace, "add") == TASK_ORDER
    # delegating to super() keeps the decorated steps' handler calls: 2 per task
    assert [type(new) for _, _, new in handler_calls] == [Running, Success] * 2


def test_a_task_with_a_target_gets_check_target_instead_of_the_cache_check(tracing, tmp_path):
    from prefect_compat.engine.results import LocalResult

    @task(target="out.txt", result=LocalResult(dir=str(tmp_path)))
    def targeted():
        return 5

    flow = Flow("T", tasks=[targeted])
    with set_temporary_config({"flows.checkpointing": True}):
        _, states = run_with(tracing, flow, [targeted])
        assert states[targeted].result == 5
        _, again = run_with(tracing, flow, [targeted])
    expected = [n if n != "check_task_is_cached" else "check_target" for n in TASK_ORDER]
    assert hooks_of(tracing.trace, "targeted")[: len(expected)] == expected
    assert type(again[targeted]) is Cached
    assert again[targeted].message.startswith("Result found at task target")


def test_mapped_hooks_run_for_the_parent_then_once_per_child(tracing):
    with Flow("M") as flow:
        mapped = add.map(numbers())
    _, states = run_with(tracing, flow, [mapped])
    assert states[mapped].result == [11, 12, 13]
    assert hooks_of(tracing.trace, "add") == PARENT_ORDER
    for index in range(3):
        assert hooks_of(tracing.trace, f"add[{index}]") == TASK_ORDER


def test_overrides_are_called_on_dask_worker_threads(tracing):
    seen_threads = set()

    class Threaded(TaskRunner):
        def get_task_run_state(self, state, inputs):
            seen_threads.add(threading.current_thread().name)
            return super().get_task_run_state(state, inputs)

    with Flow("D") as flow:
        mapped = add.map(numbers())
    with set_temporary_config({"engine.task_runner.default_class": Threaded}):
        state = flow.run(executor=LocalDaskExecutor(scheduler="threads"))
    assert state.is_successful() and state.result[mapped].result == [11, 12, 13]
    assert seen_threads and threading.main_thread().name not in seen_threads


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

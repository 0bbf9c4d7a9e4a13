"""2.x flows: calling, return-value rules, failures, retries, timeouts, subflows, context.

Each expectation is what real Prefect 2.6.9 does (RESULTS_V2 §2, §11, probed), except
where a test says it checks a prefect-compat choice.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from prefect_compat import Flow, flow, task
from prefect_compat import context as v1_context
from prefect_compat.exceptions import MissingContextError, MissingResult, ParameterBindError
from prefect_compat.flows import Flow as FlowV2
from prefect_compat.states import State
from prefect_compat.task_runners import ConcurrentTaskRunner, SequentialTaskRunner
from prefect_compat.utilities.context import (
    Context,
    FlowRunContext,
    TaskRunContext,
    get_run_context,
)

pytestmark = pytest.mark.usefixtures("home")  # settings under tmp_path (conftest)


@task
def one():
    return 1


@task
def boom():
    raise ValueError("boom")


def test_flow_decorator_forms_and_attributes():
    @flow
    def plain(x: int, y: str = "a"):
        """Docs here."""
        return x

    @flow(name="named", retries=1, retry_delay_seconds=0, task_runner=SequentialTaskRunner)
    def other():
        return None

    assert isinstance(plain, FlowV2) and not isinstance(plain, Flow)
    assert (plain.name, plain.description, plain.isasync) == ("plain", "Docs here.", False)
    assert len(plain.version) == 32
    assert isinstance(plain.task_runner, ConcurrentTaskRunner)
    assert (other.name, other.retries) == ("named", 1)
    assert isinstance(other.task_runner, SequentialTaskRunner)
    assert plain(3) == 3


def test_bad_flow_options_fail_at_decoration():
    with pytest.raises(TypeError, match="retries must be an int >= 0"):
        flow(retries=-1)(lambda: None)
    with pytest.raises(TypeError, match="timeout_seconds must be a number of seconds"):
        flow(timeout_seconds="soon")(lambda: None)
    with pytest.raises(TypeError, match="task_runner must be a task runner"):
        flow(task_runner=object())(lambda: None)


def test_parameters_are_bound_like_the_function():
    @flow
    def typed(x, y="a"):
        return (x, y)

    assert typed(1) == (1, "a")
    assert typed(y="b", x=2) == (2, "b")
    with pytest.raises(ParameterBindError, match="missing a required argument: 'x'") as caught:
        typed()
    assert isinstance(caught.value, TypeError)
    with pytest.raises(ParameterBindError, match="too many positional arguments"):
        typed(1, 2, 3)


def test_return_value_rules():
    @flow
    def value():
        one()
        return 5

    @flow
    def single_state():
        return one(return_state=True)

    @flow
    def states_list():
        return [one(return_state=True), one(return_state=True)]

    @flow
    def none_with_tasks():
        one()
        one.submit()

    @flow
    def none_without_tasks():
        return None

    @flow
    def futures():
        return [one.submit(), one.submit()]

    assert value() == 5
    state = single_state(return_state=True)
    assert state.message == "All states completed." and isinstance(state.data, State)
    assert single_state().result() == 1  # calling returns the task's state itself
    assert [s.result() for s in states_list()] == [1, 1]
    listed = none_with_tasks(return_state=True)
    assert listed.is_completed() and listed.message == "All states completed."
    assert [s.result() for s in listed.result()] == [1, 1]
    assert none_without_tasks() is None
    assert [s.result() for s in futures()] == [1, 1]


def test_an_ignored_failed_task_fails_a_flow_that_returns_none():
    @flow
    def ignored():
        one()
        boom.submit()

    @flow
    def ignored_but_returns():
        boom.submit()
        return "fine"

    state = ignored(return_state=True)
    assert state.is_failed() and state.message == "1/2 states failed."
    with pytest.raises(ValueError, match="boom"):
        state.result()
    assert ignored_but_returns() == "fine"


def test_a_flow_that_raises():
    @flow
    def raising():
        raise KeyError("k")

    with pytest.raises(KeyError):
        raising()
    state = raising(return_state=True)
    assert (state.name, state.type.value) == ("Failed", "FAILED")
    assert state.message == "Flow run encountered an exception. KeyError: 'k'\n"
    assert isinstance(state.result(raise_on_failure=False), KeyError)


def test_a_task_exception_escaping_the_body_is_raised_by_the_call():
    @flow
    def escapes():
        boom()

    with pytest.raises(ValueError, match="boom"):
        escapes()
    state = escapes(return_state=True)
    assert state.message == "Flow run encountered an exception. ValueError: boom\n"


def test_flow_retries_reuse_completed_task_runs():
    attempts = []
    ran = []

    @task
    def record(x):
        ran.append(x)
        return x

    @flow(retries=2)
    def retried():
        attempts.append(1)
        value = record(len(attempts))
        if len(attempts) < 3:
            raise ValueError(f"attempt {len(attempts)}")
        return value

    state = retried(return_state=True)
    assert state.is_completed()
    # the call in attempts 2 and 3 is the same call position: not run again, its value
    # is the first attempt's (as Prefect 2.6.9 does)
    assert state.result() == 1
    assert (len(attempts), ran) == (3, [1])


def test_flow_retries_exhausted_end_failed():
    attempts = []

    @flow(retries=1, retry_delay_seconds=0.05)
    def always():
        attempts.append(time.monotonic())
        raise KeyError("k")

    state = always(return_state=True)
    assert state.is_failed() and len(attempts) == 2
    assert attempts[1] - attempts[0] >= 0.05


def test_a_not_persisted_task_reused_on_retry_has_lost_its_value():
    attempts = []

    @task(persist_result=False)
    def unpersisted():
        return "value"

    @flow(retries=1)
    def retried():
        attempts.append(1)
        value = unpersisted()
        if len(attempts) == 1:
            raise ValueError("again")
        return value

    state = retried(return_state=True)
    assert state.is_failed()
    with pytest.raises(MissingResult):
        state.result()


def test_flow_timeout():
    @flow(timeout_seconds=0.2)
    def sleepy():
        time.sleep(2)

    started = time.monotonic()
    state = sleepy(return_state=True)
    assert time.monotonic() - started < 1.5
    assert (state.name, state.type.value) == ("TimedOut", "FAILED")
    assert state.message == "Flow run exceeded timeout of 0.2 seconds"
    with pytest.raises(TimeoutError):
        state.result()


def test_subflows_run_inside_the_parent():
    @flow
    def child(x):
        return one() + x

    @flow
    def parent():
        return child(1), child(2, return_state=True)

    value, state = parent()
    assert value == 2 and state.result() == 3


def test_with_options_copies_the_flow():
    @flow
    def original():
        return 1

    copy = original.with_options(retries=2, persist_result=True, name="renamed")
    assert (copy.retries, copy.persist_result, copy.name) == (2, True, "renamed")
    assert (original.retries, original.persist_result, original.name) == (0, None, "original")
    assert copy.with_options(persist_result=None).persist_result is None
    assert copy() == 1


def test_run_context_inside_flows_and_tasks():
    seen = {}

    @task
    def inside(x):
        ctx = get_run_context()
        seen["task"] = (type(ctx), ctx.task.name, ctx.task_run.name, ctx.parameters)
        seen["task_flow"] = FlowRunContext.get().flow.name
        return x

    @flow
    def outer():
        ctx = get_run_context()
        seen["flow"] = (type(ctx), ctx.flow.name, ctx.flow_run.parameters)
        inside(3)
        inside(4)
        seen["v1"] = v1_context.get("flow_name")
        return TaskRunContext.get() is None

    assert outer() is True
    assert seen["flow"] == (FlowRunContext, "outer", {})
    kind, name, run_name, params = seen["task"]
    assert (kind, name, params) == (TaskRunContext, "inside", {"x": 4})
    prefix, key_hash, number = run_name.rsplit("-", 2)
    assert (prefix, len(key_hash), number) == ("inside", 8, "1")
    assert seen["task_flow"] == "outer"
    assert seen["v1"] == "outer"  # the 1.x context object sees the 2.x flow run too


def test_get_run_context_outside_runs():
    with pytest.raises(MissingContextError, match="No run context available") as caught:
        get_run_context()
    assert isinstance(caught.value, RuntimeError)
    assert FlowRunContext.get() is None and TaskRunContext.get() is None


def test_prefect_context_is_both_the_1x_object_and_the_2x_module():
    import sys

    from prefect_compat.context import FlowRunContext as imported  # noqa: I001

    import prefect_compat

    assert imported is FlowRunContext
    module = sys.modules["prefect_compat.context"]
    assert module.get_run_context is get_run_context
    assert isinstance(prefect_compat.context, Context)  # the package attribute: the object
    with prefect_compat.context(answer=42):
        assert prefect_compat.context.answer == 42
        assert prefect_compat.context.get("answer") == 42
    assert prefect_compat.context.get_run_context is get_run_context


def test_async_flow_returns_a_coroutine():
    @task
    async def later():
        await asyncio.sleep(0)
        return 2

    @flow
    async def async_flow(x):
        return await later() + x

    coro = async_flow(1)
    assert asyncio.iscoroutine(coro)
    assert asyncio.run(coro) == 3

    async def main():
        return await async_flow(2, return_state=True)

    state = asyncio.run(main())
    assert state.is_completed()


def test_async_flow_timeout():
    @flow(timeout_seconds=0.1)
    async def sleepy():
        await asyncio.sleep(2)

    state = asyncio.run(sleepy(return_state=True))
    assert (state.name, state.message) == ("TimedOut", "Flow run exceeded timeout of 0.1 seconds")


def test_a_sync_flow_inside_asyncio_run_fetches_in_its_body(recwarn):
    @flow
    def sync_flow():
        return one(return_state=True).result() + 1

    async def main():
        return sync_flow()

    assert asyncio.run(main()) == 2
    assert not [w for w in recwarn if w.category is DeprecationWarning]


def test_get_run_logger_names_the_kind_of_run():
    from prefect_compat.flows import get_run_logger

    @task
    def in_task():
        return get_run_logger().name

    @flow
    def in_flow():
        return get_run_logger().name, in_task()

    assert in_flow() == ("prefect.flow_runs", "prefect.task_runs")
    with pytest.raises(MissingContextError):
        get_run_logger()


def test_a_retrying_parent_reuses_a_completed_subflow():
    child_runs = []
    attempts = []

    @flow
    def child():
        child_runs.append(1)
        return len(child_runs)

    @flow(retries=1)
    def parent():
        attempts.append(1)
        value = child()
        if len(attempts) == 1:
            raise ValueError("first attempt fails")
        return value

    assert parent() == 1
    assert (len(attempts), len(child_runs)) == (2, 1)


def test_subflow_states_count_among_the_parents_runs():
    @flow
    def child():
        return 5

    @flow
    def parent():
        one()
        child()

    assert [s.result() for s in parent()] == [1, 5]


def test_the_1x_flow_class_called_with_a_function_builds_a_2x_flow():
    import pickle

    from prefect_compat import Flow as AnyFlow
    from prefect_compat.core.flow import Flow as V1Flow
    from prefect_compat.flows import Flow as V2Flow

    def add(x, y=1):
        return x + y

    built = AnyFlow(add, name="adder", retries=1)
    assert isinstance(built, V2Flow) and not isinstance(built, V1Flow)
    assert (built.name, built.retries, built(2)) == ("adder", 1, 3)
    assert AnyFlow(fn=add).name == "add"
    with AnyFlow("one-x") as graph:  # a name still builds the 1.x flow
        pass
    assert type(graph) is V1Flow and pickle.loads(pickle.dumps(graph)).name == "one-x"

    class Custom(V1Flow):
        pass

    assert type(Custom("named")) is Custom
    # the constructor form does not change what the 1.x class's signature shows
    import inspect

    shown = inspect.signature(V1Flow)
    assert list(shown.parameters)[:3] == ["name", "schedule", "executor"]

    class Renamed(V1Flow):
        def __init__(self, title, size=1):
            super().__init__(title)

    assert str(inspect.signature(Renamed)) == "(title, size=1)"
    with pytest.raises(ValueError, match="A name must be provided"):
        AnyFlow("")


def test_a_flow_call_leaves_the_global_random_state_alone():
    import random

    @flow
    def named():
        return 1

    random.seed(7)
    expected = [random.random() for _ in range(3)]
    random.seed(7)
    named()
    assert [random.random() for _ in range(3)] == expected

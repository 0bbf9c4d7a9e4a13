"""The one `@task`: 1.x graph building, 2.x eager runs, and the error when neither applies.

Plus the 2.x task options acting through the engine's pipeline: retries, timeouts,
state handlers, caching (2-argument and 0-argument key functions, expiry, a second
process), `map`, `wait_for`, futures as arguments.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from prefect_compat import Flow, Task, flow, task
from prefect_compat.exceptions import ParameterBindError, TaskCallError
from prefect_compat.tasks import task_input_hash
from prefect_compat.tasks.core.function import FunctionTask
from prefect_compat.utilities.edges import unmapped

pytestmark = pytest.mark.usefixtures("home")  # settings under tmp_path (conftest)


@task
def add(x, y=10):
    return x + y


@task
def boom():
    raise ValueError("boom")


# -- one decorator, two eras ------------------------------------------------------------------


def test_the_decorator_returns_a_1x_function_task_with_the_2x_surface():
    assert isinstance(add, FunctionTask) and isinstance(add, Task)
    assert add.fn(1) == 11 and add.run(1, 2) == 3
    assert add.name == "add" and add.task_key.endswith(".add")
    assert callable(add.submit) and callable(add.with_options)


def test_1x_flows_keep_building_graphs_with_the_same_task():
    with Flow("v1") as v1_flow:
        result = add(1, 2)
        mapped = add.map([1, 2], y=unmapped(5))
    state = v1_flow.run()
    assert state.is_successful()
    assert state.result[result].result == 3
    assert state.result[mapped].result == [6, 7]


def test_2x_options_are_accepted_and_ignored_by_1x_runs():
    @task(retries=3, persist_result=True, max_retries=1, retry_delay=datetime.timedelta(0))
    def both(x):
        return x

    assert (both.retries, both.max_retries, both.persist_result) == (3, 1, True)
    with Flow("v1") as v1_flow:
        out = both(4)
    assert v1_flow.run().result[out].result == 4


def test_a_task_called_outside_any_flow_names_both_ways_out():
    for call in (lambda: add(1), lambda: add(1, return_state=True), lambda: add.submit(1)):
        with pytest.raises(TaskCallError) as caught:
            call()
        error = caught.value
        assert isinstance(error, ValueError) and isinstance(error, RuntimeError)
        message = str(error)
        assert message.startswith("Tasks cannot be run outside of a flow.")  # as 2.6.9
        assert "Could not infer an active Flow context" in message
        assert "with Flow(...)" in message and "@flow" in message
        assert "add.fn(...)" in message
    with pytest.raises(TaskCallError):
        add.map([1, 2])


def test_1x_graph_keywords_inside_a_2x_flow_are_refused():
    @flow
    def wrong():
        add(1, upstream_tasks=[boom])

    with pytest.raises(TaskCallError, match=r"upstream_tasks=\.\.\. inside the 2\.x flow 'wrong'"):
        wrong()

    @flow
    def wrong_map():
        add.map([1], task_args={"name": "x"})

    with pytest.raises(TaskCallError, match="task_args"):
        wrong_map()


def test_a_task_called_inside_a_task_fails_that_task():
    @task
    def outer():
        return add(1)

    @flow
    def nested():
        return outer(return_state=True)

    state = nested(return_state=True).data
    assert state.is_failed()
    with pytest.raises(RuntimeError, match="^Tasks cannot be run from within tasks"):
        state.result()


def test_a_1x_task_subclass_runs_eagerly_in_a_2x_flow():
    class Multiply(Task):
        def run(self, x, y):
            return x * y

    @flow
    def uses_library_task():
        return Multiply()(3, 4)

    assert uses_library_task() == 12


def test_a_1x_flow_built_and_run_inside_a_2x_flow():
    @flow
    def host():
        with Flow("inner") as inner:
            out = add(1, 1)
        return inner.run().result[out].result

    assert host() == 2


def test_task_arguments_are_bound_and_checked():
    @flow
    def calls():
        return add(1), add(y=1, x=2), add(x=1, y=2)

    assert calls() == (11, 3, 3)

    @flow
    def bad_call():
        add(1, 2, 3)

    with pytest.raises(ParameterBindError, match="Error binding parameters for function 'add'"):
        bad_call()


# -- options through the pipeline ----------------------------------------------------------------


def test_retries_rerun_the_task_after_the_delay():
    attempts = []

    @task(retries=2, retry_delay_seconds=0.05)
    def flaky():
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise ValueError("again")
        return len(attempts)

    @flow
    def retrying():
        return flaky(return_state=True)

    state = retrying()
    assert state.is_completed() and state.result() == 3
    assert attempts[2] - attempts[0] >= 0.1


def test_retries_exhausted_fail_with_the_last_exception():
    @task(retries=1)
    def always():
        raise KeyError("k")

    @flow
    def retrying():
        return always(return_state=True)

    state = retrying(return_state=True).data
    assert state.message == "Task run encountered an exception: KeyError: 'k'\n"


def test_timeout_seconds_ends_the_run_timed_out():
    @task(timeout_seconds=0.1)
    def sleepy():
        time.sleep(1)

    @flow
    def timed():
        return sleepy(return_state=True)

    state = timed(return_state=True).data
    assert (state.name, state.type.value) == ("TimedOut", "FAILED")
    assert state.message == "Task run exceeded timeout of 0.1 seconds"
    assert str(state) == "TimedOut('Task run exceeded timeout of 0.1 seconds', type=FAILED)"
    with pytest.raises(TimeoutError):
        state.result()


def test_1x_state_handlers_see_the_2x_run():
    seen = []

    def handler(task_obj, old, new):
        seen.append(type(new).__name__)
        return new

    @task(state_handlers=[handler])
    def handled():
        return 1

    @flow
    def host():
        return handled()

    assert host() == 1
    assert seen == ["Running", "Success"]


def test_with_options_returns_a_configured_copy():
    copy = add.with_options(name="add2", retries=2, persist_result=True, tags=["a"])
    assert (copy.name, copy.retries, copy.persist_result, copy.tags) == ("add2", 2, True, {"a"})
    assert (add.name, add.retries, add.persist_result) == ("add", 0, None)
    assert copy.with_options(persist_result=None).persist_result is None
    with pytest.raises(TypeError, match="unexpected keyword argument 'max_retries'"):
        add.with_options(max_retries=1)


def test_invalid_task_options_fail_at_decoration():
    with pytest.raises(TypeError, match="retries must be an int >= 0"):
        task(retries=-1)(lambda: 1)
    with pytest.raises(TypeError, match="timeout_seconds must be a number"):
        task(timeout_seconds="1")(lambda: 1)
    with pytest.raises(TypeError, match="cache_expiration must be a datetime.timedelta"):
        task(cache_expiration=20)(lambda: 1)
    with pytest.raises(TypeError, match="cache_key_fn must be callable"):
        task(cache_key_fn="always")(lambda: 1)


def test_task_run_names_count_calls_per_task():
    names = []

    @task
    def named():
        from prefect_compat.context import get_run_context

        names.append(get_run_context().task_run.name)

    @flow
    def host():
        named()
        named()
        named.submit().wait()

    host()
    assert [n.rsplit("-", 1)[1] for n in names] == ["0", "1", "2"]
    assert len({n.rsplit("-", 1)[0] for n in names}) == 1


def test_map_submits_one_run_per_item():
    @flow
    def mapping():
        futures = add.map([1, 2, 3], unmapped(100))
        return [f.result() for f in futures]

    assert mapping() == [101, 102, 103]

    @flow
    def uneven():
        add.map([1, 2], [1])

    with pytest.raises(ValueError, match="iterable parameters with different lengths"):
        uneven()


def test_futures_and_states_as_arguments_are_resolved():
    @flow
    def chained():
        first = add.submit(1)
        second = add(first, y=add(1, return_state=True))
        return second

    assert chained() == 22


def test_wait_for_orders_runs_and_blocks_on_failure():
    order = []

    @task
    def slow():
        time.sleep(0.1)
        order.append("slow")

    @task
    def after():
        order.append("after")

    @flow
    def waiting():
        first = slow.submit()
        after.submit(wait_for=[first]).wait()
        failed = boom.submit()
        return after(wait_for=[failed], return_state=True)

    state = waiting(return_state=True).data
    assert order == ["slow", "after"]
    assert (state.name, state.type.value) == ("NotReady", "PENDING")
    assert "did not reach a 'COMPLETED' state" in state.message


# -- caching -----------------------------------------------------------------------------------


def test_cache_key_fn_gets_the_context_and_parameters():
    seen = []

    def key(context, parameters):
        seen.append((context.task.name, parameters))
        return f"k-{parameters['x']}"

    calls = []

    @task(cache_key_fn=key)
    def cached(x, y=0):
        calls.append(x)
        return x * 2

    @flow
    def host():
        return [cached(1, return_state=True), cached(1, return_state=True), cached(2)]

    first, second, third = host()
    assert seen[0] == ("cached", {"x": 1, "y": 0})
    assert (first.name, second.name, third) == ("Completed", "Cached", 4)
    assert second.result() == 2 and calls == [1, 2]
    assert second.state_details.cache_key == "k-1"


def test_task_input_hash_keys_on_task_and_arguments():
    calls = []

    @task(cache_key_fn=task_input_hash)
    def hashed(x):
        calls.append(x)
        return x

    @flow
    def host():
        return [hashed(1), hashed(1), hashed(2), hashed.with_options(name="copy")(1)]

    assert host() == [1, 1, 2, 1]
    assert calls == [1, 2]


def test_cache_expiration():
    calls = []

    @task(cache_key_fn=lambda: "expiring", cache_expiration=datetime.timedelta(seconds=0.2))
    def expiring():
        calls.append(1)
        return len(calls)

    @flow
    def host():
        return expiring()

    assert [host(), host()] == [1, 1]
    time.sleep(0.3)
    assert host() == 2


def test_a_cache_key_of_none_does_not_cache():
    calls = []

    @task(cache_key_fn=lambda context, parameters: None)
    def uncached():
        calls.append(1)

    @flow
    def host():
        uncached()
        uncached()

    host()
    assert len(calls) == 2


def test_a_second_process_reuses_the_cache(home):
    script = textwrap.dedent(
        """
        import sys
        from prefect_compat import flow, task

        @task(cache_key_fn=lambda: "shared-key")
        def expensive():
            print("RAN", file=sys.stderr)
            return "computed once"

        @flow
        def host():
            return expensive(return_state=True)

        state = host()
        print(state.name, state.result())
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT")}
    env["PREFECT_HOME"] = str(home)
    env["PREFECT__LOGGING__LEVEL"] = "ERROR"
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        for _ in range(2)
    ]
    assert outputs[0].stdout.strip() == "Completed computed once"
    assert outputs[1].stdout.strip() == "Cached computed once"
    assert [o.stderr.count("RAN") for o in outputs] == [1, 0]


def test_concurrent_submits_run_on_threads():
    barrier = threading.Barrier(3, timeout=5)

    @task
    def meet():
        barrier.wait()
        return threading.current_thread().name

    @flow
    def host():
        futures = [meet.submit() for _ in range(3)]
        return [f.result() for f in futures]

    names = host()
    assert len(set(names)) == 3 and all(n.startswith("prefect-compat-task") for n in names)

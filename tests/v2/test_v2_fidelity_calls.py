"""2.x flow and task calls as Prefect 2.6.9 runs them, probed side by side (real vs ours).

Covers what a flow's return value makes of its state (a state the body built itself
is taken as it is; aggregates keep their states as data), the run ids on states,
`wait_for` with one future, and `map` (what is mapped over, what goes whole, futures
and states waited for first, the errors).
"""

from __future__ import annotations

import asyncio
import io
import uuid

import pytest

from prefect_compat import flow, task
from prefect_compat import states as S
from prefect_compat.exceptions import (
    FailedRun,
    MappingLengthMismatch,
    MappingMissingIterable,
    ParameterBindError,
    UpstreamTaskError,
)
from prefect_compat.futures import PrefectFuture
from prefect_compat.utilities.edges import unmapped

pytestmark = pytest.mark.usefixtures("home")  # settings under tmp_path (conftest)


@task
def one():
    return 1


@task
def bad(x=0):
    raise ValueError(f"bad {x}")


@task
def ident(x):
    return x


@task
def add(x, y=1):
    return x + y


# -- a flow's return value and its state ---------------------------------------------------------


def test_a_state_built_in_the_body_is_the_flow_state():
    @flow
    def completed():
        return S.Completed(message="hi", data=5)

    @flow
    def failed():
        return S.Failed(message="nope")

    @flow
    def failed_with_error():
        return S.Failed(message="nope", data=TypeError("t"))

    assert completed() == 5
    state = completed(return_state=True)
    assert (state.name, state.message, state.data) == ("Completed", "hi", 5)
    with pytest.raises(FailedRun, match="^nope$"):
        failed()
    state = failed(return_state=True)
    assert (state.name, state.message) == ("Failed", "nope")
    assert state.result(raise_on_failure=False) is None  # data became a literal result
    assert type(state.data).__name__ == "LiteralResult"
    with pytest.raises(TypeError, match="^t$"):
        failed_with_error()


def test_a_state_built_in_the_body_keeps_its_name():
    @flow
    def custom():
        return S.Completed(name="Skipped", data=None)

    state = custom(return_state=True)
    assert (state.name, state.type, state.result()) == ("Skipped", S.StateType.COMPLETED, None)


def test_failed_aggregates_give_their_states_without_raising():
    @flow
    def listed():
        return [one(return_state=True), bad(return_state=True)]

    @flow
    def single():
        return bad.submit()

    @flow
    def none_after_tasks():
        one()
        bad.submit()

    state = listed(return_state=True)
    assert state.message == "1/2 states failed."
    data = state.result(raise_on_failure=False)
    assert [s.name for s in data] == ["Completed", "Failed"]
    with pytest.raises(ValueError, match="bad 0"):
        state.result()
    state = single(return_state=True)
    inner = state.result(raise_on_failure=False)
    assert isinstance(inner, S.State) and inner.is_failed()
    state = none_after_tasks(return_state=True)
    assert [s.name for s in state.result(raise_on_failure=False)] == ["Completed", "Failed"]


def test_run_states_carry_their_run_ids():
    seen = {}

    @flow
    def child():
        return 1

    @flow
    def parent():
        seen["task"] = one(return_state=True)
        seen["submitted"] = one.submit().wait()
        seen["child"] = child(return_state=True)
        return 2

    state = parent(return_state=True)
    flow_run_id = state.state_details.flow_run_id
    assert isinstance(flow_run_id, uuid.UUID)
    assert state.state_details.task_run_id is None
    for name in ("task", "submitted"):
        details = seen[name].state_details
        assert details.flow_run_id == flow_run_id
        assert isinstance(details.task_run_id, uuid.UUID)
    child_details = seen["child"].state_details
    assert child_details.flow_run_id not in (None, flow_run_id)
    assert isinstance(child_details.task_run_id, uuid.UUID)
    assert seen["task"].state_details.task_run_id != seen["submitted"].state_details.task_run_id


def test_a_returned_subflow_state_is_judged_not_taken():
    @flow
    def child():
        return 3

    @flow
    def parent():
        return child(return_state=True)

    state = parent(return_state=True)
    assert state.message == "All states completed."
    assert state.result().result() == 3


# -- upstream failures -----------------------------------------------------------------------------


def test_not_ready_names_the_upstream_task_run_id():
    @flow
    def main():
        failed = bad.submit()
        state = add(1, wait_for=[failed], return_state=True)
        return failed.wait().state_details.task_run_id, state.name, state.message

    upstream_id, name, message = main()
    assert name == "NotReady"
    assert message == f"Upstream task run '{upstream_id}' did not reach a 'COMPLETED' state."


def test_wait_for_takes_a_single_future():
    @flow
    def main():
        first = one.submit()
        return add(1, wait_for=first), add(1, wait_for=bad.submit(), return_state=True).name

    assert main() == (2, "NotReady")


# -- map ------------------------------------------------------------------------------------------


def test_map_passes_non_iterables_whole():
    @flow
    def main():
        return (
            [f.result() for f in add.map([1, 2], y=10)],
            [f.result() for f in add.map([1, 2], unmapped(10))],
            [f.result() for f in add.map([[1], [2]], unmapped([3]))],
        )

    assert main() == ([11, 12], [11, 12], [[1, 3], [2, 3]])


def test_map_iterates_any_iterable_but_text():
    class Pair:
        def __iter__(self):
            return iter([7, 8])

    @flow
    def main():
        return [
            [f.result() for f in ident.map(values)]
            for values in ((i for i in range(2)), Pair(), range(2), {"a": 1, "b": 2}, (1, 2))
        ]

    assert main() == [[0, 1], [7, 8], [0, 1], ["a", "b"], [1, 2]]


@pytest.mark.parametrize("value", ["ab", b"ab", None, 5, io.StringIO("a\nb")])
def test_map_without_an_iterable_is_refused(value):
    @flow
    def main():
        return ident.map(value)

    with pytest.raises(
        MappingMissingIterable, match=r"^No iterable parameters were received\. .*Parameters: "
    ) as info:
        main()
    assert isinstance(info.value, ValueError)


def test_map_refuses_different_lengths_with_prefects_words():
    @flow
    def main():
        return add.map([1, 2], [1, 2, 3])

    with pytest.raises(
        MappingLengthMismatch, match=r"different lengths.*Got lengths: \{'x': 2, 'y': 3\}$"
    ) as info:
        main()
    assert isinstance(info.value, ValueError) and not isinstance(info.value, TypeError)


def test_map_waits_for_future_and_state_arguments_first():
    @flow
    def main():
        listed = ident.submit([1, 2])
        static = one.submit()
        return (
            [f.result() for f in ident.map(listed)],
            [f.result() for f in add.map([1, 2], static)],
            [f.result() for f in ident.map(ident([3], return_state=True))],
        )

    assert main() == ([1, 2], [2, 3], [3])


def test_map_over_a_failed_future_raises_while_items_wait_per_run():
    @flow
    def main():
        failed = bad.submit()
        with pytest.raises(UpstreamTaskError, match="did not reach a 'COMPLETED' state"):
            ident.map(failed)
        with pytest.raises(UpstreamTaskError):
            add.map([1], failed)
        per_item = [f.wait().name for f in ident.map([failed, 1])]
        whole = [f.wait().name for f in add.map([1], unmapped(failed))]
        return per_item, whole

    assert main() == (["NotReady", "Completed"], ["NotReady"])


def test_map_return_state_gives_states():
    @flow
    def main():
        first, second = add.map([1, "a"], [1, 1], return_state=True)
        assert not isinstance(first, PrefectFuture)
        return first.result(), second.name

    assert main() == (2, "Failed")


# -- async -----------------------------------------------------------------------------------------


@task
async def double(x):
    return 2 * x


def test_async_subflow_of_a_sync_flow_runs_to_its_end():
    @flow
    async def child():
        return 3

    @flow
    def parent():
        return child(), child(return_state=True).name

    assert parent() == (3, "Completed")


def test_map_of_an_async_task_in_an_async_flow_is_awaited():
    @flow
    async def main():
        futures = await double.map([1, 2])
        states = await double.map([3], return_state=True)
        return [await f.result() for f in futures], [await s.result(fetch=True) for s in states]

    assert asyncio.run(main()) == ([2, 4], [6])


def test_async_futures_as_arguments_in_an_async_flow():
    @flow
    async def main():
        first = await double.submit(1)
        second = await double(first)
        third = await double.submit(first)
        mapped = await double.map(await double.submit([1, 2]))
        after = await double(1, wait_for=[first], return_state=True)
        return second, await third.result(), len(mapped), after.name

    assert asyncio.run(main()) == (4, 4, 4, "Completed")


# -- subflows and odd return values ----------------------------------------------------------------


@flow
def kind_of(x):
    return type(x).__name__, x


def test_subflow_arguments_are_resolved_and_rebuilt_like_a_tasks():
    @flow
    def appending(items):
        items.append(2)
        return items

    @flow
    def parent():
        given = [1]
        return (
            kind_of(one.submit()),
            kind_of(one(return_state=True)),
            kind_of([one.submit()]),
            appending(given),
            given,
        )

    assert parent() == (("int", 1), ("int", 1), ("list", [1]), [1, 2], [1])


def test_top_level_flow_arguments_are_passed_as_given():
    given = [1]

    @flow
    def appending(items):
        items.append(2)
        return type(items).__name__

    assert appending(given) == "list"
    assert given == [1, 2]


def test_subflow_with_a_failed_upstream_argument_raises_at_the_call():
    @flow
    def parent():
        with pytest.raises(UpstreamTaskError, match="did not reach a 'COMPLETED' state"):
            kind_of(bad.submit())
        return "raised"

    assert parent() == "raised"


def test_subflow_waiting_for_a_failed_run_is_not_ready():
    @flow
    def parent():
        waited = one.submit()
        ok = kind_of(1, wait_for=[waited])
        state = kind_of(1, wait_for=[bad.submit()], return_state=True)
        return ok, state.name, state.type.value, state.message

    ok, name, kind, message = parent()
    assert (ok, name, kind) == (("int", 1), "NotReady", "PENDING")
    assert message.startswith("Upstream task run '") and message.endswith(
        "' did not reach a 'COMPLETED' state."
    )


def test_flows_cannot_run_inside_tasks():
    @task
    def calls_a_flow():
        return kind_of(1)

    @flow
    def parent():
        return calls_a_flow()

    with pytest.raises(RuntimeError, match="^Flows cannot be run from within tasks"):
        parent()


def test_bind_errors_quote_the_signature_plainly():
    @flow
    def takes(x, y="a"):
        return x

    with pytest.raises(ParameterBindError) as info:
        takes(1, 2, 3)
    assert "has signature 'x, y='a'' but received args: (1, 2, 3)" in str(info.value)


def test_returned_iterators_become_lists_and_are_judged():
    @flow
    def states_generator():
        return (state for state in [one(return_state=True)])

    @flow
    def values_map():
        return map(lambda value: value, [1])

    @flow
    def failed_generator():
        return (state for state in [bad(return_state=True)])

    state = states_generator(return_state=True)
    assert (state.message, type(state.data)) == ("All states completed.", list)
    assert values_map() == [1]
    assert failed_generator(return_state=True).message == "1/1 states failed."


def test_a_frozenset_of_states_is_a_plain_value():
    @flow
    def frozen():
        return frozenset([one(return_state=True)])

    state = frozen(return_state=True)
    assert state.message is None
    assert not S.is_state_iterable(frozenset([S.Completed()]))


def test_a_result_that_cannot_be_stored_crashes_the_run():
    class Custom:
        pass

    @task(persist_result=True, result_serializer="json")
    def task_value():
        return Custom()

    @flow(persist_result=True, result_serializer="json")
    def flow_value():
        return Custom()

    @flow
    def parent():
        return task_value(return_state=True)

    for state in (flow_value(return_state=True), parent(return_state=True).data):
        assert state.is_crashed()
        assert state.message.startswith(
            "Execution was interrupted by an unexpected exception: TypeError: Object of type "
            "'Custom' is not JSON serializable"
        )
        assert "'pickle'.." not in state.message
        with pytest.raises(TypeError, match="is not JSON serializable"):
            state.result()

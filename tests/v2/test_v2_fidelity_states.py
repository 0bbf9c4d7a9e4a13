"""2.x states as Prefect 2.6.9 shows them, probed side by side (real 2.6.9 vs ours).

Each expectation here is what a probe printed on real 2.6.9: `result()` with and
without `raise_on_failure` and `fetch`, the exception a failed state stands for, the
builders that name their state themselves, `copy`, `id`, and the reprs of `StateType`
and `StateDetails`.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from prefect_compat import states
from prefect_compat.exceptions import CrashedRun, FailedRun, MissingResult
from prefect_compat.states import State, StateDetails, StateType

# -- result(raise_on_failure=False) gives the data ---------------------------------------------


def test_failed_state_without_raising_gives_its_data():
    inner = [states.Completed(data=1), states.Failed(data=KeyError("z"))]
    aggregate = states.Failed(message="1/2 states failed.", data=inner)
    assert aggregate.result(raise_on_failure=False) is inner
    with pytest.raises(KeyError, match="z"):
        aggregate.result()
    nested = states.Failed(data=states.Failed(data=KeyError("a")))
    assert nested.result(raise_on_failure=False) is nested.data
    assert states.Failed(data=3).result(raise_on_failure=False) == 3
    assert states.Crashed(data="x").result(raise_on_failure=False) == "x"


def test_failed_state_without_data_gives_its_exception_carrying_the_message():
    error = states.Failed().result(raise_on_failure=False)
    assert isinstance(error, FailedRun) and str(error) == "None"
    crashed = states.Crashed(message="c").result(raise_on_failure=False)
    assert isinstance(crashed, CrashedRun) and str(crashed) == "c"
    with pytest.raises(CrashedRun, match="^x$"):
        states.Crashed(data="x").result()
    with pytest.raises(FailedRun, match="^x$"):
        states.Failed(data="x").result()


def test_data_that_is_no_exception_cannot_be_raised():
    with pytest.raises(TypeError, match=r"^Unexpected result for failed state: 3 —— int cannot"):
        states.Failed(data=3).result()
    with pytest.raises(TypeError, match=r"^Unexpected result for failed state: \[\] —— list"):
        states.Failed(data=[]).result()
    with pytest.raises(ValueError, match="iterable of states but none were failed"):
        states.Failed(data=[states.Completed(), states.Cancelled()]).result()
    with pytest.raises(ValueError, match=r"^Expected failed or crashed state got Completed\("):
        states.Failed(data=states.Completed()).result()
    with pytest.raises(CrashedRun, match="cr"):
        states.Failed(data=[states.Completed(), states.Crashed(message="cr")]).result()


def test_get_state_exception_refuses_states_that_did_not_fail():
    for state in (states.Completed(), states.Cancelled(), states.Pending()):
        with pytest.raises(ValueError, match=f"^Expected failed or crashed state got {state.name}"):
            states.get_state_exception(state)
    assert states.raise_state_exception(states.Cancelled()) is None


def test_fetch_false_returns_the_data_as_it_is_even_for_failures():
    error = ValueError("v")
    assert states.Failed(data=error).result(fetch=False) is error
    assert states.Failed().result(fetch=False) is None
    assert states.Completed().result(fetch=False) is None


def test_async_unfetched_result_returns_failure_data_unraised():
    error = ValueError("v")

    async def main():
        with pytest.warns(DeprecationWarning, match="was called from an async context"):
            return states.Failed(data=error).result()

    assert asyncio.run(main()) is error


def test_states_that_are_not_failures_never_raise_their_data():
    error = ValueError("q")
    assert states.Completed(data=error).result() is error
    assert states.Cancelled(data=3).result() == 3
    with pytest.raises(MissingResult, match="^State data is missing"):
        states.Cancelled().result(raise_on_failure=False)


# -- builders, fields, reprs -------------------------------------------------------------------


@pytest.mark.parametrize("builder", ["Retrying", "AwaitingRetry", "Late"])
def test_builders_that_name_their_state_refuse_a_name(builder):
    with pytest.raises(TypeError, match="got multiple values for keyword argument 'name'"):
        getattr(states, builder)(name="X")
    assert getattr(states, builder)().name == builder


def test_message_is_text():
    assert states.Completed(message=1).message == "1"
    assert (
        repr(states.Completed(message=1)) == "Completed(message='1', type=COMPLETED, result=None)"
    )


def test_state_type_str_and_format():
    assert str(StateType.COMPLETED) == "StateType.COMPLETED"
    assert f"{StateType.COMPLETED}" == "COMPLETED"
    assert repr(StateType.FAILED) == "StateType.FAILED"
    assert StateType.COMPLETED == "COMPLETED"


def test_state_details_repr():
    assert repr(StateDetails(cache_key="k")) == (
        "StateDetails(flow_run_id=None, task_run_id=None, child_flow_run_id=None, "
        "scheduled_time=None, cache_key='k', cache_expiration=None, untrackable_result=False)"
    )


def test_state_id_is_a_uuid_of_its_own():
    first, second = states.Completed(), states.Completed()
    assert isinstance(first.id, uuid.UUID)
    assert first.id == first.id and first.id != second.id


def test_copy_keeps_id_and_details_and_takes_update():
    state = states.Completed(data=[1], message="m")
    copied = state.copy(update={"name": "Y"})
    assert repr(copied) == "Y(message='m', type=COMPLETED, result=[1])"
    assert copied.id == state.id
    assert copied.state_details is state.state_details
    assert copied.data is state.data
    deep = state.copy(deep=True)
    assert deep.data == [1] and deep.data is not state.data
    assert deep.state_details is not state.state_details


def test_states_compare_by_identity_like_2_6_9():
    state = states.Completed(data=1)
    assert state == state
    assert state != states.Completed(data=1)
    assert state != state.copy()
    assert len({states.Completed(), states.Completed()}) == 2


def test_state_positional_type_still_accepted():
    assert State("COMPLETED").is_completed()


def test_a_run_states_task_run_id_is_drawn_once_and_survives_pickling():
    import pickle

    details = StateDetails.of_run(None)
    assert details.from_a_run and not StateDetails().from_a_run
    back = pickle.loads(pickle.dumps(State("COMPLETED", state_details=details)))
    assert back.state_details.from_a_run
    first = back.state_details.task_run_id
    assert isinstance(first, uuid.UUID) and back.state_details.task_run_id == first
    assert details.task_run_id == details.task_run_id

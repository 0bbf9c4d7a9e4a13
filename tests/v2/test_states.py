"""The 2.x State class: kinds, names, reprs, `result()` rules (RESULTS_V2 §3, §4)."""

from __future__ import annotations

import asyncio
import pickle

import pytest

from prefect_compat import states
from prefect_compat.engine import state as v1
from prefect_compat.exceptions import CrashedRun, FailedRun, MissingResult
from prefect_compat.results import LiteralResult
from prefect_compat.settings import PREFECT_ASYNC_FETCH_STATE_RESULT, temporary_settings
from prefect_compat.states import State, StateType


def test_state_type_enum_repr_and_value():
    assert repr(StateType.COMPLETED) == "StateType.COMPLETED"
    assert StateType.COMPLETED.value == "COMPLETED"
    assert [t.value for t in StateType] == [
        "SCHEDULED",
        "PENDING",
        "RUNNING",
        "COMPLETED",
        "FAILED",
        "CANCELLED",
        "CRASHED",
    ]


@pytest.mark.parametrize(
    ("builder", "name", "kind"),
    [
        (states.Completed, "Completed", StateType.COMPLETED),
        (states.Failed, "Failed", StateType.FAILED),
        (states.Crashed, "Crashed", StateType.CRASHED),
        (states.Cancelled, "Cancelled", StateType.CANCELLED),
        (states.Pending, "Pending", StateType.PENDING),
        (states.Running, "Running", StateType.RUNNING),
        (states.Scheduled, "Scheduled", StateType.SCHEDULED),
        (states.Retrying, "Retrying", StateType.RUNNING),
        (states.AwaitingRetry, "AwaitingRetry", StateType.SCHEDULED),
        (states.Late, "Late", StateType.SCHEDULED),
    ],
)
def test_builders_name_the_state(builder, name, kind):
    state = builder()
    assert type(state) is State
    assert (state.name, state.type) == (name, kind)


def test_predicates_of_completed_and_failed():
    done = states.Completed(data=1)
    flags = [
        done.is_completed(),
        done.is_failed(),
        done.is_crashed(),
        done.is_final(),
        done.is_pending(),
        done.is_running(),
    ]
    assert flags == [True, False, False, True, False, False]
    failed = states.Failed(message="x")
    assert failed.is_failed() and failed.is_final() and not failed.is_completed()


def test_repr_and_str_follow_prefect_2():
    assert repr(states.Completed(data=1)) == "Completed(message=None, type=COMPLETED, result=1)"
    assert str(states.Completed()) == "Completed()"
    failed = states.Failed(message="Task run encountered an exception: ValueError: boom\n")
    assert str(failed) == "Failed('Task run encountered an exception: ValueError: boom\\n')"
    assert str(states.Completed(name="Cached")) == "Cached(, type=COMPLETED)"
    assert str(State("FAILED", name="TimedOut", message="t")) == "TimedOut('t', type=FAILED)"


def test_result_resolves_raw_literal_and_missing_data():
    assert states.Completed(data=[1, 2]).result() == [1, 2]
    assert states.Completed(data=LiteralResult(value=True)).result() is True
    with pytest.raises(MissingResult, match="^State data is missing"):
        states.Completed().result()


def test_result_of_failures_raises_the_same_exception_instance():
    error = KeyError("k")
    failed = states.Failed(message="m", data=error)
    with pytest.raises(KeyError) as caught:
        failed.result()
    assert caught.value is error
    assert failed.result(raise_on_failure=False) is error


def test_failures_without_an_exception_raise_failed_or_crashed_run():
    with pytest.raises(FailedRun, match="^x$"):
        states.Failed(message="x").result()
    with pytest.raises(CrashedRun, match="^c$"):
        states.Crashed(message="c").result()
    assert isinstance(states.Failed(message="x").result(raise_on_failure=False), FailedRun)


def test_failed_aggregate_raises_its_first_failure():
    first, second = ValueError("one"), KeyError("two")
    inner = [states.Completed(data=1), states.Failed(data=first), states.Failed(data=second)]
    with pytest.raises(ValueError, match="one"):
        states.Failed(message="2/3 states failed.", data=inner).result()


def test_fetch_false_returns_data_as_is():
    literal = LiteralResult(value=None)
    assert states.Completed(data=literal).result(fetch=False) is literal


def test_async_caller_gets_raw_data_and_a_warning():
    literal = LiteralResult(value=None)
    state = states.Completed(data=literal)

    async def main():
        with pytest.warns(DeprecationWarning, match=r"Pass `fetch=True` and `await`"):
            raw = state.result()
        fetched = await state.result(fetch=True)
        return raw, fetched

    raw, fetched = asyncio.run(main())
    assert raw is literal and fetched is None


def test_async_fetch_setting_makes_result_awaitable(recwarn):
    state = states.Completed(data=5)

    async def main():
        return await state.result()

    with temporary_settings(updates={PREFECT_ASYNC_FETCH_STATE_RESULT: True}):
        assert asyncio.run(main()) == 5
    assert not [w for w in recwarn if w.category is DeprecationWarning]


def test_state_details_and_copy():
    state = states.Completed(data=1)
    assert state.state_details.cache_key is None
    copied = state.copy(update={"data": 2, "name": "Cached"})
    assert (copied.result(), copied.name, state.result()) == (2, "Cached", 1)
    # as 2.6.9: the copy keeps the id and the details, and gets a new timestamp
    assert copied.id == state.id
    assert copied.state_details is state.state_details
    assert copied.timestamp >= state.timestamp


def test_states_pickle_with_their_data():
    state = states.Failed(message="m", data=ValueError("boom"))
    back = pickle.loads(pickle.dumps(state))
    assert (back.name, back.type, back.message) == ("Failed", StateType.FAILED, "m")
    assert isinstance(back.result(raise_on_failure=False), ValueError)


def test_the_2x_state_is_not_a_1x_state():
    assert not isinstance(states.Completed(), v1.State)
    assert not isinstance(v1.Success(), State)
    assert callable(State.result)  # a method in 2.x; `v1.State.result` is a property
    assert isinstance(v1.State.__dict__["result"], property)


def test_the_state_class_is_importable_from_client_schemas_as_in_prefect_2():
    import prefect_compat
    from prefect_compat.client.schemas import State as SchemaState
    from prefect_compat.states import State

    assert SchemaState is State is prefect_compat.State

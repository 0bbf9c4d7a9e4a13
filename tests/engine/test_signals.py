"""State signals (API_SURFACE.md §5), checked against Prefect 1.4.1 probes."""

from __future__ import annotations

import gc
import pickle

import pytest

from prefect_compat.engine import signals
from prefect_compat.engine.result import NoResult
from prefect_compat.engine.state import (
    Cached,
    Failed,
    Looped,
    Mapped,
    Paused,
    Pending,
    Retrying,
    Skipped,
    State,
    Success,
    TimedOut,
    TriggerFailed,
    ValidationFailed,
)
from prefect_compat.exceptions import PrefectSignal

SIGNAL_STATES = [
    (signals.FAIL, Failed),
    (signals.TRIGGERFAIL, TriggerFailed),
    (signals.VALIDATIONFAIL, ValidationFailed),
    (signals.SUCCESS, Success),
    (signals.RETRY, Retrying),
    (signals.SKIP, Skipped),
    (signals.PAUSE, Paused),
    (signals.LOOP, Looped),
]


@pytest.mark.parametrize(("signal_cls", "state_cls"), SIGNAL_STATES)
def test_each_signal_builds_its_state(signal_cls, state_cls):
    sig = signal_cls("why")
    assert type(sig.state) is state_cls
    assert sig.state.message == "why"
    assert signals.signal_from_state(sig.state) is signal_cls


def test_signals_are_base_exceptions_that_except_exception_does_not_catch():
    assert issubclass(signals.PrefectStateSignal, PrefectSignal)
    assert not issubclass(signals.FAIL, Exception)
    assert not issubclass(signals.ENDRUN, Exception)
    with pytest.raises(signals.FAIL):
        try:
            raise signals.FAIL("nope")
        except Exception:
            pytest.fail("FAIL was caught by `except Exception`")


def test_hierarchy():
    assert issubclass(signals.TRIGGERFAIL, signals.FAIL)
    assert issubclass(signals.VALIDATIONFAIL, signals.FAIL)
    assert signals.PrefectSignal is PrefectSignal
    assert issubclass(signals.ENDRUN, PrefectSignal)
    assert not issubclass(signals.ENDRUN, signals.PrefectStateSignal)


def test_the_signal_itself_is_the_default_result():
    sig = signals.FAIL("nope")
    assert sig.state.result is sig
    assert repr(sig) == "FAIL('nope')"
    assert str(sig) == "nope"
    assert sig.args == ("nope",)
    assert repr(sig.state) == '<Failed: "nope">'


def test_no_message():
    sig = signals.FAIL()
    assert repr(sig) == "FAIL(None)"
    assert repr(sig.state) == "<Failed>"


def test_keyword_arguments_reach_the_state():
    sig = signals.FAIL(message="x", result=3, context={"a": 1})
    assert sig.state.result == 3
    assert sig.state.context == {"a": 1}
    assert sig.args == ("x",)
    assert signals.RETRY("r", run_count=4).state.run_count == 4


def test_explicit_result_none_means_no_result():
    assert signals.SKIP("s", result=None).state._result is NoResult
    assert signals.SUCCESS("m", result=None).state._result is NoResult


def test_extra_positional_arguments_are_rejected_like_prefect():
    with pytest.raises(TypeError, match="multiple values for argument 'message'"):
        signals.FAIL("a", "b")


def test_loop_result_defaults_to_the_repr_of_positional_arguments():
    assert signals.LOOP("msg").state.result == "LOOP('msg')"
    assert signals.LOOP().state.result == "LOOP()"
    assert signals.LOOP(message="m").state.result == "LOOP()"
    looped = signals.LOOP(result=5, loop_count=3).state
    assert (looped.result, looped.loop_count) == (5, 3)
    assert signals.LOOP().state.loop_count == 1


def test_retry_and_pause_times():
    assert signals.RETRY("r").state.start_time is not None
    assert signals.PAUSE("p").state.start_time is None


def test_endrun_carries_exactly_the_state():
    final = Success("x")
    stop = signals.ENDRUN(final)
    assert stop.state is final
    assert stop.args == ("",)
    assert repr(stop) == "ENDRUN('')"
    with pytest.raises(TypeError):
        signals.ENDRUN()  # type: ignore[call-arg]


def test_signals_pickle_with_their_state():
    sig = pickle.loads(pickle.dumps(signals.FAIL("nope")))
    assert repr(sig) == "FAIL('nope')"
    assert repr(sig.state) == '<Failed: "nope">'
    stop = pickle.loads(pickle.dumps(signals.ENDRUN(Success("x"))))
    assert repr(stop.state) == '<Success: "x">'


@pytest.mark.parametrize("state", [State(), Cached(), TimedOut(), Pending(), Mapped()])
def test_signal_from_state_without_a_matching_signal(state):
    with pytest.raises(ValueError, match="No signal matches the provided state: <"):
        signals.signal_from_state(state)


def test_signal_from_state_matches_by_class_name_and_later_subclasses_win():
    class Failed(State):  # same name as the real Failed, unrelated class
        pass

    assert signals.signal_from_state(Failed()) is signals.FAIL

    class MyFail(signals.FAIL):
        pass

    assert signals.signal_from_state(TriggerFailed()) is signals.TRIGGERFAIL
    assert signals.signal_from_state(Failed()) is MyFail
    # Do not leak the subclasses into other tests: FAIL answers again once they are gone.
    probe = Failed()
    del MyFail, Failed
    gc.collect()
    assert signals.signal_from_state(probe) is signals.FAIL
    del probe
    gc.collect()
    assert not [c for c in State.__subclasses__() if "<locals>" in c.__qualname__]

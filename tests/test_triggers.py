"""Triggers (API_SURFACE.md §9.9), with outcomes taken from Prefect 1.4.1 probes.

Triggers only look at the dict's values, so plain objects stand in for Edges.
"""

from __future__ import annotations

import pytest

import prefect_compat
from prefect_compat import triggers
from prefect_compat.engine import signals
from prefect_compat.engine.result import NoResult
from prefect_compat.engine.state import (
    Cached,
    Failed,
    Mapped,
    Paused,
    Pending,
    Running,
    Skipped,
    Success,
    TimedOut,
    TriggerFailed,
)


def upstream(*states):
    return {object(): state for state in states}


def outcome(trigger, *states):
    """True, or the name of the signal raised."""
    try:
        return trigger(upstream(*states))
    except signals.PrefectStateSignal as sig:
        return type(sig).__name__


OK, FAIL, SKIP = True, "TRIGGERFAIL", "SKIP"

CASES = {
    "none": (),
    "success": (Success(),),
    "success+failed": (Success(), Failed()),
    "skipped": (Skipped(), Skipped()),
    "failed": (Failed(), TimedOut()),
    "pending": (Success(), Pending()),
    "running": (Running(),),
    "mapped ok+fail": (Mapped(map_states=[Success(), Failed()]),),
    "mapped empty": (Mapped(map_states=[]),),
    "mapped skipped": (Mapped(map_states=[Skipped(), Skipped()]),),
    "mapped failed": (Mapped(map_states=[Failed(), Failed()]), TimedOut()),
    "triggerfailed+cached": (TriggerFailed(), Cached()),
    "skipped+success": (Skipped(), Success()),
    "mapped pending": (Mapped(map_states=[Pending()]),),
}

EXPECTED = {
    "all_successful": {
        "none": OK, "success": OK, "success+failed": FAIL, "skipped": OK, "failed": FAIL,
        "pending": FAIL, "running": FAIL, "mapped ok+fail": FAIL, "mapped empty": OK,
        "mapped skipped": OK, "mapped failed": FAIL, "triggerfailed+cached": FAIL,
        "skipped+success": OK, "mapped pending": FAIL,
    },
    "all_finished": {
        "none": OK, "success": OK, "success+failed": OK, "skipped": OK, "failed": OK,
        "pending": FAIL, "running": FAIL, "mapped ok+fail": OK, "mapped empty": OK,
        "mapped skipped": OK, "mapped failed": OK, "triggerfailed+cached": OK,
        "skipped+success": OK, "mapped pending": FAIL,
    },
    "all_failed": {
        "none": OK, "success": FAIL, "success+failed": FAIL, "skipped": FAIL, "failed": OK,
        "pending": FAIL, "running": FAIL, "mapped ok+fail": FAIL, "mapped empty": OK,
        "mapped skipped": FAIL, "mapped failed": OK, "triggerfailed+cached": FAIL,
        "skipped+success": FAIL, "mapped pending": FAIL,
    },
    "any_successful": {
        "none": OK, "success": OK, "success+failed": OK, "skipped": OK, "failed": FAIL,
        "pending": OK, "running": FAIL, "mapped ok+fail": OK, "mapped empty": FAIL,
        "mapped skipped": OK, "mapped failed": FAIL, "triggerfailed+cached": OK,
        "skipped+success": OK, "mapped pending": FAIL,
    },
    "any_failed": {
        "none": OK, "success": FAIL, "success+failed": OK, "skipped": FAIL, "failed": OK,
        "pending": FAIL, "running": FAIL, "mapped ok+fail": OK, "mapped empty": FAIL,
        "mapped skipped": FAIL, "mapped failed": OK, "triggerfailed+cached": OK,
        "skipped+success": FAIL, "mapped pending": FAIL,
    },
    "not_all_skipped": {
        "none": SKIP, "success": OK, "success+failed": FAIL, "skipped": SKIP, "failed": FAIL,
        "pending": FAIL, "running": FAIL, "mapped ok+fail": FAIL, "mapped empty": SKIP,
        "mapped skipped": SKIP, "mapped failed": FAIL, "triggerfailed+cached": FAIL,
        "skipped+success": OK, "mapped pending": FAIL,
    },
}  # fmt: skip


@pytest.mark.parametrize(("name", "case"), [(name, case) for name in EXPECTED for case in CASES])
def test_trigger_outcomes_match_prefect(name, case):
    assert outcome(getattr(triggers, name), *CASES[case]) == EXPECTED[name][case]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("all_successful", "some of the upstream tasks failed"),
        ("all_finished", "some of the upstream tasks were not finished"),
        ("all_failed", "some of the upstream tasks succeeded"),
        ("any_successful", "none of the upstream tasks succeeded"),
        ("any_failed", "none of the upstream tasks failed"),
        ("not_all_skipped", "some of the upstream tasks failed"),
    ],
)
def test_failure_messages_name_the_trigger(name, reason):
    with pytest.raises(signals.TRIGGERFAIL) as info:
        getattr(triggers, name)(upstream(Running()))
    message = f'Trigger was "{name}" but {reason}.'
    assert str(info.value) == message
    state = info.value.state
    assert type(state) is TriggerFailed
    assert state.message == message
    assert state.result is info.value


def test_always_run_is_all_finished():
    assert triggers.always_run is triggers.all_finished


def test_not_all_skipped_skips_with_no_result():
    with pytest.raises(signals.SKIP, match="All upstreams were skipped") as info:
        triggers.not_all_skipped(upstream(Skipped()))
    assert info.value.state._result is NoResult


def test_manual_only_pauses_unless_resumed():
    with pytest.raises(signals.PAUSE) as info:
        triggers.manual_only(upstream(Success()))
    assert str(info.value) == 'Trigger function is "manual_only"'
    assert type(info.value.state) is Paused
    assert outcome(triggers.manual_only) == "PAUSE"
    with prefect_compat.context(resume=True):
        assert triggers.manual_only(upstream(Failed())) is True


# -- some_successful / some_failed ----------------------------------------------------

FOUR_ONE_OK = (Success(), Failed(), Failed(), Failed())
FOUR_TWO_OK = (Success(), Skipped(), Failed(), TimedOut())


@pytest.mark.parametrize(
    ("kwargs", "states", "expected"),
    [
        ({}, FOUR_ONE_OK, OK),
        ({"at_least": 1}, FOUR_ONE_OK, OK),
        ({"at_least": 2}, FOUR_ONE_OK, FAIL),
        ({"at_most": 1}, FOUR_TWO_OK, FAIL),
        ({"at_least": 0.3}, FOUR_ONE_OK, FAIL),  # 0.3 * 4 = 1.2 successes needed
        ({"at_least": 0.25}, FOUR_ONE_OK, OK),
        ({"at_most": 0.25}, FOUR_TWO_OK, FAIL),
        ({"at_most": 0.6}, FOUR_TWO_OK, OK),
        ({"at_least": 1.0}, FOUR_ONE_OK, OK),  # 1.0 is a count, not a fraction
        ({"at_least": 2, "at_most": 3}, FOUR_TWO_OK, OK),
        ({"at_most": 0}, (Pending(),), OK),
        ({"at_least": 1}, (Pending(),), FAIL),
        ({"at_least": -1}, (Failed(),), OK),
        ({"at_least": 2}, (Mapped(map_states=[Success(), Success()]),), OK),
        ({"at_least": 1}, (Mapped(map_states=[]),), FAIL),
        ({"at_least": 5}, (), OK),  # no upstream edges at all: always passes
    ],
)
def test_some_successful_thresholds(kwargs, states, expected):
    assert outcome(triggers.some_successful(**kwargs), *states) == expected


@pytest.mark.parametrize(
    ("kwargs", "states", "expected"),
    [
        ({"at_least": 3}, FOUR_ONE_OK, OK),
        ({"at_least": 0.5}, FOUR_TWO_OK, OK),
        ({"at_least": 0.6}, FOUR_TWO_OK, FAIL),
        ({"at_most": 1}, FOUR_TWO_OK, FAIL),
        ({"at_least": 1}, (Mapped(map_states=[Success()]),), FAIL),
    ],
)
def test_some_failed_thresholds(kwargs, states, expected):
    assert outcome(triggers.some_failed(**kwargs), *states) == expected


def test_threshold_message_and_names():
    with pytest.raises(signals.TRIGGERFAIL, match='"some_failed" but thresholds were not met.'):
        triggers.some_failed(at_least=1)(upstream(Success()))
    assert triggers.some_successful().__name__ == "_some_successful"
    assert triggers.some_failed().__name__ == "_some_failed"


def test_the_same_state_through_two_edges_counts_once():
    failed = Failed()
    assert triggers.some_failed(at_most=1)({1: failed, 2: failed}) is True
    with pytest.raises(signals.TRIGGERFAIL):
        triggers.some_failed(at_most=1)({1: Failed(), 2: Failed()})

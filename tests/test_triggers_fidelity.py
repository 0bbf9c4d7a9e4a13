"""Trigger details probed on Prefect 1.4.1 (0.13.19 agrees) beyond tests/test_triggers.py.

Triggers only look at the dict's values, so plain objects stand in for Edges.
"""

from __future__ import annotations

import pytest

from prefect_compat import triggers
from prefect_compat.engine import signals
from prefect_compat.engine.state import Failed, Mapped, Pending, Skipped, Success


def upstream(*states):
    return {object(): state for state in states}


NESTED_FAILED = Mapped(map_states=[Mapped(map_states=[Failed()])])


@pytest.mark.parametrize(
    ("trigger", "passes"),
    [
        (triggers.all_successful, True),
        (triggers.any_successful, True),
        (triggers.not_all_skipped, True),
        (triggers.some_successful(at_least=1), True),
        (triggers.some_failed(at_most=0), True),
        (triggers.all_failed, False),
        (triggers.any_failed, False),
        (triggers.some_failed(at_least=1), False),
    ],
)
def test_a_mapped_upstream_counts_its_children_one_level_deep(trigger, passes):
    # A child that is itself Mapped counts as a success, whatever it holds.
    if passes:
        assert trigger(upstream(NESTED_FAILED)) is True
    else:
        with pytest.raises(signals.TRIGGERFAIL, match=r'^Trigger was "'):
            trigger(upstream(NESTED_FAILED))


def test_mapped_children_are_counted_next_to_plain_upstreams():
    states = upstream(Mapped(map_states=[Success(), Failed(), Skipped()]), Failed())
    assert triggers.some_failed(at_least=0.5)(states) is True  # 2 of 4
    with pytest.raises(signals.TRIGGERFAIL, match='"some_failed" but thresholds were not met.'):
        triggers.some_failed(at_least=0.75)(states)
    with pytest.raises(signals.TRIGGERFAIL, match='"all_finished" but some of the upstream'):
        triggers.all_finished(upstream(Mapped(map_states=[Success(), Pending()])))


def test_threshold_triggers_are_named_as_closures_of_their_factory():
    assert triggers.some_successful(1).__qualname__ == "some_successful.<locals>._some_successful"
    assert triggers.some_failed(1).__qualname__ == "some_failed.<locals>._some_failed"
    assert triggers.some_failed(1).__name__ == "_some_failed"

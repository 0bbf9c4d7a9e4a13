"""Triggers decide whether a task runs, given the states of its upstream tasks.

A trigger is a pure function `trigger(upstream_states) -> bool` over a dict
`{Edge: State}`; only the states are looked at. A mapped upstream (a `Mapped`
state) counts as its children, so one failed child fails `all_successful`. A
trigger that does not pass raises TRIGGERFAIL with a message naming it (the task
then ends TriggerFailed); returning False gives a plain "Trigger failed".

Triggers run once per task run, so each is a single pass with no allocations on
the common path (no mapped upstreams). `manual_only` is the one trigger that reads
the run context (`resume`), because approval is context, not upstream state.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Union

from prefect_compat import _context
from prefect_compat.engine import signals
from prefect_compat.engine.state import Failed, Finished, Mapped, Skipped, State, Success

__all__ = [
    "all_failed",
    "all_finished",
    "all_successful",
    "always_run",
    "any_failed",
    "any_successful",
    "manual_only",
    "not_all_skipped",
    "some_failed",
    "some_successful",
]

UpstreamStates = Dict[Any, State]
Trigger = Callable[[UpstreamStates], bool]
Threshold = Optional[Union[int, float]]


def _expand(upstream_states: UpstreamStates) -> List[State]:
    """Upstream states with every Mapped state replaced by its children.

    One level only, as in Prefect: a child that is itself Mapped counts as a success.
    """
    states: List[State] = []
    for state in upstream_states.values():
        if isinstance(state, Mapped):
            states.extend(state.map_states)
        else:
            states.append(state)
    return states


def _states(upstream_states: UpstreamStates) -> Any:
    """The states to test: the dict's values as they are unless one of them is Mapped."""
    values = upstream_states.values()
    for state in values:
        if isinstance(state, Mapped):
            return _expand(upstream_states)
    return values


def _fail(name: str, reason: str) -> signals.TRIGGERFAIL:
    return signals.TRIGGERFAIL(f'Trigger was "{name}" but {reason}.')


def all_successful(upstream_states: UpstreamStates) -> bool:
    """Run if every upstream succeeded (skipped counts as success). The default trigger."""
    for state in _states(upstream_states):
        if not isinstance(state, Success):
            raise _fail("all_successful", "some of the upstream tasks failed")
    return True


def all_finished(upstream_states: UpstreamStates) -> bool:
    """Run once every upstream finished, however it finished."""
    for state in _states(upstream_states):
        if not isinstance(state, Finished):
            raise _fail("all_finished", "some of the upstream tasks were not finished")
    return True


always_run = all_finished


def manual_only(upstream_states: UpstreamStates) -> bool:
    """Run only when resumed by hand (`resume` set in the context); otherwise pause."""
    if _context.get("resume"):
        return True
    raise signals.PAUSE('Trigger function is "manual_only"')


def all_failed(upstream_states: UpstreamStates) -> bool:
    """Run if every upstream failed (e.g. a cleanup for total failure)."""
    for state in _states(upstream_states):
        if not isinstance(state, Failed):
            raise _fail("all_failed", "some of the upstream tasks succeeded")
    return True


def any_successful(upstream_states: UpstreamStates) -> bool:
    """Run if at least one upstream succeeded, or there are no upstream edges at all."""
    if not upstream_states:
        return True
    if any(isinstance(state, Success) for state in _states(upstream_states)):
        return True
    raise _fail("any_successful", "none of the upstream tasks succeeded")


def any_failed(upstream_states: UpstreamStates) -> bool:
    """Run if at least one upstream failed, or there are no upstream edges at all."""
    if not upstream_states:
        return True
    if any(isinstance(state, Failed) for state in _states(upstream_states)):
        return True
    raise _fail("any_failed", "none of the upstream tasks failed")


def not_all_skipped(upstream_states: UpstreamStates) -> bool:
    """Run if every upstream succeeded and not all were skipped; skip if all were.

    With no upstreams at all, "all skipped" holds, so the task is skipped.
    """
    states = _states(upstream_states)
    if all(isinstance(state, Skipped) for state in states):
        raise signals.SKIP("All upstreams were skipped", result=None)
    if not all(isinstance(state, Success) for state in states):
        raise _fail("not_all_skipped", "some of the upstream tasks failed")
    return True


def _bounds(total: int, at_least: Threshold, at_most: Threshold) -> tuple[float, float]:
    """Thresholds below 1 are fractions of `total`; missing ones are 0 and `total`."""
    low = 0 if at_least is None else (total * at_least if at_least < 1 else at_least)
    high = total if at_most is None else (total * at_most if at_most < 1 else at_most)
    return low, high


def _threshold_trigger(name: str, kind: type, at_least: Threshold, at_most: Threshold) -> Trigger:
    def trigger(upstream_states: UpstreamStates) -> bool:
        if not upstream_states:
            return True
        # The same state object reached through two edges counts once.
        states = {id(state): state for state in _states(upstream_states)}
        matching = sum(1 for state in states.values() if isinstance(state, kind))
        low, high = _bounds(len(states), at_least, at_most)
        if not low <= matching <= high:
            raise _fail(name, "thresholds were not met")
        return True

    trigger.__name__ = f"_{name}"
    trigger.__qualname__ = f"{name}.<locals>._{name}"
    return trigger


def some_successful(at_least: Threshold = None, at_most: Threshold = None) -> Trigger:
    """A trigger passing when the number of successful upstreams is within bounds.

    Bounds below 1 are fractions of the number of upstream states
    (`some_successful(at_least=0.5)` means half); either bound may be omitted.
    """
    return _threshold_trigger("some_successful", Success, at_least, at_most)


def some_failed(at_least: Threshold = None, at_most: Threshold = None) -> Trigger:
    """Like `some_successful`, counting failed upstreams."""
    return _threshold_trigger("some_failed", Failed, at_least, at_most)

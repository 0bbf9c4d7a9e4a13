"""2.x task and flow options, aggregate flow states and `get_run_logger`, as Prefect 2.6.9
shows them (probed side by side, real 2.6.9 vs ours)."""

from __future__ import annotations

import logging
import uuid

import pytest

from prefect_compat import flow, task
from prefect_compat import states as S
from prefect_compat.exceptions import MissingContextError
from prefect_compat.flows import get_run_logger
from prefect_compat.utilities.context import get_run_context

pytestmark = pytest.mark.usefixtures("home")  # settings under tmp_path (conftest)


def documented():
    return 1


documented.__doc__ = "  Doc line.\n\n    more  "


# -- options ---------------------------------------------------------------------------------------


def test_task_description_defaults_to_the_docstring():
    assert task(documented).description == "Doc line.\n\nmore  "
    assert task(description="given")(documented).description == "given"
    assert task(documented).with_options(name="x").description == "Doc line.\n\nmore  "
    assert task(lambda: 1).description is None


def test_timeouts_are_floats_and_zero_is_none():
    assert task(timeout_seconds=2)(documented).timeout_seconds == 2.0
    assert isinstance(task(timeout_seconds=2)(documented).timeout_seconds, float)
    assert task(timeout_seconds=0)(documented).timeout_seconds is None
    assert task(documented).with_options(timeout_seconds=3).timeout_seconds == 3.0
    assert isinstance(flow(timeout_seconds=2)(documented).timeout_seconds, float)
    assert flow(timeout_seconds=0)(documented).timeout_seconds is None
    assert flow(documented).with_options(timeout_seconds=3).timeout_seconds == 3.0


def test_retries_none_means_no_retries():
    calls = []

    @task(retries=None, retry_delay_seconds=None)
    def once():
        calls.append("t")
        raise ValueError("t")

    @flow(retries=None, retry_delay_seconds=None)
    def main():
        calls.append("f")
        return once(return_state=True)

    assert (main.retries, main.retry_delay_seconds, once.retries) == (None, None, None)
    assert main(return_state=True).is_failed()
    assert calls == ["f", "t"]


def test_bad_retries_still_refused_when_decorated():
    with pytest.raises(TypeError, match="retries must be an int >= 0"):
        flow(retries=-1)(documented)
    with pytest.raises(TypeError, match="retries must be an int >= 0"):
        task(retries=-1)(documented)


def test_flow_validate_parameters_is_a_method():
    @flow
    def takes(x, y=2):
        return x + y

    assert takes.should_validate_parameters is True
    assert takes.validate_parameters({"x": 1}) == {"x": 1, "y": 2}
    assert takes.with_options(validate_parameters=False).should_validate_parameters is False


# -- aggregate states ------------------------------------------------------------------------------


def _run_state(builder, **fields):
    state = builder(**fields)
    state.state_details.task_run_id = uuid.uuid4()
    return state


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: [_run_state(S.Completed, data=1), _run_state(S.Pending)],
            "1/2 states are not final.",
        ),
        (lambda: [_run_state(S.Cancelled)], "0/1 states are not final."),
        (
            lambda: [
                _run_state(S.Completed, data=1),
                _run_state(S.Cancelled),
                _run_state(S.Pending),
            ],
            "1/3 states are not final.",
        ),
        (lambda: _run_state(S.Pending), "Given states: total=1, not_final=1, 'PENDING'=1"),
        (
            lambda: [_run_state(S.Running), _run_state(S.Pending), _run_state(S.Running)],
            "Given states: total=3, not_final=3, 'RUNNING'=2, 'PENDING'=1",
        ),
        (
            lambda: [_run_state(S.Crashed), _run_state(S.Pending), _run_state(S.Running)],
            "1/3 states failed.",
        ),
        (
            lambda: [_run_state(S.Failed, data=KeyError("k")), _run_state(S.Pending)],
            "1/2 states failed.",
        ),
    ],
)
def test_aggregate_messages(make, message):
    @flow
    def main():
        return make()

    state = main(return_state=True)
    assert (state.type, state.message) == (S.StateType.FAILED, message)


def test_a_not_ready_task_run_is_not_counted_as_failed():
    @task
    def bad():
        raise ValueError("bad")

    @task
    def one():
        return 1

    @flow
    def main():
        one.submit(wait_for=[bad.submit()])

    assert main(return_state=True).message == "1/2 states failed."


# -- get_run_logger --------------------------------------------------------------------------------


def test_get_run_logger_outside_a_run_says_so():
    with pytest.raises(MissingContextError, match="^There is no active flow or task run context"):
        get_run_logger()


def test_get_run_logger_takes_a_context_and_extra_fields():
    @task
    def inner():
        return get_run_context()

    @flow
    def main():
        context = get_run_context()
        return context, inner()

    flow_context, task_context = main()
    flow_logger = get_run_logger(flow_context, stage="x")
    assert flow_logger.logger is logging.getLogger("prefect.flow_runs")
    assert flow_logger.extra["stage"] == "x"
    assert flow_logger.extra["flow_name"] == "main"
    task_logger = get_run_logger(task_context)
    assert task_logger.logger is logging.getLogger("prefect.task_runs")
    assert task_logger.extra["task_name"] == "inner"

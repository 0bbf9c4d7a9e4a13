"""`prefect.utilities.datetimes.retry_delay`, checked against Prefect 1.4.1."""

from __future__ import annotations

import datetime

import pytest

from prefect_compat.utilities.datetimes import retry_delay

S = datetime.timedelta(seconds=1)


def test_max_delay_caps_every_delay_not_only_backoff():
    assert retry_delay(hours=3)(1) == datetime.timedelta(hours=2)
    assert retry_delay(seconds=30, max_delay=10 * S)(5) == 10 * S
    assert retry_delay(hours=3, max_delay=None)(1) == datetime.timedelta(hours=3)
    backoff = retry_delay(seconds=10, exponential_backoff=True, max_delay=25 * S)
    assert [backoff(n) for n in range(1, 5)] == [10 * S, 10 * S, 20 * S, 25 * S]


def test_extra_positional_arguments_are_ignored():
    assert retry_delay(S, 5)(1) == S
    assert retry_delay(None, 5, seconds=2)(1) == 2 * S
    with pytest.raises(ValueError, match="^Provide either an interval or interval keywords"):
        retry_delay(None, 5)


def test_the_returned_function_is_named_retry_delay():
    assert retry_delay(seconds=1).__name__ == "retry_delay"


def test_a_non_timedelta_is_refused_when_given():
    with pytest.raises(TypeError, match="interval must be a datetime.timedelta, not 5"):
        retry_delay(5)
    with pytest.raises(TypeError, match="max_delay must be a datetime.timedelta or None, not 5"):
        retry_delay(seconds=1, max_delay=5)

"""State times: naive means UTC, aware keeps its zone, a date is its midnight (UTC).

Prefect 1.4.1 keeps a `date` as a pendulum Date (which later compares badly with
datetimes) and fails on other types with `AttributeError: 'str' object has no
attribute 'tzinfo'`; here a date becomes a datetime and other types are refused
with a TypeError naming the state and the argument.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from prefect_compat.engine.state import Cached, Paused, Queued, Resume, Retrying, Scheduled

TIMED = [Scheduled, Paused, Resume, Retrying, Queued]
PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize("cls", TIMED)
def test_start_time_zones(cls):
    naive = datetime(2020, 1, 2, 3, 4, 5)
    assert cls(start_time=naive).start_time == naive.replace(tzinfo=timezone.utc)
    aware = datetime(2020, 1, 2, 3, 4, 5, tzinfo=PLUS_TWO)
    assert cls(start_time=aware).start_time.utcoffset() == timedelta(hours=2)
    assert cls(start_time=date(2020, 1, 2)).start_time == datetime(2020, 1, 2, tzinfo=timezone.utc)


@pytest.mark.parametrize("cls", TIMED)
@pytest.mark.parametrize("bad", ["2020-01-01", 5])
def test_a_start_time_that_is_not_a_datetime_is_refused_by_name(cls, bad):
    expected = rf"^{cls.__name__}\(start_time=\.\.\.\) must be a datetime"
    with pytest.raises(TypeError, match=expected):
        cls(start_time=bad)


def test_cached_expiration_follows_the_same_rules():
    assert Cached(cached_result_expiration=datetime(2020, 1, 1)).cached_result_expiration == (
        datetime(2020, 1, 1, tzinfo=timezone.utc)
    )
    assert Cached(cached_result_expiration=date(2020, 1, 1)).cached_result_expiration == (
        datetime(2020, 1, 1, tzinfo=timezone.utc)
    )
    with pytest.raises(TypeError, match=r"Cached\(cached_result_expiration=\.\.\.\) .* got str"):
        Cached(cached_result_expiration="tomorrow")


def test_defaults():
    before = datetime.now(timezone.utc)
    assert before <= Scheduled().start_time <= datetime.now(timezone.utc)
    assert Retrying().start_time.tzinfo is timezone.utc
    assert Paused().start_time is None
    assert Cached().cached_result_expiration is None

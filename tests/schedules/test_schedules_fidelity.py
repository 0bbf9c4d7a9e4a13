"""Schedule details checked against Prefect 1.4.1: RRuleClock occurrences that dateutil
places in a daylight-saving gap, and RRuleClock's attributes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from dateutil import rrule, tz

from prefect_compat.schedules import Schedule, clocks


def test_rrule_occurrence_in_a_dst_gap_is_shown_as_the_zone_shows_that_instant():
    new_york = tz.gettz("America/New_York")
    rule = rrule.rrule(rrule.DAILY, dtstart=datetime(2020, 3, 6, 2, 30, tzinfo=new_york))
    times = Schedule([clocks.RRuleClock(rule)]).next(
        4, after=datetime(2020, 3, 6, tzinfo=timezone.utc)
    )
    assert [t.isoformat() for t in times] == [
        "2020-03-06T02:30:00-05:00",
        "2020-03-07T02:30:00-05:00",
        # dateutil's 02:30 (offset -04:00) on the spring-forward day is 06:30 UTC,
        # which New York shows as 01:30 EST
        "2020-03-08T01:30:00-05:00",
        "2020-03-09T02:30:00-04:00",
    ]
    assert times[2] == datetime(2020, 3, 8, 6, 30, tzinfo=timezone.utc)
    assert times == sorted(times)


def test_rrule_clock_attributes_in_prefects_order():
    rule = rrule.rrule(rrule.DAILY, dtstart=datetime(2020, 1, 1), count=2)
    clock = clocks.RRuleClock(rule, labels=["a"])
    assert list(vars(clock)) == [
        "start_date",
        "end_date",
        "parameter_defaults",
        "labels",
        "rrule_obj",
    ]
    assert clock.rrule_obj is rule and clock.labels == ["a"]


def test_fold_is_kept_only_where_it_picks_between_two_times():
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    # pendulum 3 builds every datetime with fold=1; outside an overlap it means nothing
    plain = clocks.IntervalClock(
        timedelta(hours=1), start_date=datetime(2020, 1, 1, tzinfo=timezone.utc, fold=1)
    )
    assert plain.start_date == datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert plain.start_date.fold == 0
    assert (
        repr(plain.start_date)
        == "datetime.datetime(2020, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)"
    )
    # in the fall-back overlap fold=1 is the second 02:30 (CET, +01:00): kept
    second = clocks.IntervalClock(
        timedelta(hours=1), start_date=datetime(2020, 10, 25, 2, 30, tzinfo=berlin, fold=1)
    )
    assert second.start_date.fold == 1
    assert second.start_date.utcoffset() == timedelta(hours=1)


def test_next_needs_a_whole_number_of_times():
    schedule = Schedule([clocks.IntervalClock(timedelta(hours=1))])
    with pytest.raises(
        TypeError, match=r"`n` is how many times to return and must be an int, got 1.5"
    ):
        schedule.next(1.5)
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert schedule.next(True, after=start) == [datetime(2020, 1, 1, 1, tzinfo=timezone.utc)]

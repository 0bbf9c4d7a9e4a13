"""Schedule details checked against Prefect 1.4.1: RRuleClock occurrences that dateutil
places in a daylight-saving gap, and RRuleClock's attributes."""

from __future__ import annotations

from datetime import datetime, timezone

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

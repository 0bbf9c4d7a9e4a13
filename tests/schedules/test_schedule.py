"""`Schedule`: merging clocks, filters, adjustments, events; values observed on Prefect 1.4.1."""

from __future__ import annotations

import warnings
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from prefect_compat import schedules
from prefect_compat.schedules import (
    CronSchedule,
    IntervalSchedule,
    OneTimeSchedule,
    RRuleSchedule,
    Schedule,
    UnionSchedule,
    adjustments,
    clocks,
    filters,
)

NY = ZoneInfo("America/New_York")
BASE = datetime(2020, 1, 1, tzinfo=timezone.utc)


def iso(values):
    return [v.isoformat() for v in values]


def hourly(**kwargs):
    return clocks.IntervalClock(timedelta(hours=1), start_date=BASE, **kwargs)


def daily(**kwargs):
    return clocks.IntervalClock(timedelta(days=1), start_date=BASE, **kwargs)


# -- merging clocks ----------------------------------------------------------------
def test_clocks_with_different_parameters_all_fire():
    one = hourly(parameter_defaults={"a": 1})
    two = clocks.IntervalClock(timedelta(hours=2), start_date=BASE, parameter_defaults={"a": 2})
    schedule = Schedule([one, two])
    assert iso(schedule.next(5, after=BASE)) == [
        "2020-01-01T01:00:00+00:00",
        "2020-01-01T02:00:00+00:00",
        "2020-01-01T02:00:00+00:00",
        "2020-01-01T03:00:00+00:00",
        "2020-01-01T04:00:00+00:00",
    ]
    events = schedule.next(6, after=BASE, return_events=True)
    by_hour = {}
    for event in events:
        by_hour.setdefault(event.start_time.hour, []).append(event.parameter_defaults["a"])
    # Prefect keeps both 02:00 events (one per clock) since their parameters differ
    assert {h: sorted(a) for h, a in by_hour.items()} == {1: [1], 2: [1, 2], 3: [1], 4: [1, 2]}


def test_identical_events_are_merged():
    same_a = hourly(parameter_defaults={"a": 1})
    same_b = clocks.IntervalClock(timedelta(hours=2), start_date=BASE, parameter_defaults={"a": 1})
    assert iso(Schedule([same_a, same_b]).next(5, after=BASE)) == [
        f"2020-01-01T0{h}:00:00+00:00" for h in range(1, 6)
    ]
    clock = hourly()
    assert len(Schedule([clock, clock]).next(3, after=BASE)) == 3


def test_same_instant_in_two_zones_is_one_event():
    in_ny = clocks.IntervalClock(timedelta(hours=1), start_date=datetime(2020, 1, 1, tzinfo=NY))
    in_utc = clocks.IntervalClock(timedelta(hours=1), start_date=datetime(2020, 1, 1, 5))
    assert iso(Schedule([in_ny, in_utc]).next(3, after=BASE)) == [
        "2020-01-01T00:00:00-05:00",
        "2020-01-01T01:00:00-05:00",
        "2020-01-01T02:00:00-05:00",
    ]


def test_start_and_end_dates_span_the_clocks():
    assert Schedule([hourly()]).start_date == BASE
    assert Schedule([hourly()]).end_date is None
    a = clocks.IntervalClock(
        timedelta(hours=1), start_date=datetime(2020, 1, 1), end_date=datetime(2021, 1, 1)
    )
    b = clocks.IntervalClock(
        timedelta(hours=1), start_date=datetime(2019, 1, 1), end_date=datetime(2022, 1, 1)
    )
    schedule = Schedule([a, b])
    assert schedule.start_date == datetime(2019, 1, 1, tzinfo=timezone.utc)
    assert schedule.end_date == datetime(2022, 1, 1, tzinfo=timezone.utc)
    mixed = Schedule([clocks.IntervalClock(timedelta(hours=1), end_date=datetime(2021, 1, 1))])
    assert (mixed.start_date, mixed.end_date) == (None, datetime(2021, 1, 1, tzinfo=timezone.utc))


def test_next_with_events_carries_labels_and_parameters():
    clock = hourly(parameter_defaults={"x": 1}, labels=["a"])
    (event,) = Schedule([clock]).next(1, after=BASE, return_events=True)
    assert isinstance(event, clocks.ClockEvent)
    assert (event.start_time, event.parameter_defaults, event.labels) == (
        datetime(2020, 1, 1, 1, tzinfo=timezone.utc),
        {"x": 1},
        ["a"],
    )
    assert Schedule([clock]).next(0, after=BASE) == []


# -- filters -----------------------------------------------------------------------
FILTER_CASES = [
    # (clock, schedule keyword arguments, n, observed on Prefect 1.4.1)
    (
        hourly,
        {"filters": [filters.between_times(time(22), time(1))]},
        6,
        ["01-01T01", "01-01T22", "01-01T23", "01-02T00", "01-02T01", "01-02T22"],
    ),
    (
        daily,
        {"filters": [filters.between_dates(12, 30, 1, 2)]},
        5,
        ["01-02T00", "12-30T00", "12-31T00", "01-01T00", "01-02T00"],
    ),
    (
        daily,
        {"filters": [filters.between_dates(2, 27, 3, 2)]},
        6,
        ["02-27T00", "02-28T00", "02-29T00", "03-01T00", "03-02T00", "02-27T00"],
    ),
    (daily, {"filters": [filters.on_date(2, 29)]}, 2, ["02-29T00", "02-29T00"]),
    (hourly, {"filters": [filters.at_time(time(14))]}, 2, ["01-01T14", "01-02T14"]),
    (
        hourly,
        {"filters": [filters.on_datetime(datetime(2020, 1, 1, 5, tzinfo=timezone.utc))]},
        1,
        ["01-01T05"],
    ),
    (
        hourly,
        {"filters": [filters.between_datetimes(datetime(2020, 1, 1, 5), datetime(2020, 1, 1, 7))]},
        3,
        ["01-01T05", "01-01T06", "01-01T07"],
    ),
    (daily, {"filters": [filters.is_weekend]}, 3, ["01-04T00", "01-05T00", "01-11T00"]),
    (daily, {"filters": [filters.is_month_start]}, 3, ["02-01T00", "03-01T00", "04-01T00"]),
    (daily, {"filters": [filters.is_month_end]}, 3, ["01-31T00", "02-29T00", "03-31T00"]),
    (daily, {"filters": [filters.is_day_of_week(0)]}, 3, ["01-06T00", "01-13T00", "01-20T00"]),
    (daily, {"filters": [filters.is_day_of_week(6)]}, 3, ["01-05T00", "01-12T00", "01-19T00"]),
    (
        daily,
        {"or_filters": [filters.is_month_start, filters.is_month_end]},
        4,
        ["01-31T00", "02-01T00", "02-29T00", "03-01T00"],
    ),
    (
        daily,
        {"not_filters": [filters.is_weekend]},
        4,
        ["01-02T00", "01-03T00", "01-06T00", "01-07T00"],
    ),
    (
        daily,
        {
            "filters": [filters.is_weekday],
            "or_filters": [filters.is_month_start, filters.is_month_end],
            "not_filters": [filters.is_day_of_week(4)],
        },
        4,
        ["03-31T00", "04-01T00", "04-30T00", "06-01T00"],
    ),
]


@pytest.mark.parametrize(("clock", "kwargs", "n", "observed"), FILTER_CASES)
def test_filters_match_prefect(clock, kwargs, n, observed):
    found = Schedule([clock()], **kwargs).next(n, after=BASE)
    assert [t.strftime("%m-%dT%H") for t in found] == observed


def test_weekday_business_hours_match_prefect():
    schedule = Schedule(
        [hourly()], filters=[filters.is_weekday, filters.between_times(time(9), time(10))]
    )
    found = schedule.next(5, after=datetime(2020, 1, 3))
    assert [t.strftime("%m-%dT%H") for t in found] == [
        "01-03T09",
        "01-03T10",
        "01-06T09",
        "01-06T10",
        "01-07T09",
    ]


def test_a_filter_that_rejects_everything_ends_the_search():
    never = Schedule([hourly()], filters=[filters.on_date(2, 30)])
    assert never.next(1, after=BASE) == []


def test_filters_read_the_wall_clock_of_the_event_zone():
    late_friday = datetime(2020, 1, 3, 23, tzinfo=NY)  # Saturday 04:00 in UTC
    assert filters.is_weekday(late_friday) is True
    assert filters.is_day_of_week(4)(late_friday) is True
    assert filters.between_times(time(22), time(23, 30))(late_friday) is True
    assert filters.at_time(time(23))(late_friday) is True


def test_filter_bounds_are_inclusive():
    one_to_two = filters.between_times(time(1), time(2))
    assert one_to_two(datetime(2020, 1, 1, 2, tzinfo=timezone.utc)) is True
    assert one_to_two(datetime(2020, 1, 1, 2, 0, 1, tzinfo=timezone.utc)) is False
    span = filters.between_datetimes(BASE, BASE + timedelta(hours=1))
    assert span(BASE) and span(BASE + timedelta(hours=1))
    assert filters.is_month_end(datetime(2020, 2, 29, 13)) is True
    assert filters.is_month_start(datetime(2020, 2, 1, 23)) is True
    # naive and aware never compare equal (as in Prefect)
    assert filters.on_datetime(datetime(2020, 1, 1, 5))(BASE.replace(hour=5)) is False


# -- adjustments -------------------------------------------------------------------
def test_adjustments_match_prefect():
    add_three = Schedule([daily()], adjustments=[adjustments.add(timedelta(hours=3))])
    assert iso(add_three.next(2, after=BASE)) == [
        "2020-01-02T03:00:00+00:00",
        "2020-01-03T03:00:00+00:00",
    ]
    events = add_three.next(2, after=BASE, return_events=True)
    assert repr(events[0]) == "<2020-01-02T03:00:00+00:00,None,{}>"
    twice = Schedule(
        [daily()],
        adjustments=[adjustments.add(timedelta(hours=3)), adjustments.add(timedelta(hours=1))],
    )
    assert iso(twice.next(2, after=BASE)) == [
        "2020-01-02T04:00:00+00:00",
        "2020-01-03T04:00:00+00:00",
    ]
    weekday = Schedule([daily()], adjustments=[adjustments.next_weekday])
    # Saturday, Sunday and Monday all land on Monday 01-06 and are all kept: adjusted
    # times are not merged. (Prefect 1.4.1 prints 01-03, 01-06, 01-06, 01-07, 01-08 here:
    # it adjusts events in place while still comparing them for duplicates, so Monday's
    # own event is dropped as a "duplicate" of Sunday's adjusted one.)
    assert [t.strftime("%m-%d") for t in weekday.next(5, after=datetime(2020, 1, 2))] == [
        "01-03",
        "01-06",
        "01-06",
        "01-06",
        "01-07",
    ]


def test_adjustments_across_dst():
    saturday = datetime(2020, 3, 7, 9, tzinfo=NY)
    # `add` counts elapsed time; `next_weekday` keeps the wall-clock time (Prefect 1.4.1)
    assert adjustments.add(timedelta(days=1))(saturday).isoformat() == "2020-03-08T10:00:00-04:00"
    assert adjustments.next_weekday(saturday).isoformat() == "2020-03-09T09:00:00-04:00"
    assert adjustments.next_weekday(BASE) == BASE
    monday = adjustments.next_weekday(datetime(2020, 1, 4, 5))
    assert monday.isoformat() == "2020-01-06T05:00:00+00:00"
    assert adjustments.add(timedelta(hours=1))(datetime(2020, 1, 4, 5)).isoformat() == (
        "2020-01-04T06:00:00+00:00"
    )


# -- ClockEvent --------------------------------------------------------------------
def test_clock_event_comparisons():
    event = clocks.ClockEvent(BASE, parameter_defaults={"a": 1}, labels=["l"])
    assert event == clocks.ClockEvent(BASE, parameter_defaults={"a": 1}, labels=["l"])
    assert event != clocks.ClockEvent(BASE, parameter_defaults={"a": 1})
    assert event == BASE
    assert event != 5
    later = BASE + timedelta(days=1)
    assert event < clocks.ClockEvent(later)
    assert event < later
    with pytest.raises(TypeError, match="unhashable"):
        hash(event)
    assert repr(event) == "<2020-01-01T00:00:00+00:00,['l'],{'a': 1}>"


# -- factories, legacy, bad input --------------------------------------------------
def test_factory_functions_build_one_clock_schedules():
    interval = IntervalSchedule(start_date=BASE, interval=timedelta(hours=1))
    assert [type(c) for c in interval.clocks] == [clocks.IntervalClock]
    assert interval.next(1, after=BASE) == [BASE + timedelta(hours=1)]
    cron = CronSchedule("0 9 * * *", start_date=BASE, day_or=False)
    assert (type(cron.clocks[0]), cron.clocks[0].day_or) == (clocks.CronClock, False)
    from dateutil import rrule  # python-dateutil comes with the dev extra (botocore)

    rule = rrule.rrule(rrule.DAILY, dtstart=datetime(2020, 1, 1, 9), count=5)
    limited = RRuleSchedule(rule, start_date=datetime(2020, 1, 3))
    assert [t.day for t in limited.next(4, after=datetime(2019, 3, 6))] == [3, 4, 5]
    with pytest.raises(TypeError, match="Interval must be a timedelta"):
        IntervalSchedule(start_date=BASE)


def test_013_one_time_and_union_schedules_warn_and_work():
    with pytest.warns(UserWarning, match="OneTimeSchedule is deprecated"):
        once = OneTimeSchedule(datetime(2030, 1, 1))
    with pytest.warns(UserWarning, match="UnionSchedule is deprecated"):
        union = UnionSchedule(
            [
                IntervalSchedule(datetime(2030, 1, 1), timedelta(hours=1)),
                Schedule([clocks.DatesClock([datetime(2030, 1, 1, 0, 30)])]),
                once,
            ]
        )
    assert [type(c).__name__ for c in union.clocks] == ["IntervalClock", "DatesClock", "DatesClock"]
    assert iso(union.next(3, after=datetime(2029, 1, 1))) == [
        "2030-01-01T00:00:00+00:00",
        "2030-01-01T00:30:00+00:00",
        "2030-01-01T01:00:00+00:00",
    ]


def test_no_clocks_is_a_value_error_naming_the_argument():
    with pytest.raises(ValueError, match="argument `clocks` is empty"):
        Schedule(clocks=[])


@pytest.mark.parametrize("given", [None, hourly(), [object()]])
def test_clocks_must_be_a_list_of_clocks(given):
    with pytest.raises(TypeError, match="^clocks should be a list of clocks"):
        Schedule(clocks=given)


def test_package_exposes_prefect_names():
    assert schedules.schedules.Schedule is Schedule
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert set(schedules.__all__) >= {
            "CronSchedule",
            "IntervalSchedule",
            "RRuleSchedule",
            "Schedule",
            "adjustments",
            "clocks",
            "filters",
            "schedules",
        }

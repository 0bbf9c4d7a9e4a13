"""Clocks and `Schedule.next` against values observed on real Prefect 1.4.1.

The expected lists below were printed by Prefect 1.4.1 (pendulum 2.1.2, croniter 1.4.1)
for the same clocks and `after` values; ours are stdlib datetimes, compared by
`isoformat()`, which shows both the wall-clock time and the UTC offset.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from prefect_compat.schedules import Schedule, clocks

NY = ZoneInfo("America/New_York")


def iso(values):
    return [v.isoformat() for v in values]


def ny(*args):
    return datetime(*args, tzinfo=NY)


# -- interval clocks ---------------------------------------------------------------
INTERVAL_CASES = [
    # (interval, start_date, after, n, observed on Prefect 1.4.1)
    (
        timedelta(hours=1),
        ny(2020, 1, 1),
        ny(2020, 3, 8, 0, 30),  # spring forward: 02:00 does not exist
        5,
        [
            "2020-03-08T01:00:00-05:00",
            "2020-03-08T03:00:00-04:00",
            "2020-03-08T04:00:00-04:00",
            "2020-03-08T05:00:00-04:00",
            "2020-03-08T06:00:00-04:00",
        ],
    ),
    (
        timedelta(hours=1),
        ny(2020, 1, 1),
        ny(2020, 11, 1, 0, 30),  # fall back: wall-clock hours, 01:00 taken after the change
        5,
        [
            "2020-11-01T01:00:00-05:00",
            "2020-11-01T02:00:00-05:00",
            "2020-11-01T03:00:00-05:00",
            "2020-11-01T04:00:00-05:00",
            "2020-11-01T05:00:00-05:00",
        ],
    ),
    (
        timedelta(days=1),
        ny(2020, 1, 1, 9),
        ny(2020, 3, 6, 12),
        4,
        [
            "2020-03-07T09:00:00-05:00",
            "2020-03-08T09:00:00-04:00",
            "2020-03-09T09:00:00-04:00",
            "2020-03-10T09:00:00-04:00",
        ],
    ),
    (
        timedelta(days=1),
        ny(2020, 1, 1, 2, 30),
        ny(2020, 3, 6),
        4,
        [
            "2020-03-06T02:30:00-05:00",
            "2020-03-07T02:30:00-05:00",
            "2020-03-08T03:30:00-04:00",
            "2020-03-09T02:30:00-04:00",
        ],
    ),
    (
        timedelta(days=1),
        ny(2020, 1, 1, 1, 30),
        ny(2020, 10, 31),
        3,
        [
            "2020-10-31T01:30:00-04:00",
            "2020-11-01T01:30:00-05:00",
            "2020-11-02T01:30:00-05:00",
        ],
    ),
    (
        timedelta(hours=25),
        ny(2020, 3, 1, 9),
        ny(2020, 3, 6),
        4,
        [
            "2020-03-06T14:00:00-05:00",
            "2020-03-07T15:00:00-05:00",
            "2020-03-08T16:00:00-04:00",
            "2020-03-09T17:00:00-04:00",
        ],
    ),
    (
        timedelta(hours=36),
        ny(2020, 3, 1, 9),
        ny(2020, 3, 6),
        4,
        [
            "2020-03-07T09:00:00-05:00",
            "2020-03-08T21:00:00-04:00",
            "2020-03-10T09:00:00-04:00",
            "2020-03-11T21:00:00-04:00",
        ],
    ),
    (
        timedelta(days=7),
        ny(2020, 2, 3, 9),
        ny(2020, 3, 1),
        3,
        [
            "2020-03-02T09:00:00-05:00",
            "2020-03-09T09:00:00-04:00",
            "2020-03-16T09:00:00-04:00",
        ],
    ),
    (
        timedelta(minutes=30),
        datetime(2020, 1, 1, 0, 7, tzinfo=timezone.utc),
        datetime(2020, 1, 1, 0, 37, tzinfo=timezone.utc),  # exactly on an event: excluded
        3,
        [
            "2020-01-01T01:07:00+00:00",
            "2020-01-01T01:37:00+00:00",
            "2020-01-01T02:07:00+00:00",
        ],
    ),
    (
        timedelta(minutes=30),
        datetime(2020, 1, 1, 0, 7),  # naive: read as UTC
        datetime(2019, 1, 1),  # before the start: the start date is the first event
        3,
        [
            "2020-01-01T00:07:00+00:00",
            "2020-01-01T00:37:00+00:00",
            "2020-01-01T01:07:00+00:00",
        ],
    ),
    (
        timedelta(minutes=7),
        datetime(2020, 1, 1, 0, 0, 30),
        datetime(2020, 1, 1, 1, 0),
        3,
        [
            "2020-01-01T01:03:30+00:00",
            "2020-01-01T01:10:30+00:00",
            "2020-01-01T01:17:30+00:00",
        ],
    ),
    (
        timedelta(seconds=1, microseconds=500000),
        datetime(2020, 1, 1),
        datetime(2020, 1, 1, 0, 0, 10),
        3,
        [
            "2020-01-01T00:00:10.500000+00:00",
            "2020-01-01T00:00:12+00:00",
            "2020-01-01T00:00:13.500000+00:00",
        ],
    ),
]


@pytest.mark.parametrize(("interval", "start", "after", "n", "observed"), INTERVAL_CASES)
def test_interval_clock_matches_prefect(interval, start, after, n, observed):
    clock = clocks.IntervalClock(interval, start_date=start)
    assert iso(Schedule([clock]).next(n, after=after)) == observed


def test_interval_clock_without_start_counts_from_2019_utc():
    # Prefect: a 7-minute clock without a start date fires at 00:09, 00:16, 00:23 when
    # asked at 2026-12-02T00:08:49Z, i.e. on the grid that starts at 2019-01-01 00:00 UTC
    clock = clocks.IntervalClock(timedelta(minutes=7))
    after = datetime(2026, 12, 2, 0, 8, 49, 930046, tzinfo=timezone.utc)
    assert iso(Schedule([clock]).next(3, after=after)) == [
        "2026-12-02T00:09:00+00:00",
        "2026-12-02T00:16:00+00:00",
        "2026-12-02T00:23:00+00:00",
    ]


def test_interval_clock_without_after_starts_from_now():
    clock = clocks.IntervalClock(timedelta(seconds=1))
    before = datetime.now(timezone.utc)
    times = Schedule([clock]).next(3)
    assert len(times) == 3
    assert times[0] > before
    assert times[0] - before <= timedelta(seconds=1)
    assert [b - a for a, b in zip(times, times[1:])] == [timedelta(seconds=1)] * 2
    assert times[0].microsecond == 0  # on the whole-second grid from 2019-01-01


def test_interval_clock_end_date_is_inclusive():
    clock = clocks.IntervalClock(
        timedelta(minutes=30),
        start_date=datetime(2020, 1, 1),
        end_date=datetime(2020, 1, 1, 1, 0),
    )
    assert iso(Schedule([clock]).next(5, after=datetime(2019, 12, 31))) == [
        "2020-01-01T00:00:00+00:00",
        "2020-01-01T00:30:00+00:00",
        "2020-01-01T01:00:00+00:00",
    ]


def test_interval_clock_never_repeats_or_goes_back_in_a_dst_gap():
    # Prefect 1.4.1 yields 01:00, 01:30, 03:00, 03:30, 03:00, 03:30, 04:00, 04:30 here
    # (02:00 and 02:30 do not exist and land on 03:00/03:30); we drop the repeats
    clock = clocks.IntervalClock(timedelta(minutes=30), start_date=ny(2020, 1, 1))
    assert iso(Schedule([clock]).next(6, after=ny(2020, 3, 8, 0, 50))) == [
        "2020-03-08T01:00:00-05:00",
        "2020-03-08T01:30:00-05:00",
        "2020-03-08T03:00:00-04:00",
        "2020-03-08T03:30:00-04:00",
        "2020-03-08T04:00:00-04:00",
        "2020-03-08T04:30:00-04:00",
    ]


def test_interval_clock_never_returns_after_itself():
    # Prefect 1.4.1 returns 2020-03-09T09:00-04:00 first when asked for times after it
    clock = clocks.IntervalClock(timedelta(days=1), start_date=ny(2020, 1, 1, 9))
    assert iso(Schedule([clock]).next(2, after=ny(2020, 3, 9, 9))) == [
        "2020-03-10T09:00:00-04:00",
        "2020-03-11T09:00:00-04:00",
    ]


def test_results_are_aware_datetimes_in_the_start_zone_printed_as_pendulum_does():
    clock = clocks.IntervalClock(timedelta(hours=1), start_date=ny(2020, 1, 1))
    (first,) = Schedule([clock]).next(1, after=ny(2020, 6, 1))
    (event,) = Schedule([clock]).next(1, after=ny(2020, 6, 1), return_events=True)
    for value in (first, event.start_time):
        assert isinstance(value, datetime) and type(value).__name__ == "DateTime"
        assert value == datetime(2020, 6, 1, 1, 0, tzinfo=NY)
        assert str(value) == f"{value}" == "2020-06-01T01:00:00-04:00"  # pendulum 2's str
    assert first.tzinfo is NY
    (utc,) = Schedule([clocks.IntervalClock(timedelta(hours=1))]).next(1)
    assert utc.utcoffset() == timedelta(0)


def test_naive_start_date_is_stored_as_utc():
    clock = clocks.IntervalClock(timedelta(hours=1), start_date=datetime(2020, 1, 1))
    assert clock.start_date == datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert clock.start_date.tzinfo is not None
    assert clock.end_date is None
    assert clock.parameter_defaults == {}
    assert clock.labels is None


def test_naive_after_is_read_as_utc():
    # Prefect 1.4.1: after=2020-03-08T00:30 (naive) gives 2020-03-07T20:00-05:00 first
    clock = clocks.IntervalClock(timedelta(hours=1), start_date=ny(2020, 1, 1))
    assert iso(Schedule([clock]).next(2, after=datetime(2020, 3, 8, 0, 30))) == [
        "2020-03-07T20:00:00-05:00",
        "2020-03-07T21:00:00-05:00",
    ]


# -- cron clocks -------------------------------------------------------------------
CRON_CASES = [
    (
        "30 2 * * *",
        ny(2020, 1, 1),
        ny(2020, 3, 6),
        4,
        [
            "2020-03-06T02:30:00-05:00",
            "2020-03-07T02:30:00-05:00",
            "2020-03-08T03:30:00-04:00",
            "2020-03-09T02:30:00-04:00",
        ],
    ),
    (
        "30 2 * * *",
        ny(2020, 1, 1),
        ny(2020, 10, 30),
        4,
        [
            "2020-10-30T02:30:00-04:00",
            "2020-10-31T02:30:00-04:00",
            "2020-11-01T02:30:00-05:00",
            "2020-11-02T02:30:00-05:00",
        ],
    ),
    (
        "0 * * * *",
        ny(2020, 1, 1),
        ny(2020, 3, 8, 0, 30),
        4,
        [
            "2020-03-08T01:00:00-05:00",
            "2020-03-08T03:00:00-04:00",
            "2020-03-08T04:00:00-04:00",
            "2020-03-08T05:00:00-04:00",
        ],
    ),
    (
        "0 * * * *",
        ny(2020, 1, 1),
        ny(2020, 11, 1, 0, 30),
        5,
        [
            "2020-11-01T01:00:00-05:00",
            "2020-11-01T02:00:00-05:00",
            "2020-11-01T03:00:00-05:00",
            "2020-11-01T04:00:00-05:00",
            "2020-11-01T05:00:00-05:00",
        ],
    ),
    (
        "30 1 * * *",
        ny(2020, 1, 1),
        ny(2020, 10, 31),
        3,
        [
            "2020-10-31T01:30:00-04:00",
            "2020-11-01T01:30:00-05:00",
            "2020-11-02T01:30:00-05:00",
        ],
    ),
    (
        "*/20 * * * *",
        ny(2020, 1, 1),
        ny(2020, 3, 8, 1, 10),
        6,
        [
            "2020-03-08T01:20:00-05:00",
            "2020-03-08T01:40:00-05:00",
            "2020-03-08T03:00:00-04:00",
            "2020-03-08T03:20:00-04:00",
            "2020-03-08T03:40:00-04:00",
            "2020-03-08T04:00:00-04:00",
        ],
    ),
    (
        "0 9 * * *",
        ny(2020, 1, 1),
        ny(2020, 3, 6),
        4,
        [
            "2020-03-06T09:00:00-05:00",
            "2020-03-07T09:00:00-05:00",
            "2020-03-08T09:00:00-04:00",
            "2020-03-09T09:00:00-04:00",
        ],
    ),
    (
        "0 0 * * *",
        datetime(2020, 1, 1, tzinfo=ZoneInfo("Asia/Kolkata")),
        datetime(2020, 1, 5),
        2,
        ["2020-01-06T00:00:00+05:30", "2020-01-07T00:00:00+05:30"],
    ),
    (
        "0 9 * * *",
        datetime(2020, 1, 1, 9),
        datetime(2019, 1, 1),  # the start date itself matches and is included
        2,
        ["2020-01-01T09:00:00+00:00", "2020-01-02T09:00:00+00:00"],
    ),
    (
        "0 9 * * *",
        datetime(2020, 1, 1, 9),
        datetime(2020, 1, 1, 9),
        2,
        ["2020-01-02T09:00:00+00:00", "2020-01-03T09:00:00+00:00"],
    ),
    (
        "0 12 * * *",
        datetime(2020, 1, 1, 13),
        datetime(2019, 1, 1),
        2,
        ["2020-01-02T12:00:00+00:00", "2020-01-03T12:00:00+00:00"],
    ),
]


@pytest.mark.parametrize(("cron", "start", "after", "n", "observed"), CRON_CASES)
def test_cron_clock_matches_prefect(cron, start, after, n, observed):
    clock = clocks.CronClock(cron, start_date=start)
    assert iso(Schedule([clock]).next(n, after=after)) == observed


@pytest.mark.parametrize(
    ("day_or", "observed"),
    [
        (
            False,
            [
                "2020-06-01T00:00:00+00:00",
                "2021-02-01T00:00:00+00:00",
                "2021-03-01T00:00:00+00:00",
            ],
        ),
        (
            True,
            [
                "2020-01-06T00:00:00+00:00",
                "2020-01-13T00:00:00+00:00",
                "2020-01-20T00:00:00+00:00",
            ],
        ),
    ],
)
def test_cron_day_or(day_or, observed):
    clock = clocks.CronClock("0 0 1 * 1", day_or=day_or, start_date=datetime(2020, 1, 1))
    assert clock.day_or is day_or
    assert iso(Schedule([clock]).next(3, after=datetime(2020, 1, 1))) == observed


def test_cron_end_date_is_inclusive():
    clock = clocks.CronClock("0 0 * * *", start_date=ny(2020, 1, 1), end_date=ny(2020, 1, 3))
    assert iso(Schedule([clock]).next(5, after=ny(2019, 12, 1))) == [
        "2020-01-01T00:00:00-05:00",
        "2020-01-02T00:00:00-05:00",
        "2020-01-03T00:00:00-05:00",
    ]


def test_cron_clock_attributes():
    clock = clocks.CronClock(
        "0 * * * *", start_date=datetime(2020, 1, 1), labels=["a"], parameter_defaults={"x": 1}
    )
    assert (clock.cron, clock.day_or, clock.labels, clock.parameter_defaults) == (
        "0 * * * *",
        True,
        ["a"],
        {"x": 1},
    )
    assert clock.start_date == datetime(2020, 1, 1, tzinfo=timezone.utc)


def test_cron_accepts_what_prefect_1x_accepts():
    assert clocks.CronClock("0 0 * * * *").cron == "0 0 * * * *"  # croniter: seconds field
    assert clocks.CronClock("@daily").cron == "@daily"


@pytest.mark.parametrize("bad", ["not a cron", "61 * * * *", "bad", ""])
def test_invalid_cron_is_a_value_error_naming_the_argument(bad):
    with pytest.raises(ValueError, match=r"^Invalid cron string: .*argument `cron`"):
        clocks.CronClock(bad)


# -- dates clocks ------------------------------------------------------------------
def test_dates_clock_matches_prefect():
    dates = [datetime(2030, 1, 2), datetime(2030, 1, 1), ny(2030, 1, 3)]
    clock = clocks.DatesClock(dates, parameter_defaults={"p": 2}, labels=["x"])
    schedule = Schedule([clock])
    assert iso(schedule.next(5, after=datetime(2020, 1, 1))) == [
        "2030-01-01T00:00:00+00:00",
        "2030-01-02T00:00:00+00:00",
        "2030-01-03T00:00:00-05:00",
    ]
    assert [repr(e) for e in schedule.next(5, after=datetime(2020, 1, 1), return_events=True)] == [
        "<2030-01-01T00:00:00+00:00,['x'],{'p': 2}>",
        "<2030-01-02T00:00:00+00:00,['x'],{'p': 2}>",
        "<2030-01-03T00:00:00-05:00,['x'],{'p': 2}>",
    ]
    assert iso(schedule.next(5, after=datetime(2030, 1, 1))) == [
        "2030-01-02T00:00:00+00:00",
        "2030-01-03T00:00:00-05:00",
    ]
    assert clock.dates == dates
    assert clock.start_date == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert clock.end_date == ny(2030, 1, 3)


def test_dates_in_the_past_give_nothing():
    assert Schedule([clocks.DatesClock([datetime(2020, 1, 1)])]).next(5) == []


def test_empty_dates_is_a_value_error_naming_the_argument():
    with pytest.raises(ValueError, match="argument `dates` is empty"):
        clocks.DatesClock([])


# -- rrule clocks ------------------------------------------------------------------
def test_rrule_clock_matches_prefect():
    from dateutil import rrule  # python-dateutil comes with the dev extra (botocore)

    daily = rrule.rrule(rrule.DAILY, dtstart=datetime(2020, 1, 1, 9), count=5)
    clock = clocks.RRuleClock(daily)
    assert iso(Schedule([clock]).next(3, after=datetime(2020, 1, 2))) == [
        "2020-01-02T09:00:00+00:00",
        "2020-01-03T09:00:00+00:00",
        "2020-01-04T09:00:00+00:00",
    ]
    assert len(Schedule([clock]).next(10, after=datetime(2019, 1, 2))) == 5
    hourly = rrule.rrule(rrule.HOURLY, dtstart=datetime(2020, 1, 1, 9, tzinfo=timezone.utc))
    bounded = clocks.RRuleClock(
        hourly, start_date=datetime(2020, 3, 1), end_date=datetime(2020, 3, 1, 2)
    )
    assert iso(Schedule([bounded]).next(5, after=datetime(2020, 1, 2))) == [
        "2020-03-01T00:00:00+00:00",
        "2020-03-01T01:00:00+00:00",
        "2020-03-01T02:00:00+00:00",
    ]


def test_rrule_clock_rejects_other_objects():
    with pytest.raises(TypeError, match="`rrule_obj` must be a dateutil"):
        clocks.RRuleClock("FREQ=DAILY")


# -- bad input ---------------------------------------------------------------------
@pytest.mark.parametrize("interval", [timedelta(0), timedelta(seconds=-1)])
def test_interval_must_be_positive(interval):
    with pytest.raises(ValueError, match=r"^Interval must be greater than 0\..*`interval`"):
        clocks.IntervalClock(interval)


@pytest.mark.parametrize("interval", [60, None, "1h"])
def test_interval_must_be_a_timedelta(interval):
    with pytest.raises(TypeError, match=r"^Interval must be a timedelta\..*`interval`"):
        clocks.IntervalClock(interval)


def test_start_date_must_be_a_datetime():
    with pytest.raises(TypeError, match="`start_date` must be a datetime"):
        clocks.IntervalClock(timedelta(hours=1), start_date="2020-01-01")


def test_base_clock_has_no_events():
    with pytest.raises(NotImplementedError, match="Must be implemented on Clock subclasses"):
        list(clocks.Clock().events())

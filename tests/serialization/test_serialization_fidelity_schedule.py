"""Schedules with factory-made filters and adjustments keep the factory's arguments, in
Prefect's tagged-string form, and load back into working schedules."""

from __future__ import annotations

import datetime

import pytest

from prefect_compat.schedules import Schedule, adjustments, clocks, filters
from prefect_compat.serialization import ValidationError
from prefect_compat.serialization.schedule import ScheduleSchema

UTC = datetime.timezone.utc
T = datetime.datetime(2021, 1, 1, 9, tzinfo=UTC)

CASES = [
    (
        "filters",
        lambda: filters.on_datetime(datetime.datetime(2021, 1, 2, 9, tzinfo=UTC)),
        {"dt": "//datetime:2021-01-02T09:00:00+00:00"},
    ),
    ("filters", lambda: filters.on_date(1, 2), {"day": 2, "month": 1}),
    ("filters", lambda: filters.at_time(datetime.time(9, 30)), {"t": "//time:09:30:00"}),
    (
        "filters",
        lambda: filters.between_datetimes(
            datetime.datetime(2021, 1, 1, tzinfo=UTC), datetime.datetime(2021, 1, 3, tzinfo=UTC)
        ),
        {
            "end": "//datetime:2021-01-03T00:00:00+00:00",
            "start": "//datetime:2021-01-01T00:00:00+00:00",
        },
    ),
    (
        "filters",
        lambda: filters.between_dates(1, 1, 2, 1),
        {"end_day": 1, "end_month": 2, "start_day": 1, "start_month": 1},
    ),
    (
        "filters",
        lambda: filters.between_times(datetime.time(9), datetime.time(17, 30, 15)),
        {"end": "//time:17:30:15", "start": "//time:09:00:00"},
    ),
    ("filters", lambda: filters.is_day_of_week(4), {"day_of_week": 4}),
    ("filters", lambda: filters.is_weekday, {}),
    (
        "adjustments",
        lambda: adjustments.add(datetime.timedelta(hours=1, microseconds=5)),
        {"interval": "//timedelta:3600.000005"},
    ),
]


def _schedule(kind, make):
    clock = clocks.IntervalClock(datetime.timedelta(hours=12), start_date=T)
    return Schedule(clocks=[clock], **{kind: [make()]})


@pytest.mark.parametrize(
    ("kind", "make", "kwargs"),
    CASES,
    ids=lambda c: getattr(c, "__name__", "") if callable(c) else None,
)
def test_factory_arguments_are_written_and_the_loaded_schedule_works(kind, make, kwargs):
    schedule = _schedule(kind, make)
    dumped = ScheduleSchema().dump(schedule)
    (written,) = dumped[kind]
    assert written["kwargs"] == kwargs
    assert list(written["kwargs"]) == sorted(kwargs)
    loaded = ScheduleSchema().load(dumped)
    assert loaded.next(3, after=T) == schedule.next(3, after=T)


def test_a_naive_datetime_argument_loads_as_utc_as_in_prefect():
    dumped = ScheduleSchema().dump(
        _schedule("filters", lambda: filters.on_datetime(datetime.datetime(2021, 1, 2, 9)))
    )
    assert dumped["filters"][0]["kwargs"] == {"dt": "//datetime:2021-01-02T09:00:00"}
    loaded = ScheduleSchema().load(dumped)
    assert loaded.next(1, after=T) == [datetime.datetime(2021, 1, 2, 9, tzinfo=UTC)]


def test_a_bad_tagged_argument_is_refused_naming_it():
    dumped = ScheduleSchema().dump(_schedule("filters", lambda: filters.at_time(datetime.time(9))))
    dumped["filters"][0]["kwargs"]["t"] = "//time:nine"
    with pytest.raises(ValidationError, match=r"filters\[0\]\.t: Not a valid time: 'nine'"):
        ScheduleSchema().load(dumped)


def _rrule_schedule():
    from dateutil import rrule

    rules = rrule.rruleset()
    rules.rrule(rrule.rrule(freq=rrule.DAILY, dtstart=T, until=T + datetime.timedelta(days=4)))
    rules.exdate(T + datetime.timedelta(days=1))
    rules.rdate(T + datetime.timedelta(hours=5))
    hourly = rrule.rrule(freq=rrule.HOURLY, interval=6, dtstart=T, count=5)
    return Schedule(clocks=[clocks.RRuleClock(rules), clocks.RRuleClock(hourly)])


def test_rrule_clocks_are_written_as_prefect_writes_them_and_load_back():
    schedule = _rrule_schedule()
    dumped = ScheduleSchema().dump(schedule)
    rule_set, hourly = (c["rrule_obj"] for c in dumped["clocks"])
    assert hourly == {
        "type": "rrule",
        "__version__": "1.4.1",
        "_dtstart": "2021-01-01T09:00:00+00:00",
        "_until": None,
        "rr": "DTSTART:20210101T090000\nRRULE:FREQ=HOURLY;INTERVAL=6;COUNT=5",
    }
    assert rule_set == {
        "type": "rruleset",
        "__version__": "1.4.1",
        "_rrule": [
            {
                "__version__": "1.4.1",
                "_dtstart": "2021-01-01T09:00:00+00:00",
                "_until": "2021-01-05T09:00:00+00:00",
                "rr": "DTSTART:20210101T090000\nRRULE:FREQ=DAILY;UNTIL=20210105T090000",
            }
        ],
        "_rdate": ["2021-01-01T14:00:00+00:00"],
        "_exrule": [],
        "_exdate": ["2021-01-02T09:00:00+00:00"],
    }
    loaded = ScheduleSchema().load(dumped)
    assert loaded.next(8, after=T) == schedule.next(8, after=T)
    assert loaded.next(1, after=T)[0].utcoffset() == datetime.timedelta(0)


def test_the_rrule_schemas_dump_and_load_a_bare_rule():
    from dateutil import rrule

    from prefect_compat.serialization.schedule import RRuleSchema, RRuleSetSchema

    rule = rrule.rrule(freq=rrule.DAILY, dtstart=T, count=2)
    dumped = RRuleSchema().dump(rule)
    assert "type" not in dumped
    assert list(RRuleSchema().load(dumped)) == list(rule)
    empty = RRuleSetSchema().load(RRuleSetSchema().dump(rrule.rruleset()))
    assert type(empty) is rrule.rruleset and list(empty) == []
    with pytest.raises(ValidationError, match=r"rr: Not a valid RRULE text: 'nonsense'"):
        RRuleSchema().load({"rr": "nonsense", "_dtstart": None, "_until": None})

"""Parameter and DateTimeParameter: required/default, slug, result, run() from context."""

from __future__ import annotations

import datetime
import pickle

import pytest

import prefect_compat
from prefect_compat import Flow, Parameter
from prefect_compat.core.parameter import DateTimeParameter
from prefect_compat.engine.results import PrefectResult
from prefect_compat.engine.signals import FAIL

UTC = datetime.timezone.utc


def test_required_iff_no_default():
    p = Parameter("p")
    assert (p.required, p.default) == (True, None)
    q = Parameter("q", default=3)
    assert (q.required, q.default) == (False, 3)
    assert Parameter("r", default=None).required is False
    assert Parameter("s", required=False).default is None
    assert Parameter("t", default=3, required=True).required is True


def test_attributes_and_repr():
    p = Parameter("p", tags=["a"])
    assert repr(p) == "<Parameter: p>"
    assert (p.name, p.slug, p.tags, p.checkpoint) == ("p", "p", {"a"}, True)
    assert isinstance(p.result, PrefectResult)
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        Parameter("x", foo=1)


def test_run_reads_context_parameters_then_default():
    assert Parameter("q", default=3).run() == 3
    with prefect_compat.context(parameters={"q": 5, "p": None}):
        assert Parameter("q", default=3).run() == 5
        assert Parameter("p").run() is None


def test_required_and_missing_fails_with_the_name():
    with pytest.raises(FAIL, match='Parameter "p" was required but not provided.'):
        Parameter("p").run()


def test_copy_with_a_new_name_renames_the_slug_too():
    p = Parameter("p", default=1)
    renamed = p.copy(name="z")
    assert (renamed.name, renamed.slug, renamed.default) == ("z", "z", 1)
    assert (p.name, p.slug) == ("p", "p")


def test_calling_a_parameter_adds_it_without_copying():
    with Flow("f") as flow:
        p = Parameter("p")
        assert p() is p
    assert flow.tasks == {p}
    assert flow.parameters() == {p}


def test_parameters_pickle():
    back = pickle.loads(pickle.dumps(Parameter("p")))
    assert (back.name, back.required) == ("p", True)
    assert back.run.__self__ is back


def test_datetime_parameter_is_required_by_default():
    d = DateTimeParameter("d")
    assert (d.required, d.default) == (True, None)
    assert DateTimeParameter("e", required=False).run() is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2020-01-02T03:04:05", datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2020-01-02", datetime.datetime(2020, 1, 2, tzinfo=UTC)),
        ("2020-01-02 03:04", datetime.datetime(2020, 1, 2, 3, 4, tzinfo=UTC)),
        ("2020-01-02T03:04:05Z", datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (
            "2020-01-02T03:04:05+02:00",
            datetime.datetime(
                2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
        ),
        (datetime.datetime(2020, 1, 1), datetime.datetime(2020, 1, 1, tzinfo=UTC)),
        (None, None),
    ],
)
def test_datetime_parameter_parses_iso_strings(given, expected):
    with prefect_compat.context(parameters={"d": given}):
        value = DateTimeParameter("d").run()
    assert value == expected
    if value is not None:
        assert value.utcoffset() == expected.utcoffset()
        assert str(value) == expected.isoformat()  # as pendulum 2 prints it, with a "T"


def test_datetime_parameter_rejects_garbage_naming_the_parameter():
    with prefect_compat.context(parameters={"d": "yesterday"}):
        with pytest.raises(ValueError, match=r"Parameter \"d\": cannot parse 'yesterday'"):
            DateTimeParameter("d").run()

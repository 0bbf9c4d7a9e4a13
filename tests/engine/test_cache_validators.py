"""Cache validators (API_SURFACE.md §9.7), outcomes checked against Prefect 1.4.1."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

import pytest

from prefect_compat.engine import cache_validators as V
from prefect_compat.engine.result import Result
from prefect_compat.engine.state import Cached

NOW = datetime.now(timezone.utc)


@pytest.fixture
def fresh():
    return Cached(
        cached_result_expiration=NOW + timedelta(minutes=5),
        cached_inputs={"x": Result(1), "y": Result(2)},
        cached_parameters={"p": 1, "q": 2},
    )


@pytest.fixture
def expired():
    return Cached(
        cached_result_expiration=NOW - timedelta(seconds=5),
        cached_inputs={"x": Result(1), "y": Result(2)},
        cached_parameters={"p": 1, "q": 2},
    )


@pytest.fixture
def forever():
    return Cached(cached_inputs={"x": Result(1)})


def test_never_use(fresh, forever):
    assert V.never_use(fresh, {}, {}) is False
    assert V.never_use(forever, {}, {}) is False


def test_duration_only(fresh, expired, forever):
    assert V.duration_only(fresh, {}, {}) is True
    assert V.duration_only(expired, {}, {}) is False
    assert V.duration_only(forever, {}, {}) is True


def test_duration_only_takes_a_naive_expiration_as_utc(fresh):
    naive_utc_now = datetime.now(timezone.utc).replace(tzinfo=None)  # what utcnow() gave
    fresh.cached_result_expiration = naive_utc_now + timedelta(minutes=1)
    assert V.duration_only(fresh, {}, {}) is True
    fresh.cached_result_expiration = naive_utc_now - timedelta(minutes=1)
    assert V.duration_only(fresh, {}, {}) is False


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"x": 1, "y": 2}, True),
        ({"x": Result(1), "y": Result(2)}, True),  # our engine passes Results
        ({"x": Result(1, location="elsewhere"), "y": 2}, True),  # only values count
        ({"x": 1}, False),
        ({"x": 1, "y": 3}, False),
        ({"x": 1, "y": 2, "z": 3}, False),
        (None, False),
    ],
)
def test_all_inputs(fresh, inputs, expected):
    assert V.all_inputs(fresh, inputs, {}) is expected


def test_all_inputs_requires_an_unexpired_cache(expired):
    assert V.all_inputs(expired, {"x": 1, "y": 2}, {}) is False


def test_all_inputs_with_no_cached_inputs_matches_no_inputs():
    assert V.all_inputs(Cached(), {}, {}) is True
    assert V.all_inputs(Cached(), {"x": 1}, {}) is False


def test_all_parameters(fresh, expired, forever):
    assert V.all_parameters(fresh, {}, {"p": 1, "q": 2}) is True
    assert V.all_parameters(fresh, {}, {"p": 1}) is False
    assert V.all_parameters(fresh, {}, None) is False
    assert V.all_parameters(expired, {}, {"p": 1, "q": 2}) is False
    assert V.all_parameters(forever, {}, None) is True  # None == None
    assert V.all_parameters(forever, {}, {}) is False


@pytest.mark.parametrize("validate_on", [["p"], ("p", "not_a_parameter"), "p"])
def test_partial_parameters_only(fresh, expired, forever, validate_on):
    validator = V.partial_parameters_only(validate_on=validate_on)
    assert validator(fresh, {}, {"p": 1, "q": 9}) is True
    assert validator(fresh, {}, {"p": 2}) is False
    assert validator(fresh, {}, None) is False
    assert validator(forever, {}, {"p": 1}) is False
    assert validator(forever, {}, None) is True
    assert validator(expired, {}, {"p": 1, "q": 2}) is False


def test_partial_parameters_only_without_names_checks_expiry_only(fresh, expired):
    validator = V.partial_parameters_only()
    assert validator(fresh, {}, {"p": 99}) is True
    assert validator(expired, {}, {"p": 1, "q": 2}) is False
    assert validator.__name__ == "_partial_parameters_only"


def test_partial_validators_accept_a_one_shot_iterable(fresh):
    validator = V.partial_parameters_only(validate_on=(name for name in ["p"]))
    assert validator(fresh, {}, {"p": 2}) is False
    assert validator(fresh, {}, {"p": 2}) is False  # still validating on "p"
    inputs_validator = V.partial_inputs_only(validate_on=iter(["x"]))
    assert inputs_validator(fresh, {"x": 5}, {}) is False
    assert inputs_validator(fresh, {"x": 5}, {}) is False


def test_partial_inputs_only(fresh, expired):
    validator = V.partial_inputs_only(validate_on=["x"])
    assert validator(fresh, {"x": 1, "y": 9}, {}) is True
    assert validator(fresh, {"x": Result(1)}, {}) is True
    assert validator(fresh, {"x": 2}, {}) is False
    assert validator(fresh, {}, {}) is False
    assert validator(fresh, None, {}) is False
    assert validator(expired, {"x": 1}, {}) is False
    assert validator.__name__ == "_partial_inputs_only"


def test_partial_inputs_only_without_names_checks_expiry_only(fresh, expired):
    assert V.partial_inputs_only()(fresh, {"x": 5}, {}) is True
    assert V.partial_inputs_only()(expired, {"x": 1}, {}) is False


def test_hashed_inputs_compare_by_dask_token():
    from dask.base import tokenize

    state = Cached(hashed_inputs={"x": tokenize(1), "y": tokenize("a")})
    assert V.all_inputs(state, {"x": 1, "y": "a"}, {}) is True
    assert V.all_inputs(state, {"x": Result(1), "y": Result("a")}, {}) is True
    assert V.all_inputs(state, {"x": 2, "y": "a"}, {}) is False
    assert V.partial_inputs_only(["x"])(state, {"x": 1, "y": 5}, {}) is True
    assert V.partial_inputs_only(["x"])(state, {"x": 3}, {}) is False


def test_hashed_inputs_without_dask_name_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.base", None)
    state = Cached(hashed_inputs={"x": "token"})
    with pytest.raises(ImportError, match=r"hashed_inputs.*pip install 'prefect-compat\[dask\]'"):
        V.all_inputs(state, {"x": 1}, {})

"""State dicts as real Prefect writes them, per release (observed on 0.13.19 and in the
1.4.1 fixtures): where the two releases differ, each format is written as its release does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prefect_compat.engine import state as S
from prefect_compat.engine.result.base import NoResult, Result, SafeResult
from prefect_compat.engine.result_handlers import JSONResultHandler
from prefect_compat.engine.results import (
    ConstantResult,
    GCSResult,
    LocalResult,
    PrefectResult,
    S3Result,
)
from prefect_compat.serialization.state import StateSchema, SuccessSchema
from prefect_compat.utilities.configuration import set_temporary_config

FIXTURES = Path(__file__).parent / "fixtures"
NO_RESULT_013 = {"type": "NoResultType", "__version__": "0.13.19"}

UNSTORED = [
    pytest.param(lambda: Result(), id="Result"),
    pytest.param(lambda: Result(5), id="Result-with-value"),
    pytest.param(lambda: LocalResult(dir="/tmp/pc-fid", validate_dir=False), id="LocalResult"),
    pytest.param(lambda: PrefectResult(), id="PrefectResult"),
    pytest.param(lambda: ConstantResult(value=5), id="ConstantResult"),
    pytest.param(lambda: S3Result(bucket="b"), id="S3Result"),
    pytest.param(lambda: GCSResult(bucket="g"), id="GCSResult"),
]


@pytest.mark.parametrize("make", UNSTORED)
def test_0_13_writes_a_state_result_without_location_as_no_result(make):
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        dumped = S.Success("m", result=make()).serialize()
        assert dumped["_result"] == NO_RESULT_013
        assert S.State.deserialize(dumped)._result is NoResult
        # cached inputs are written as they are, location null included
        cached = StateSchema().dump(S.Pending(cached_inputs={"x": make()}))
        assert cached["_result"] == NO_RESULT_013
        assert cached["cached_inputs"]["x"]["type"] == type(make()).__name__
        assert cached["cached_inputs"]["x"]["location"] is None


@pytest.mark.parametrize("make", UNSTORED)
def test_1_x_writes_a_state_result_without_location_as_it_is(make):
    dumped = S.Success("m", result=make()).serialize()
    assert dumped["_result"]["type"] == type(make()).__name__
    assert dumped["_result"]["location"] is None


def test_0_13_keeps_results_with_a_location_and_applies_the_rule_everywhere():
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        kept = S.Success(result=PrefectResult(location="5")).serialize()["_result"]
        assert kept == {"type": "PrefectResult", "location": "5", "__version__": "0.13.19"}
        empty = S.Success(result=Result(location="")).serialize()["_result"]
        assert empty["location"] == ""  # only a missing location counts
        inner = S.Submitted(state=S.Success(result=Result(3))).serialize()["state"]
        assert inner["_result"] == NO_RESULT_013
        assert SuccessSchema().dump(S.Success(result=Result(3)))["_result"] == NO_RESULT_013
        cached = S.Cached(result=Result(3), cached_inputs={"a": Result(1)}).serialize()
        assert cached["_result"] == NO_RESULT_013
        safe = S.Success()
        safe._result = SafeResult("v", JSONResultHandler())
        assert StateSchema().dump(safe)["_result"]["type"] == "SafeResult"


def test_a_failed_run_dumps_as_each_release_did():
    # the fixtures' flow run: a task raised, the flow failed (result: the exception)
    for version, expected in (("1", {"type": "Result", "location": None}), ("0.13", {})):
        dumped = json.loads(
            (
                FIXTURES / f"prefect-{'1.4.1' if version == '1' else '0.13.19'}-dumps.json"
            ).read_text()
        )
        with set_temporary_config({"compat.prefect_version": version}):
            ours = S.Failed("Some reference tasks failed.", result=ValueError("boom")).serialize()
        assert ours == dumped["flow_run"]["flow"]
        assert expected.items() <= ours["_result"].items()


def test_a_null_context_loads_as_an_empty_one():
    data = S.Success("m").serialize()
    data["context"] = None
    assert S.State.deserialize(data).context == {}

"""PrefectResult and ConstantResult (API_SURFACE.md §6.4-6.5, Prefect 1.4.1 probes)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from prefect_compat.engine import results
from prefect_compat.engine.results import ConstantResult, PrefectResult
from prefect_compat.engine.serializers import DateTimeSerializer, JSONSerializer, PickleSerializer
from prefect_compat.exceptions import ResultReadError


def test_results_package_exports():
    assert results.PrefectResult.__module__ == "prefect_compat.engine.results.prefect_result"
    assert results.ConstantResult.__module__ == "prefect_compat.engine.results.constant_result"


# -- PrefectResult --------------------------------------------------------------------


def test_prefect_result_defaults_to_json():
    result = PrefectResult()
    assert type(result.serializer) is JSONSerializer
    assert repr(result) == "<PrefectResult: None>"


def test_prefect_result_accepts_only_text_serializers():
    assert type(PrefectResult(serializer=DateTimeSerializer()).serializer) is DateTimeSerializer

    class MyJSON(JSONSerializer):
        pass

    assert type(PrefectResult(serializer=MyJSON()).serializer) is MyJSON
    message = "PrefectResult only supports JSONSerializer or DateTimeSerializer"
    with pytest.raises(TypeError, match=message):
        PrefectResult(serializer=PickleSerializer())
    with pytest.raises(TypeError, match=message):
        PrefectResult(serializer=None)
    result = PrefectResult()
    with pytest.raises(TypeError, match=message):
        result.serializer = PickleSerializer()


def test_write_puts_the_json_text_in_the_location_and_ignores_templates():
    template = PrefectResult(location="{x}")
    written = template.write({"a": [1, 2]}, x=1)
    assert written.location == '{"a": [1, 2]}'
    assert written.value == {"a": [1, 2]}
    assert (template.value, template.location) == (None, "{x}")
    assert PrefectResult().write(3).location == "3"


def test_write_of_a_non_json_value_is_a_type_error_naming_the_fix():
    with pytest.raises(TypeError, match=r"cannot store a set.*JSON-compatible"):
        PrefectResult().write({1, 2})


def test_read_parses_the_location():
    original = PrefectResult()
    loaded = original.read('"hi"')
    assert loaded is not original
    assert (loaded.value, loaded.location) == ("hi", '"hi"')
    assert original.value is None


def test_read_of_bad_text_names_location_and_serializer():
    with pytest.raises(ResultReadError, match=r"'garbage' with JSONSerializer"):
        PrefectResult().read("garbage")


def test_exists_is_whether_the_location_parses():
    result = PrefectResult()
    assert result.exists("3")
    assert result.exists("3", x=1)
    assert not result.exists("garbage")
    assert not result.exists(None)  # type: ignore[arg-type]


def test_datetime_prefect_result_round_trip():
    result = PrefectResult(serializer=DateTimeSerializer())
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    written = result.write(when)
    assert written.location == "2020-01-02T03:04:05Z"
    assert result.read(written.location).value == when


def test_prefect_result_equality_ignores_the_private_serializer():
    assert PrefectResult(value=3) == PrefectResult(value=3)
    assert PrefectResult(value=3) == PrefectResult(value=3, serializer=DateTimeSerializer())
    assert PrefectResult(value=3) != PrefectResult(value=4)


# -- ConstantResult -------------------------------------------------------------------


def test_constant_result_refuses_a_serializer():
    with pytest.raises(ValueError, match="Can't pass a serializer to a ConstantResult."):
        ConstantResult(value=1, serializer=PickleSerializer())
    with pytest.raises(ValueError, match="Can't pass a serializer to a ConstantResult."):
        ConstantResult(value=1, serializer=None)


def test_constant_result_reads_itself_and_always_exists():
    constant = ConstantResult(value=5)
    assert repr(constant) == "<ConstantResult: 5>"
    assert constant.read("anything") is constant
    assert constant.exists("anything")
    assert constant == ConstantResult(value=5)
    assert constant != ConstantResult(value=6)
    assert constant.from_value(9).value == 9
    assert type(constant.from_value(9)) is ConstantResult


def test_constant_result_cannot_be_written():
    with pytest.raises(ValueError, match="Cannot write values to `ConstantResult` types."):
        ConstantResult(value=5).write(3)

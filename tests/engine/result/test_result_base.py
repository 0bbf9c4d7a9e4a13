"""The Result base class and NoResult (API_SURFACE.md §6.1, Prefect 1.4.1 probes)."""

from __future__ import annotations

import pathlib
import pickle
import re
from datetime import datetime, timezone

import pytest

from prefect_compat.engine.result import NoResult, NoResultType, Result, ResultNotImplementedError
from prefect_compat.engine.result import base as result_base
from prefect_compat.engine.serializers import JSONSerializer, PickleSerializer


def test_defaults():
    result = Result()
    assert result.value is None
    assert result.location is None
    assert type(result.serializer) is PickleSerializer
    assert repr(result) == "<Result: None>"
    assert result.logger.name == "prefect.Result"


def test_classes_live_in_the_base_module():
    assert Result.__module__ == "prefect_compat.engine.result.base"
    assert result_base.NoResult is NoResult


def test_repr_uses_the_value_repr_and_class_name():
    assert repr(Result(3)) == "<Result: 3>"
    assert repr(Result("abc")) == "<Result: 'abc'>"

    class Sub(Result):
        pass

    assert repr(Sub(5)) == "<Sub: 5>"


def test_equality_is_exact_type_and_public_attributes():
    assert Result(1) == Result(1)
    assert Result(1, location="a") != Result(1, location="b")
    assert Result(1) != 1
    assert Result(1, serializer=JSONSerializer()) != Result(1)

    class Sub(Result):
        pass

    assert Result(5) != Sub(5)


def test_results_are_unhashable_because_they_compare_by_value():
    with pytest.raises(TypeError, match="unhashable"):
        hash(Result(1))


def test_copy_is_shallow_and_new():
    original = Result([1], location="loc")
    copy = original.copy()
    assert copy is not original
    assert copy == original
    assert copy.value is original.value
    assert copy.serializer is original.serializer


def test_from_value_sets_value_and_clears_location_without_touching_the_original():
    original = Result(3, location="{a}/b")
    new = original.from_value(9)
    assert (new.value, new.location) == (9, None)
    assert (original.value, original.location) == (3, "{a}/b")
    assert type(new) is Result


def test_format_renders_a_template_on_a_copy():
    original = Result(3, location="{a}/b")
    new = original.format(a=1, unused=2)
    assert new is not original
    assert (new.location, new.value) == ("1/b", 3)
    assert original.location == "{a}/b"


def test_format_with_a_missing_key_raises_key_error():
    with pytest.raises(KeyError, match="a"):
        Result(location="{a}/b").format(b=1)


def test_a_positional_field_fails_as_str_format_does():
    with pytest.raises(IndexError, match="Replacement index 0"):
        Result(location="{0}/b").format(a=1)


def test_callable_location_is_a_formatter():
    def formatter(**kwargs):
        return "x-{a}".format(**kwargs)

    result = Result(location=formatter)
    assert result.location is None
    assert result.format(a=1).location == "x-1"
    assert result.format(a=2).location == "x-2"


def test_path_location_is_stored_as_text():
    assert Result(location=pathlib.Path("out") / "x.bin").location == str(pathlib.Path("out/x.bin"))


def test_other_location_types_are_refused_with_a_hint():
    with pytest.raises(TypeError, match="str template, a callable"):
        Result(location=3)  # type: ignore[arg-type]


def test_default_location_is_dated_and_unique():
    first = Result().format().location
    second = Result().default_location
    now = datetime.now(timezone.utc)
    pattern = rf"{now.year}/{now.month}/{now.day}/[0-9a-f-]{{36}}\.prefect_result"
    assert re.fullmatch(pattern, first)
    assert re.fullmatch(pattern, second)
    assert first != second


@pytest.mark.parametrize(
    ("operation", "args"),
    [("exists", ("loc",)), ("read", ("loc",)), ("write", (1,))],
)
def test_storage_operations_are_not_available_on_the_base_class(operation, args):
    with pytest.raises(ResultNotImplementedError, match=rf"Result\.{operation}\(\).*LocalResult"):
        getattr(Result(), operation)(*args)
    assert issubclass(ResultNotImplementedError, NotImplementedError)


def test_no_result():
    assert repr(NoResult) == "<NoResultType: None>"
    assert str(NoResult) == "<NoResultType: None>"
    assert NoResult.value is None
    assert NoResult.location is None
    assert isinstance(NoResult, Result)
    assert NoResultType() == NoResult
    assert NoResult != Result()
    assert NoResult.copy() is not NoResult


def test_results_pickle_including_callable_locations():
    result = pickle.loads(pickle.dumps(Result([1, 2], location="a/{b}")))
    assert result == Result([1, 2], location="a/{b}")
    import cloudpickle

    formatted = cloudpickle.loads(cloudpickle.dumps(Result(location=lambda **kw: "f")))
    assert formatted.format().location == "f"


def test_no_result_prints_as_the_era_asked_for():
    """1.4.1 prints NoResult as any Result; 0.13.19 as `NoResult` / `<No result>`."""
    from prefect_compat.engine.state import Success
    from prefect_compat.utilities.configuration import set_temporary_config

    assert (str(NoResult), repr(NoResult)) == ("<NoResultType: None>",) * 2
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        assert (str(NoResult), repr(NoResult)) == ("NoResult", "<No result>")
        assert repr(Success()._result) == "<No result>"

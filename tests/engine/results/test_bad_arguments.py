"""Bad Result and serializer arguments are refused where they are given.

A Result class or a string where an instance is expected fails when the Task or
Flow is built (TypeError naming the argument and the fix), never after the task
body has run. Serializer names resolve when the Result is built; anything that is
not a serializer is a ValueError listing the valid names.
"""

from __future__ import annotations

import pytest

from prefect_compat import Flow, Task, task
from prefect_compat.engine.result_handlers import LocalResultHandler
from prefect_compat.engine.results import (
    AzureResult,
    GCSResult,
    LocalResult,
    PrefectResult,
    S3Result,
)
from prefect_compat.engine.serializers import (
    CompressedSerializer,
    DateTimeSerializer,
    JSONSerializer,
    PickleSerializer,
)

VALID_NAMES = "'compressed/json', 'compressed/pickle', 'datetime', 'json', 'pickle'"
RAN = []


def body():
    RAN.append(1)
    return 1


@pytest.fixture(autouse=True)
def nothing_ran():
    RAN.clear()
    yield
    assert RAN == []  # every refusal happens before any task body could run


@pytest.mark.parametrize(
    ("value", "got", "fix"),
    [
        (LocalResult, "the class LocalResult", "result=LocalResult(...)"),
        (S3Result, "the class S3Result", "result=S3Result(...)"),
        ("local", "the str 'local'", "result=LocalResult(dir=...)"),
        (object(), "a value of type object", "result=LocalResult(dir=...)"),
        (dict, "the class dict", "result=LocalResult(...)"),
    ],
    ids=["LocalResult-class", "S3Result-class", "string", "object", "other-class"],
)
def test_the_decorator_refuses_a_non_result(value, got, fix):
    with pytest.raises(TypeError) as info:
        task(result=value)(body)
    assert str(info.value) == (
        f"Task 'body': result= expects a Result instance, got {got}. Pass an instance, e.g. {fix}."
    )


def test_task_and_subclass_constructors_refuse_a_class():
    with pytest.raises(TypeError, match=r"^Task 'named': result= expects a Result instance"):
        Task(name="named", result=LocalResult)

    class Mine(Task):
        def run(self):
            return body()

    with pytest.raises(TypeError, match=r"^Task 'Mine': result=.*got the str 'json'"):
        Mine(result="json")


def test_flow_refuses_a_class_or_a_string():
    expected = r"^Flow 'f': result= .*the class LocalResult.*LocalResult\("
    with pytest.raises(TypeError, match=expected):
        Flow("f", result=LocalResult)
    with pytest.raises(TypeError, match=r"^Flow 'g': result= .*the str 'local'"):
        Flow("g", result="local")


def test_a_result_handler_given_as_result_points_at_result_handler(tmp_path):
    with pytest.raises(TypeError, match="a 0.10-style result handler goes in result_handler="):
        task(result=LocalResultHandler(dir=str(tmp_path)))(body)


def test_instances_and_none_are_accepted(tmp_path):
    result = LocalResult(dir=str(tmp_path))
    assert task(result=result)(body).result is result
    assert task(body).result is None
    assert Flow("ok", result=result).result is result


# -- serializers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("pickle", PickleSerializer),
        ("json", JSONSerializer),
        ("datetime", DateTimeSerializer),
        ("compressed/pickle", CompressedSerializer),
        ("compressed/json", CompressedSerializer),
    ],
)
def test_serializer_names_resolve_when_the_result_is_built(tmp_path, name, kind):
    result = LocalResult(dir=str(tmp_path), serializer=name)
    assert type(result.serializer) is kind


def test_every_result_class_resolves_names(tmp_path):
    for result in (
        S3Result("b", serializer="json"),
        GCSResult("b", serializer="json"),
        AzureResult("c", connection_string="x", serializer="json"),
        PrefectResult(serializer="json"),
    ):
        assert type(result.serializer) is JSONSerializer
    written = LocalResult(dir=str(tmp_path), location="v.json", serializer="json").write([1])
    assert (tmp_path / "v.json").read_bytes() == b"[1]"
    assert written.value == [1]


@pytest.mark.parametrize("name", ["yaml", "JSON", ""])
def test_an_unknown_name_lists_the_valid_ones(tmp_path, name):
    with pytest.raises(ValueError) as info:
        LocalResult(dir=str(tmp_path), serializer=name)
    assert str(info.value) == f"Unknown serializer name {name!r}; valid names are {VALID_NAMES}."


def test_something_that_is_not_a_serializer_is_refused(tmp_path):
    with pytest.raises(ValueError, match=rf"must be a Serializer instance.*{VALID_NAMES}.*object"):
        LocalResult(dir=str(tmp_path), serializer=object())
    with pytest.raises(ValueError, match=r"got the class JSONSerializer; pass an instance"):
        S3Result("b", serializer=JSONSerializer)


def test_a_task_with_a_bad_serializer_is_refused_before_it_runs(tmp_path):
    with pytest.raises(ValueError, match="Unknown serializer name 'yaml'"):

        @task(result=LocalResult(dir=str(tmp_path), serializer="yaml"))
        def never():
            return body()


def test_a_duck_typed_serializer_is_accepted(tmp_path):
    class Upper:
        def serialize(self, value):
            return value.upper().encode()

        def deserialize(self, data):
            return data.decode()

    result = LocalResult(dir=str(tmp_path), location="u.txt", serializer=Upper())
    result.write("abc")
    assert (tmp_path / "u.txt").read_bytes() == b"ABC"

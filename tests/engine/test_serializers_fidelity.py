"""Serializer details probed against Prefect 1.4.1 (pendulum parsing, argument checks)."""

from __future__ import annotations

import gzip
import sys
import types
import zlib
from datetime import datetime, timedelta, timezone

import pytest

from prefect_compat.engine.serializers import (
    CompressedSerializer,
    DateTimeSerializer,
    JSONSerializer,
    PandasSerializer,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"20200102T030405", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (b"20200102T030405Z", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (b"2020-W01", datetime(2019, 12, 30, tzinfo=UTC)),
        (b"2020-W01-3", datetime(2020, 1, 1, tzinfo=UTC)),
        (b"2020-001", datetime(2020, 1, 1, tzinfo=UTC)),
        (b"2020-032T10:00", datetime(2020, 2, 1, 10, tzinfo=UTC)),
        (b"2020-01", datetime(2020, 1, 1, tzinfo=UTC)),
        (b"2020", datetime(2020, 1, 1, tzinfo=UTC)),
        (
            b"20200102T030405+0530",
            datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
    ],
)
def test_datetime_deserialize_reads_the_iso_forms_pendulum_reads(text, expected):
    value = DateTimeSerializer().deserialize(text)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", [b"nope", b"2020-1-2", b"1577934245", b"2020-13", b"2021-366"])
def test_datetime_deserialize_still_refuses_non_iso_text(text):
    with pytest.raises(ValueError, match="Cannot parse .* as an ISO-8601 datetime"):
        DateTimeSerializer().deserialize(text)


def test_compressed_serializer_with_an_empty_format_asks_for_a_format():
    with pytest.raises(ValueError, match="needs format= .* or both compress= and decompress="):
        CompressedSerializer(JSONSerializer(), format="")


class _Table:
    """A stand-in DataFrame (pandas is not a dependency): only what is dispatched to."""

    def to_csv(self, buffer, **kwargs):
        buffer.write(b"a,b\n")


@pytest.fixture
def stand_in_pandas(monkeypatch):
    module = types.ModuleType("pandas")
    module.DataFrame = _Table
    module.read_csv = lambda buffer, **kwargs: buffer.read()
    monkeypatch.setitem(sys.modules, "pandas", module)
    return module


def test_pandas_serializer_refuses_a_value_without_the_writer(stand_in_pandas):
    serializer = PandasSerializer("csv")
    assert serializer.serialize(_Table()) == b"a,b\n"
    with pytest.raises(ValueError, match=r"Could not find serialization methods for csv: a list"):
        serializer.serialize([1, 2])


@pytest.mark.parametrize(("name", "module"), [("gzip", gzip), ("zlib", zlib)])
def test_compression_from_lib_returns_the_modules_functions(name, module):
    assert CompressedSerializer.compression_from_lib(name) == (module.compress, module.decompress)


def test_compression_from_lib_names_a_missing_module():
    with pytest.raises(ImportError, match="no module named 'nope' is installed"):
        CompressedSerializer.compression_from_lib("nope")

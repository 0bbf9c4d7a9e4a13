"""Serializers (API_SURFACE.md §7): round trips, wire formats, errors and equality."""

from __future__ import annotations

import base64
import bz2
import gzip
import lzma
import pickle
import re
import sys
import types
from datetime import datetime, timedelta, timezone

import cloudpickle
import pytest
from hypothesis import given
from hypothesis import strategies as st

from prefect_compat.engine.serializers import (
    CompressedSerializer,
    DateTimeSerializer,
    JSONSerializer,
    PandasSerializer,
    PickleSerializer,
    Serializer,
    get_serializer,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)
aware_datetimes = st.datetimes(
    timezones=st.timezones() | st.just(timezone.utc),
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2200, 1, 1),
)

# -- round trips ----------------------------------------------------------------------


@given(json_values)
def test_json_round_trip(value):
    serializer = JSONSerializer()
    assert serializer.deserialize(serializer.serialize(value)) == value


@given(json_values | st.sets(st.integers()) | st.tuples(st.integers(), st.binary()))
def test_pickle_round_trip(value):
    serializer = PickleSerializer()
    assert serializer.deserialize(serializer.serialize(value)) == value


@given(aware_datetimes)
def test_datetime_round_trip_keeps_wall_time_and_offset(value):
    # Compared field by field: `==` across zones is False for times in a DST gap or fold.
    serializer = DateTimeSerializer()
    loaded = serializer.deserialize(serializer.serialize(value))
    assert loaded.replace(tzinfo=None) == value.replace(tzinfo=None)
    assert loaded.utcoffset() == value.utcoffset()


@given(json_values, st.sampled_from(["gzip", "bz2", "lzma", "zlib"]))
def test_compressed_round_trip(value, fmt):
    serializer = CompressedSerializer(JSONSerializer(), format=fmt)
    assert serializer.deserialize(serializer.serialize(value)) == value


# -- pickle ---------------------------------------------------------------------------


def test_pickle_handles_lambdas():
    serializer = PickleSerializer()
    assert serializer.deserialize(serializer.serialize(lambda x: x + 1))(1) == 2


def test_pickle_reads_legacy_base64_payloads():
    assert PickleSerializer().deserialize(base64.b64encode(cloudpickle.dumps(5))) == 5


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (b"garbage", pickle.UnpicklingError),
        (b"", EOFError),
        (b"YWJj", pickle.UnpicklingError),
    ],
)
def test_pickle_reraises_the_original_error_when_both_readings_fail(payload, error):
    with pytest.raises(error):
        PickleSerializer().deserialize(payload)


# -- json -----------------------------------------------------------------------------


def test_json_wire_format_and_str_input():
    serializer = JSONSerializer()
    assert serializer.serialize({"a": [1, 2]}) == b'{"a": [1, 2]}'
    assert serializer.deserialize('{"a": 1}') == {"a": 1}
    with pytest.raises(TypeError, match="not JSON serializable"):
        serializer.serialize({1, 2})


# -- datetime -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2020, 1, 2, 3, 4, 5), b"2020-01-02T03:04:05Z"),
        (datetime(2020, 1, 2, 0, 0, 0, 5), b"2020-01-02T00:00:00.000005Z"),
        (datetime(2020, 1, 2, tzinfo=timezone.utc), b"2020-01-02T00:00:00Z"),
        (
            datetime(2020, 1, 2, 3, 4, 5, 123456, tzinfo=timezone(timedelta(hours=2))),
            b"2020-01-02T03:04:05.123456+02:00",
        ),
        (
            datetime(2020, 1, 2, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            b"2020-01-02T00:00:00+05:30",
        ),
    ],
)
def test_datetime_wire_format_matches_prefect(value, text):
    assert DateTimeSerializer().serialize(value) == text


def test_datetime_zero_offset_that_is_not_utc_keeps_its_offset():
    from zoneinfo import ZoneInfo

    london = datetime(2020, 1, 2, tzinfo=ZoneInfo("Europe/London"))
    assert DateTimeSerializer().serialize(london) == b"2020-01-02T00:00:00+00:00"
    utc_zone = datetime(2020, 1, 2, tzinfo=ZoneInfo("UTC"))
    assert DateTimeSerializer().serialize(utc_zone) == b"2020-01-02T00:00:00Z"


UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"2020-01-02T03:04:05Z", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (b"2020-01-02T03:04:05", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (b"2020-01-02", datetime(2020, 1, 2, tzinfo=UTC)),
        (b"2020-01-02 03:04:05", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (b"2020-01-02T03:04", datetime(2020, 1, 2, 3, 4, tzinfo=UTC)),
        (b"2020-01-02T03:04:05.1Z", datetime(2020, 1, 2, 3, 4, 5, 100000, tzinfo=UTC)),
        (b"2020-01-02T03:04:05.123456789Z", datetime(2020, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)),
        (
            b"2020-01-02T03:04:05+0200",
            datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        ),
        (
            b"2020-01-02T03:04:05-05",
            datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("2020-01-02T03:04:05Z", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ],
)
def test_datetime_parses_the_forms_prefect_accepted(text, expected):
    parsed = DateTimeSerializer().deserialize(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", [b"garbage", b"2020-13-01", b"2020-01-02T03:04:05+24:00"])
def test_datetime_parse_errors_name_the_input(text):
    with pytest.raises(ValueError, match=re.escape(f"Cannot parse '{text.decode()}'")):
        DateTimeSerializer().deserialize(text)


def test_datetime_serialize_refuses_non_datetimes_with_a_hint():
    with pytest.raises(TypeError, match=r"not date .*convert the value first"):
        DateTimeSerializer().serialize(datetime(2020, 1, 2).date())


# -- compressed -----------------------------------------------------------------------


def test_compressed_by_format_uses_that_module():
    serializer = CompressedSerializer(PickleSerializer(), format="lzma")
    payload = serializer.serialize([1, 2])
    assert payload.startswith(b"\xfd7zXZ\x00")
    assert cloudpickle.loads(lzma.decompress(payload)) == [1, 2]


def test_compressed_with_functions_and_kwargs():
    serializer = CompressedSerializer(
        JSONSerializer(),
        compress=gzip.compress,
        decompress=gzip.decompress,
        compress_kwargs={"compresslevel": 1},
    )
    payload = serializer.serialize({"a": 1})
    assert gzip.decompress(payload) == b'{"a": 1}'
    assert serializer.deserialize(payload) == {"a": 1}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, ValueError, "needs format="),
        ({"compress": gzip.compress}, ValueError, "needs format="),
        ({"format": "gzip", "compress": gzip.compress}, ValueError, "not both"),
        ({"format": "no_such_codec"}, ImportError, "no module named 'no_such_codec'"),
        ({"format": "json"}, ValueError, "module 'json' has no compress"),
    ],
)
def test_compressed_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        CompressedSerializer(JSONSerializer(), **kwargs)


def test_compressed_equality_compares_inner_serializer_functions_and_kwargs():
    json = JSONSerializer()
    assert CompressedSerializer(json, format="gzip") == CompressedSerializer(json, format="gzip")
    assert CompressedSerializer(json, format="gzip") == CompressedSerializer(
        json, compress=gzip.compress, decompress=gzip.decompress
    )
    assert CompressedSerializer(json, format="gzip") != CompressedSerializer(
        PickleSerializer(), format="gzip"
    )
    assert CompressedSerializer(json, format="gzip") != CompressedSerializer(json, format="bz2")
    assert CompressedSerializer(json, format="gzip") != CompressedSerializer(
        json, format="gzip", compress_kwargs={"compresslevel": 1}
    )


# -- base, equality, lookup -----------------------------------------------------------


def test_base_serializer_methods_say_what_to_implement():
    with pytest.raises(NotImplementedError, match=r"must define both serialize\(\)"):
        Serializer().serialize(1)
    with pytest.raises(NotImplementedError, match=r"Serializer does not implement deserialize"):
        Serializer().deserialize(b"")


def test_equality_is_by_exact_type():
    assert PickleSerializer() == PickleSerializer()
    assert PickleSerializer() != JSONSerializer()
    assert Serializer() == Serializer()

    class MyPickle(PickleSerializer):
        pass

    assert MyPickle() != PickleSerializer()
    assert PickleSerializer() != MyPickle()


@pytest.mark.parametrize(
    ("name", "value"),
    [("pickle", {1, 2}), ("json", [1]), ("compressed/pickle", {1}), ("compressed/json", [1])],
)
def test_get_serializer_by_name(name, value):
    serializer = get_serializer(name)
    assert serializer.deserialize(serializer.serialize(value)) == value
    assert get_serializer(name) is not serializer


def test_get_serializer_compressed_defaults_to_lzma():
    assert get_serializer("compressed/json") == CompressedSerializer(
        JSONSerializer(), format="lzma"
    )
    assert get_serializer("compressed/pickle").serialize(1).startswith(b"\xfd7zXZ")
    assert not get_serializer("compressed/json").serialize(1).startswith(bz2.compress(b"")[:3])


def test_get_serializer_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"'yaml'; valid names are 'compressed/json', .*'pickle'"):
        get_serializer("yaml")


# -- pandas ---------------------------------------------------------------------------


def test_pandas_serializer_without_pandas_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(
        ImportError, match=r"PandasSerializer needs the 'pandas' package.*\[pandas\]"
    ):
        PandasSerializer("csv")


class _Frame:
    """Stands in for a DataFrame: pandas is not a dependency of this package, and what
    is tested here is our dispatch (method names, buffers, kwargs), not pandas itself."""

    def __init__(self, text: str) -> None:
        self.text = text

    def to_csv(self, buffer, **kwargs):
        buffer.write((self.text + repr(sorted(kwargs.items()))).encode())

    def to_json(self, buffer, **kwargs):
        buffer.write(self.text + "!")  # text-only writer: raises TypeError on a bytes buffer


@pytest.fixture
def fake_pandas(monkeypatch):
    module = types.ModuleType("pandas")
    module.DataFrame = _Frame
    module.read_csv = lambda buffer, **kwargs: ("csv", buffer.read(), kwargs)
    module.read_json = lambda buffer, **kwargs: ("json", buffer.read(), kwargs)
    monkeypatch.setitem(sys.modules, "pandas", module)
    return module


def test_pandas_dispatches_to_named_methods_with_kwargs(fake_pandas):
    serializer = PandasSerializer(
        "csv", serialize_kwargs={"index": False}, deserialize_kwargs={"sep": ";"}
    )
    assert serializer.serialize(_Frame("a,b")) == b"a,b[('index', False)]"
    assert serializer.deserialize(b"data") == ("csv", b"data", {"sep": ";"})


def test_pandas_falls_back_to_a_text_buffer(fake_pandas):
    assert PandasSerializer("json").serialize(_Frame("{}")) == b"{}!"


def test_pandas_unknown_file_type(fake_pandas):
    with pytest.raises(ValueError, match="Could not find deserialization methods for nope"):
        PandasSerializer("nope")
    fake_pandas.read_html = lambda buffer: None
    with pytest.raises(ValueError, match="Could not find serialization methods for html"):
        PandasSerializer("html")


def test_pandas_equality_compares_type_and_kwargs(fake_pandas):
    csv = PandasSerializer("csv", serialize_kwargs={"index": False})
    assert csv == PandasSerializer("csv", serialize_kwargs={"index": False})
    assert csv != PandasSerializer("csv")
    assert PandasSerializer("csv") == PandasSerializer("csv", deserialize_kwargs={})
    assert PandasSerializer("csv") != PandasSerializer("json")

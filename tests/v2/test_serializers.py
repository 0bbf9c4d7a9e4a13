"""2.x serializers (`prefect_compat.serializers`): bytes, descriptions and names as 2.6.9's.

Expected bytes and texts were observed on real Prefect 2.6.9 (RESULTS_V2 §7, §8).
"""

from __future__ import annotations

import base64
import bz2
import collections
import dataclasses
import datetime
import decimal
import enum
import ipaddress
import json
import lzma
import pathlib
import pickle
import re
import sys
import threading
import uuid
import zlib

import cloudpickle
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prefect_compat import serializers as S
from prefect_compat.engine import serializers as v1_serializers

JSON_DESCRIPTION = (
    '{"type": "json", "jsonlib": "json", "object_encoder": '
    '"prefect.serializers.prefect_json_object_encoder", "object_decoder": '
    '"prefect.serializers.prefect_json_object_decoder", "dumps_kwargs": {}, "loads_kwargs": {}}'
)
PICKLE_DESCRIPTION = (
    '{"type": "pickle", "picklelib": "cloudpickle", '
    f'"picklelib_version": "{cloudpickle.__version__}"}}'
)


class Color(enum.Enum):
    RED = 1


@dataclasses.dataclass
class Point:
    x: int = 1
    y: int = 2


class Plain:
    pass


# ------------------------------------------------------------------ names and types


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("pickle", S.PickleSerializer),
        ("json", S.JSONSerializer),
        ("compressed/pickle", S.CompressedPickleSerializer),
        ("compressed/json", S.CompressedJSONSerializer),
    ],
)
def test_serializer_dispatches_on_type_name(name, cls):
    serializer = S.Serializer(type=name)
    assert type(serializer) is cls
    assert serializer.type == name
    assert serializer == cls()


def test_compressed_serializer_type_and_inner_forms():
    by_name = S.CompressedSerializer(serializer="pickle")
    by_instance = S.CompressedSerializer(serializer=S.PickleSerializer())
    by_description = S.CompressedSerializer(serializer={"type": "pickle"})
    assert by_name.type == "compressed"
    assert by_name == by_instance == by_description
    assert by_name.compressionlib == "lzma"
    assert isinstance(by_name.serializer, S.PickleSerializer)


def test_unknown_name_raises_value_error_listing_the_valid_names():
    with pytest.raises(ValueError, match="Unknown result serializer 'nope'") as info:
        S.Serializer(type="nope")
    for name in ("'pickle'", "'json'", "'compressed/pickle'", "'compressed/json'"):
        assert name in str(info.value)


def test_wrong_type_for_a_class_is_refused():
    with pytest.raises(ValueError, match="PickleSerializer has type 'pickle', not 'json'"):
        S.PickleSerializer(type="json")


def test_serializer_without_type_names_the_argument():
    with pytest.raises(ValueError, match=r"needs type="):
        S.Serializer()


def test_2x_classes_are_not_the_1x_ones():
    assert S.PickleSerializer is not v1_serializers.PickleSerializer
    assert not issubclass(S.JSONSerializer, v1_serializers.Serializer)
    assert type(S.Serializer(type="compressed/pickle")).__module__ == "prefect_compat.serializers"


def test_custom_subclass_registers_its_type():
    class Upper(S.Serializer):
        type = "test-upper"

        def dumps(self, obj):
            return str(obj).upper().encode()

        def loads(self, blob):
            return blob.decode()

    made = S.Serializer(type="test-upper")
    assert isinstance(made, Upper)
    assert made.dumps("abc") == b"ABC"
    assert (
        S.CompressedSerializer(serializer="test-upper").loads(
            S.CompressedSerializer(serializer="test-upper").dumps("x")
        )
        == "X"
    )


# ------------------------------------------------------------------ pickle


def test_pickle_dumps_exactly_base64_lines_of_cloudpickle():
    serializer = S.PickleSerializer()
    assert serializer.dumps(1) == b"gAVLAS4=\n"
    long = "x" * 100
    data = serializer.dumps(long)
    assert data == base64.encodebytes(cloudpickle.dumps(long))
    assert data.count(b"\n") == 3  # 76-column lines and a trailing newline
    assert serializer.loads(data) == long


def test_pickle_description_and_repr():
    serializer = S.PickleSerializer()
    assert serializer.json() == PICKLE_DESCRIPTION
    assert serializer.dict() == json.loads(PICKLE_DESCRIPTION)
    assert repr(serializer) == (
        "PickleSerializer(type='pickle', picklelib='cloudpickle', "
        f"picklelib_version='{cloudpickle.__version__}')"
    )


def test_stdlib_pickle_has_no_version():
    serializer = S.PickleSerializer(picklelib="pickle")
    assert (
        serializer.json() == '{"type": "pickle", "picklelib": "pickle", "picklelib_version": null}'
    )
    assert serializer.dumps(1) == base64.encodebytes(pickle.dumps(1))


def test_unknown_pickle_library_fails_at_construction():
    with pytest.raises(
        ValueError, match=r"Failed to import requested pickle library: 'custompickle'\."
    ):
        S.PickleSerializer(picklelib="custompickle")


def test_pickle_library_without_dumps_is_refused():
    with pytest.raises(
        ValueError, match=r"Pickle library at 'zlib' does not have a 'dumps' method"
    ):
        S.PickleSerializer(picklelib="zlib")


def test_mismatched_pickle_version_warns():
    with pytest.warns(
        RuntimeWarning, match=r"Mismatched 'cloudpickle' versions. Found .* but 0\.0\.1"
    ):
        serializer = S.PickleSerializer(picklelib_version="0.0.1")
    assert serializer.picklelib_version == "0.0.1"
    assert serializer.loads(serializer.dumps([1])) == [1]


def test_unpicklable_value_raises_from_dumps():
    with pytest.raises(TypeError, match="lock"):
        S.PickleSerializer().dumps(threading.Lock())


# ------------------------------------------------------------------ json


def test_json_description_uses_prefects_dotted_hook_names():
    assert S.JSONSerializer().json() == JSON_DESCRIPTION


@pytest.mark.parametrize(
    ("value", "encoded", "decoded"),
    [
        (1, b"1", 1),
        ({"a": [1, (2, 3)]}, b'{"a": [1, [2, 3]]}', {"a": [1, [2, 3]]}),
        (
            datetime.datetime(2022, 11, 22, 1, 2, 3),
            b'{"__class__": "datetime.datetime", "data": "2022-11-22T01:02:03"}',
            datetime.datetime(2022, 11, 22, 1, 2, 3),
        ),
        (
            datetime.datetime(2022, 1, 1, tzinfo=datetime.timezone.utc),
            b'{"__class__": "datetime.datetime", "data": "2022-01-01T00:00:00+00:00"}',
            datetime.datetime(2022, 1, 1, tzinfo=datetime.timezone.utc),
        ),
        (
            datetime.date(2022, 1, 2),
            b'{"__class__": "datetime.date", "data": "2022-01-02"}',
            datetime.date(2022, 1, 2),
        ),
        (
            datetime.time(1, 2),
            b'{"__class__": "datetime.time", "data": "01:02:00"}',
            datetime.time(1, 2),
        ),
        (
            datetime.timedelta(seconds=90),
            b'{"__class__": "datetime.timedelta", "data": 90.0}',
            datetime.timedelta(seconds=90),
        ),
        (
            uuid.UUID(int=5),
            b'{"__class__": "uuid.UUID", "data": "00000000-0000-0000-0000-000000000005"}',
            uuid.UUID(int=5),
        ),
        ({1, 2}, b'{"__class__": "builtins.set", "data": [1, 2]}', {1, 2}),
        (frozenset([3]), b'{"__class__": "builtins.frozenset", "data": [3]}', frozenset([3])),
        (
            decimal.Decimal("1.5"),
            b'{"__class__": "decimal.Decimal", "data": 1.5}',
            decimal.Decimal("1.5"),
        ),
        (
            decimal.Decimal("3"),
            b'{"__class__": "decimal.Decimal", "data": 3}',
            decimal.Decimal("3"),
        ),
        (b"bytes", b'{"__class__": "builtins.bytes", "data": "bytes"}', b"bytes"),
        (
            pathlib.PosixPath("/a/b"),
            # the class's qualified name: pathlib._local.PosixPath from Python 3.13 on
            f'{{"__class__": "{pathlib.PosixPath.__module__}.PosixPath", "data": "/a/b"}}'.encode(),
            pathlib.PosixPath("/a/b"),
        ),
        (
            ipaddress.IPv4Address("1.2.3.4"),
            b'{"__class__": "ipaddress.IPv4Address", "data": "1.2.3.4"}',
            ipaddress.IPv4Address("1.2.3.4"),
        ),
        (
            collections.deque([1]),
            b'{"__class__": "collections.deque", "data": [1]}',
            collections.deque([1]),
        ),
        (re.compile("a+"), b'{"__class__": "re.Pattern", "data": "a+"}', re.compile("a+")),
        (Color.RED, b'{"__class__": "tests.v2.test_serializers.Color", "data": 1}', Color.RED),
        (
            Point(),
            b'{"__class__": "tests.v2.test_serializers.Point", "data": {"x": 1, "y": 2}}',
            Point(),
        ),
        ("h\u00e9llo", b'"h\\u00e9llo"', "h\u00e9llo"),
    ],
)
def test_json_encodings_match_prefect_2_6_9(value, encoded, decoded):
    serializer = S.JSONSerializer()
    assert serializer.dumps(value) == encoded
    assert serializer.loads(encoded) == decoded


def test_a_path_written_under_its_pre_3_13_name_reads_back_on_any_python():
    text = b'{"__class__": "pathlib.PosixPath", "data": "/a/b"}'
    assert S.JSONSerializer().loads(text) == pathlib.PosixPath("/a/b")


def test_json_refuses_objects_it_cannot_encode_with_prefects_text():
    with pytest.raises(TypeError, match=r"^Object of type 'Plain' is not JSON serializable$"):
        S.JSONSerializer().dumps({"x": Plain()})
    with pytest.raises(TypeError, match=r"Object of type 'complex' is not JSON serializable"):
        S.JSONSerializer().dumps(1j)


def test_json_kwargs_may_not_replace_the_hooks():
    with pytest.raises(
        ValueError, match=r"`default` cannot be provided. Use `object_encoder` instead."
    ):
        S.JSONSerializer(dumps_kwargs={"default": str})
    with pytest.raises(ValueError, match=r"`object_hook` cannot be provided. Use `object_decoder`"):
        S.JSONSerializer(loads_kwargs={"object_hook": dict})


def test_json_dumps_kwargs_are_passed_through():
    serializer = S.JSONSerializer(dumps_kwargs={"sort_keys": True})
    assert serializer.dumps({"b": 1, "a": 2}) == b'{"a": 2, "b": 1}'


def test_decoder_leaves_dicts_without_data_alone():
    assert S.prefect_json_object_decoder({"__class__": "builtins.set"}) == {
        "__class__": "builtins.set"
    }
    assert S.prefect_json_object_decoder({"a": 1}) == {"a": 1}


def test_decoder_never_calls_arbitrary_callables():
    with pytest.raises(ValueError, match=r"class 'os.system'.*not a class"):
        S.prefect_json_object_decoder({"__class__": "os.system", "data": "echo hi"})
    with pytest.raises(ValueError, match=r"class 'subprocess.Popen'.*pickle serializer"):
        S.prefect_json_object_decoder({"__class__": "subprocess.Popen", "data": ["true"]})
    with pytest.raises(ValueError, match=r"Cannot decode a JSON object of class 'no_such_mod.X'"):
        S.prefect_json_object_decoder({"__class__": "no_such_mod.X", "data": 1})


def test_json_without_hooks_is_plain_json():
    serializer = S.JSONSerializer(object_encoder=None, object_decoder=None)
    assert serializer.loads(serializer.dumps({"__class__": "builtins.set", "data": [1]})) == {
        "__class__": "builtins.set",
        "data": [1],
    }
    with pytest.raises(TypeError):
        serializer.dumps({1, 2})


def test_custom_hooks_resolve_by_dotted_name():
    serializer = S.JSONSerializer(object_encoder="builtins.repr", object_decoder="builtins.dict")
    assert serializer.dumps(1j) == b'"1j"'
    with pytest.raises(ValueError, match=r"Cannot import the JSON hook 'nowhere.hook'"):
        S.JSONSerializer(object_encoder="nowhere.hook").dumps(1j)


def test_orjson_documents_round_trip():
    import orjson

    serializer = S.JSONSerializer(jsonlib="orjson")
    value = {"s": {1, 2}, "when": datetime.datetime(2022, 11, 22, 1, 2, 3)}
    data = serializer.dumps(value)
    assert data == orjson.dumps(value, default=S.prefect_json_object_encoder)
    # orjson writes datetimes natively (as text); sets go through the encoder and come back
    assert serializer.loads(data) == {"s": {1, 2}, "when": "2022-11-22T01:02:03"}


def test_orjson_documents_read_back_without_orjson(monkeypatch):
    data = S.JSONSerializer(jsonlib="orjson").dumps({"s": {1, 2}})
    monkeypatch.setitem(sys.modules, "orjson", None)  # import orjson now raises ImportError
    assert S.JSONSerializer(jsonlib="orjson").loads(data) == {"s": {1, 2}}
    with pytest.raises(ValueError, match=r"Failed to import requested JSON library: 'orjson'"):
        S.JSONSerializer(jsonlib="orjson").dumps(1)


# ------------------------------------------------------------------ compressed


def test_compressed_layers_are_base64_over_compress_over_inner_bytes():
    inner = S.PickleSerializer()
    data = S.CompressedPickleSerializer().dumps(1)
    assert lzma.decompress(base64.decodebytes(data)) == inner.dumps(1) == b"gAVLAS4=\n"
    data = S.CompressedJSONSerializer().dumps({"a": 1})
    assert lzma.decompress(base64.decodebytes(data)) == b'{"a": 1}'
    data = S.CompressedSerializer(serializer="json", compressionlib="zlib").dumps(1)
    assert zlib.decompress(base64.decodebytes(data)) == b"1"
    data = S.CompressedSerializer(serializer="pickle", compressionlib="bz2").dumps("x")
    assert bz2.decompress(base64.decodebytes(data)) == S.PickleSerializer().dumps("x")


def test_compressed_descriptions_nest_the_inner_description():
    assert S.CompressedJSONSerializer().json() == (
        f'{{"type": "compressed/json", "serializer": {JSON_DESCRIPTION}, "compressionlib": "lzma"}}'
    )
    assert S.CompressedPickleSerializer().json() == (
        f'{{"type": "compressed/pickle", "serializer": {PICKLE_DESCRIPTION}, '
        '"compressionlib": "lzma"}'
    )
    zlib_json = S.CompressedSerializer(serializer="json", compressionlib="zlib")
    assert zlib_json.json() == (
        f'{{"type": "compressed", "serializer": {JSON_DESCRIPTION}, "compressionlib": "zlib"}}'
    )
    assert S.Serializer.parse_obj(json.loads(zlib_json.json())) == zlib_json


def test_bad_compression_libraries_fail_at_construction():
    with pytest.raises(
        ValueError, match=r"Failed to import requested compression library: 'nope'\."
    ):
        S.CompressedSerializer(serializer="pickle", compressionlib="nope")
    with pytest.raises(
        ValueError, match=r"Compression library at 'json' does not have a 'compress'"
    ):
        S.CompressedSerializer(serializer="pickle", compressionlib="json")
    with pytest.raises(ValueError, match=r"needs serializer="):
        S.CompressedSerializer()
    with pytest.raises(ValueError, match=r"Unknown result serializer 'nope'"):
        S.CompressedSerializer(serializer="nope")
    with pytest.raises(TypeError, match=r"got int"):
        S.CompressedSerializer(serializer=3)


# ------------------------------------------------------------------ round trips (property)

ALL_SERIALIZERS = [
    S.PickleSerializer(),
    S.PickleSerializer(picklelib="pickle"),
    S.JSONSerializer(),
    S.JSONSerializer(jsonlib="orjson"),
    S.CompressedPickleSerializer(),
    S.CompressedJSONSerializer(),
    S.CompressedSerializer(serializer="json", compressionlib="zlib"),
    S.CompressedSerializer(serializer="pickle", compressionlib="bz2"),
]
JSON_SERIALIZERS = [s for s in ALL_SERIALIZERS if "json" in s.json() and "orjson" not in s.json()]

NO_SURROGATES = st.characters(blacklist_categories=("Cs",))  # orjson refuses lone surrogates
text = st.text(alphabet=NO_SURROGATES)
plain_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet=NO_SURROGATES, max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
extra_json = (
    st.datetimes(timezones=st.none() | st.just(datetime.timezone.utc))
    | st.dates()
    | st.uuids()
    | st.sets(st.integers(), max_size=4)
    | st.frozensets(st.text(max_size=3), max_size=3)
    | st.binary(max_size=8).map(lambda b: base64.b64encode(b))
)
picklable = (
    plain_json
    | extra_json
    | st.tuples(st.integers(), st.text())
    | st.complex_numbers(allow_nan=False)
)


@pytest.mark.parametrize("serializer", ALL_SERIALIZERS, ids=lambda s: s.json()[:60])
@settings(max_examples=25, deadline=None)
@given(value=plain_json)
def test_every_serializer_round_trips_json_data(serializer, value):
    assert serializer.loads(serializer.dumps(value)) == value


@pytest.mark.parametrize("serializer", JSON_SERIALIZERS, ids=lambda s: s.json()[:60])
@settings(max_examples=25, deadline=None)
@given(value=st.dictionaries(st.text(max_size=4), extra_json, max_size=4))
def test_json_serializers_round_trip_the_extra_types(serializer, value):
    assert serializer.loads(serializer.dumps(value)) == value


@pytest.mark.parametrize(
    "serializer", [s for s in ALL_SERIALIZERS if "pickle" in s.type or "pickle" in s.json()]
)
@settings(max_examples=25, deadline=None)
@given(value=picklable)
def test_pickle_serializers_round_trip_any_picklable(serializer, value):
    assert serializer.loads(serializer.dumps(value)) == value

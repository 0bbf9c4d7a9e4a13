"""ResultContract: behaviour every storage-backed Result must show.

A test module subclasses `ResultContract` and provides a `backend` fixture with:

    make(**kwargs) -> Result      a new Result of the class under test (location=,
                                  serializer=, ... passed through)
    stored_at(key) -> str         the location a write to relative `key` records
                                  (LocalResult: the absolute path; S3/GCS: the key)
    put_raw(key, data)            store raw bytes at `key` without the Result
    get_raw(key) -> bytes         the raw bytes stored at `key`, read without the Result

What was written is always checked through `get_raw`, independently of the Result's
own `read`. The contract passes unchanged for Local, S3 and GCS.
"""

from __future__ import annotations

import pickle
import re
import threading

import cloudpickle
import pytest

from prefect_compat.engine.result.base import Result
from prefect_compat.engine.serializers import (
    CompressedSerializer,
    JSONSerializer,
    PickleSerializer,
)
from prefect_compat.exceptions import ResultReadError


class ResultContract:
    # -- write: templated locations -----------------------------------------------
    def test_is_a_result(self, backend):
        result = backend.make()
        assert isinstance(result, Result)
        assert isinstance(result.serializer, PickleSerializer)

    def test_templated_location_is_rendered_from_the_write_kwargs(self, backend):
        template = backend.make(location="{flow_name}/{task_name}-{map_index}.pkl")
        written = template.write({"v": 1}, flow_name="f", task_name="sq", map_index=3)
        assert written.location == backend.stored_at("f/sq-3.pkl")
        assert written.value == {"v": 1}
        assert cloudpickle.loads(backend.get_raw("f/sq-3.pkl")) == {"v": 1}

    def test_format_spec_in_the_template_applies(self, backend):
        import datetime

        template = backend.make(location="{date:%Y-%d}/{x:03d}.pkl")
        date = datetime.datetime(2021, 3, 7, tzinfo=datetime.timezone.utc)
        written = template.write("v", date=date, x=5)
        assert written.location == backend.stored_at("2021-07/005.pkl")

    def test_callable_location_is_called_with_the_write_kwargs(self, backend):
        seen = {}

        def where(**kwargs):
            seen.update(kwargs)
            return f"by-callable/{kwargs['task_name']}.pkl"

        written = backend.make(location=where).write(7, task_name="t", extra="e")
        assert seen == {"task_name": "t", "extra": "e"}
        assert written.location == backend.stored_at("by-callable/t.pkl")
        assert cloudpickle.loads(backend.get_raw("by-callable/t.pkl")) == 7

    def test_unknown_template_key_raises_key_error_and_stores_nothing(self, backend):
        result = backend.make(location="{missing}.pkl")
        with pytest.raises(KeyError, match="missing"):
            result.write(1, task_name="t")
        assert result.exists("{missing}.pkl", missing="{missing}") is False

    def test_without_a_location_the_default_location_is_used(self, backend):
        first = backend.make().write([1, 2])
        second = backend.make().write([3])
        assert first.location and second.location
        assert first.location != second.location
        assert backend.make().read(first.location).value == [1, 2]

    def test_serializer_decides_the_stored_bytes(self, backend):
        result = backend.make(location="v.json", serializer=JSONSerializer())
        result.write({"a": [1, 2]})
        assert backend.get_raw("v.json") == b'{"a": [1, 2]}'

    def test_compressed_serializer_round_trips(self, backend):
        serializer = CompressedSerializer(JSONSerializer(), format="gzip")
        result = backend.make(location="v.json.gz", serializer=serializer)
        result.write({"a": 1})
        assert backend.get_raw("v.json.gz")[:2] == b"\x1f\x8b"  # the gzip magic number
        assert result.read(backend.stored_at("v.json.gz")).value == {"a": 1}

    def test_overwrite_replaces_the_whole_value(self, backend):
        result = backend.make(location="same.pkl")
        result.write("a much longer first value " * 10)
        result.write("short")
        assert cloudpickle.loads(backend.get_raw("same.pkl")) == "short"

    def test_a_value_the_serializer_cannot_handle_names_its_type_and_stores_nothing(self, backend):
        result = backend.make(location="lock.pkl")
        with pytest.raises(TypeError, match=r"lock.*PickleSerializer.*'lock\.pkl'"):
            result.write(threading.Lock())
        assert result.exists("lock.pkl") is False

    # -- read back by location ----------------------------------------------------------
    def test_read_back_by_the_recorded_location(self, backend):
        written = backend.make(location="{x}/value.pkl").write({"deep": [1, {2}]}, x="a")
        loaded = backend.make().read(written.location)
        assert loaded.value == {"deep": [1, {2}]}
        assert loaded.location == written.location

    def test_read_by_relative_key(self, backend):
        backend.make(location="rel.pkl").write(11)
        loaded = backend.make().read("rel.pkl")
        assert loaded.value == 11
        assert loaded.location == "rel.pkl"  # read keeps the location exactly as given

    def test_reading_a_missing_location_names_it(self, backend):
        with pytest.raises(ResultReadError, match=r"never/written\.pkl"):
            backend.make().read("never/written.pkl")

    # -- exists ---------------------------------------------------------------------
    def test_exists_formats_the_location_with_its_kwargs(self, backend):
        result = backend.make(location="{task_name}/{x}.pkl")
        assert result.exists("{task_name}/{x}.pkl", task_name="t", x=1) is False
        result.write(1, task_name="t", x=1)
        assert result.exists("{task_name}/{x}.pkl", task_name="t", x=1) is True
        assert result.exists("{task_name}/{x}.pkl", task_name="t", x=2) is False
        assert result.exists("t/1.pkl") is True

    # -- corrupt data -------------------------------------------------------------------
    @pytest.mark.parametrize(
        "payload",
        [b"this is not a pickle", pickle.dumps(list(range(100)))[:20], b""],
        ids=["garbage", "truncated", "empty"],
    )
    def test_corrupt_bytes_name_location_and_serializer(self, backend, payload):
        backend.put_raw("bad/data.pkl", payload)
        with pytest.raises(ResultReadError, match=r"bad/data\.pkl.*PickleSerializer"):
            backend.make().read("bad/data.pkl")

    def test_corrupt_json_names_the_json_serializer(self, backend):
        backend.put_raw("bad.json", b'{"a": [1, ')
        with pytest.raises(ResultReadError, match=r"bad\.json.*JSONSerializer"):
            backend.make(serializer=JSONSerializer()).read("bad.json")

    # -- immutability by copy ----------------------------------------------------------
    def test_write_read_format_and_from_value_never_change_the_receiver(self, backend):
        template = backend.make(location="{x}.pkl")
        before = dict(vars(template))
        written = template.write(1, x="w")
        loaded = template.read(written.location)
        formatted = template.format(x="f")
        valued = template.from_value(5)
        for new in (written, loaded, formatted, valued):
            assert new is not template
            assert type(new) is type(template)
        assert template.location == "{x}.pkl"
        assert template.value is None
        assert {k: v for k, v in vars(template).items() if not k.startswith("_")} == {
            k: v for k, v in before.items() if not k.startswith("_")
        }
        assert formatted.location == "f.pkl"
        assert valued.location is None
        assert valued.value == 5

    def test_copies_compare_equal_until_they_differ(self, backend):
        template = backend.make(location="{x}.pkl")
        assert template.copy() == template
        assert template.write(1, x="a") != template
        assert template.format(x="a") == template.format(x="a")

    def test_repr_shows_class_and_value(self, backend):
        written = backend.make(location="r.pkl").write([1])
        assert repr(written) == f"<{type(written).__name__}: [1]>"

    def test_pickled_result_works_after_unpickling(self, backend):
        """What crosses to a Dask worker: a Result without live clients."""
        result = backend.make(location="{x}.pkl")
        result.write("before", x=1)
        restored = cloudpickle.loads(cloudpickle.dumps(result))
        assert restored == result
        assert restored.read(backend.stored_at("1.pkl")).value == "before"
        assert restored.write("after", x=2).location == backend.stored_at("2.pkl")
        assert cloudpickle.loads(backend.get_raw("2.pkl")) == "after"

    def test_default_location_is_distinct_per_write(self, backend):
        result = backend.make()
        locations = {result.write(i).location for i in range(3)}
        assert len(locations) == 3
        assert all(re.search(r"prefect[-_]result", loc) for loc in locations)

"""2.x result types and ResultFactory: what is written, where, and how it reads back."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import uuid

import cloudpickle
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from prefect_compat import settings
from prefect_compat.blocks.core import Block
from prefect_compat.exceptions import MissingResult, PrefectException, ResultReadError
from prefect_compat.filesystems import S3, LocalFileSystem, PathNotFound
from prefect_compat.results import (
    PREFECT_VERSION,
    BaseResult,
    LiteralResult,
    PersistedResult,
    PersistedResultBlob,
    ResultFactory,
    remember_storage,
    resolve_serializer,
    resolve_storage,
)
from prefect_compat.serializers import CompressedSerializer, JSONSerializer, PickleSerializer
from tests.cli.helpers import REPO

KEY = re.compile(r"^[0-9a-f]{12}4[0-9a-f]{19}$")  # uuid4().hex


def persisting(**kwargs):
    kwargs.setdefault("cache_result_in_memory", True)
    return ResultFactory(persist_result=True, **kwargs)


# ------------------------------------------------------------------ LiteralResult


def test_literal_result_shapes():
    result = LiteralResult(value=None)
    assert result.json() == '{"type": "literal", "value": null}'
    assert result.dict() == {"type": "literal", "value": None}
    assert repr(result) == "LiteralResult(type='literal', value=None)"
    assert str(result) == "type='literal' value=None"
    assert LiteralResult.create(True) == LiteralResult(value=True)
    assert LiteralResult.create(False).get() is False
    assert result.has_cached_object()


@pytest.mark.parametrize(("value", "name"), [(1, "int"), ("a", "str"), (1.0, "float")])
def test_literal_result_refuses_other_types_with_prefects_text(value, name):
    with pytest.raises(TypeError) as info:
        LiteralResult.create(value)
    assert str(info.value) == (
        f"Unsupported type '{name}' for result literal. Expected one of: NoneType, bool"
    )


def test_get_is_awaitable_on_an_event_loop_and_sync_elsewhere():
    result = LiteralResult(value=True)

    async def main():
        awaitable = result.get()
        assert not isinstance(awaitable, bool)
        assert result.get(_sync=True) is True
        return await awaitable

    assert asyncio.run(main()) is True
    assert result.get() is True


def test_parse_dispatches_on_type():
    assert BaseResult.parse_raw('{"type": "literal", "value": true}') == LiteralResult(value=True)
    ref = {
        "type": "reference",
        "serializer_type": "json",
        "storage_block_id": str(uuid.UUID(int=1)),
        "storage_key": "k",
    }
    parsed = BaseResult.parse_obj(ref)
    assert isinstance(parsed, PersistedResult)
    assert parsed.storage_block_id == uuid.UUID(int=1)
    with pytest.raises(ValueError, match="Unknown result type 'nope'"):
        BaseResult.parse_obj({"type": "nope"})


# ------------------------------------------------------------------ what create_result returns


@pytest.mark.parametrize("value", [None, True, False])
@pytest.mark.parametrize("persist", [True, False])
def test_none_and_booleans_are_literals_and_never_written(prefect_home, value, persist):
    result = ResultFactory(persist, True).create_result(value)
    assert result == LiteralResult(value=value)
    assert not (prefect_home / "storage").exists()


def test_not_persisting_returns_the_value_or_drops_it(prefect_home):
    value = {"big": "data"}
    assert ResultFactory(False, True).create_result(value) is value
    assert ResultFactory(False, False).create_result(value) is None
    assert not (prefect_home / "storage").exists()  # the directory is not even created


def test_persisted_result_is_one_flat_file_under_local_storage_path(prefect_home):
    factory = persisting()
    result = factory.create_result(1)  # 2.6.9 wrote data "gAVLAS4=\n" for 1
    assert isinstance(result, PersistedResult)
    assert KEY.match(result.storage_key)
    assert result.serializer_type == "pickle"
    assert (
        result.storage_block_id
        == LocalFileSystem(basepath=str(prefect_home / "storage"))._block_document_id
    )
    assert os.listdir(prefect_home / "storage") == [result.storage_key]
    document = (prefect_home / "storage" / result.storage_key).read_bytes()
    assert document == (
        b'{"serializer": {"type": "pickle", "picklelib": "cloudpickle", "picklelib_version": "'
        + cloudpickle.__version__.encode()
        + b'"}, "data": "gAVLAS4=\\n", "prefect_version": "'
        + PREFECT_VERSION.encode()
        + b'"}'
    )
    assert result.get() == 1
    second = factory.create_result(1)  # equal values: one document per result
    assert second.storage_key != result.storage_key
    assert len(os.listdir(prefect_home / "storage")) == 2


def test_reference_json_and_repr(prefect_home):
    result = persisting(serializer="json").create_result([1])
    assert list(json.loads(result.json())) == [
        "type",
        "serializer_type",
        "storage_block_id",
        "storage_key",
    ]
    assert json.loads(result.json()) == {
        "type": "reference",
        "serializer_type": "json",
        "storage_block_id": str(result.storage_block_id),
        "storage_key": result.storage_key,
    }
    assert result.dict()["storage_block_id"] == result.storage_block_id
    assert repr(result) == (
        f"PersistedResult(type='reference', serializer_type='json', storage_block_id="
        f"{result.storage_block_id!r}, storage_key='{result.storage_key}')"
    )


def test_prefect_version_compares_as_2_6_9():
    assert PREFECT_VERSION.startswith("2.6.9+compat.")


def test_relative_storage_path_setting_follows_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with settings.temporary_settings(updates={settings.PREFECT_LOCAL_STORAGE_PATH: "rel/dir"}):
        result = persisting().create_result("x")
    assert (tmp_path / "rel" / "dir" / result.storage_key).exists()


# ------------------------------------------------------------------ reading back


def test_get_caches_so_the_file_may_go(prefect_home):
    result = persisting(cache_result_in_memory=False).create_result("value")
    assert not result.has_cached_object()
    path = prefect_home / "storage" / result.storage_key
    assert result.get() == "value"
    path.unlink()
    assert result.get() == "value"


def test_uncached_result_reads_storage_at_first_get(prefect_home):
    factory = persisting(cache_result_in_memory=False)
    result = factory.create_result("original")
    other = factory.create_result("replaced")
    os.replace(
        prefect_home / "storage" / other.storage_key, prefect_home / "storage" / result.storage_key
    )
    assert result.get() == "replaced"


def test_cached_result_holds_the_object_itself(prefect_home):
    value = {"identity": "kept"}
    result = persisting().create_result(value)
    assert result.get() is value


def test_missing_file_raises_the_storages_value_error(prefect_home):
    result = persisting().create_result(1)
    fresh = PersistedResult.parse_raw(result.json())
    (prefect_home / "storage" / result.storage_key).unlink()
    expected = f"Path {prefect_home / 'storage' / result.storage_key} does not exist."
    with pytest.raises(ValueError, match=re.escape(expected)):
        fresh.get()
    with pytest.raises(PathNotFound):
        fresh.get()


def test_failed_runs_persist_their_exception(prefect_home):
    result = persisting().create_result(ValueError("boom"))
    fresh = PersistedResult.parse_raw(result.json())
    error = fresh.get()
    assert type(error) is ValueError
    assert error.args == ("boom",)


def test_reference_resolves_in_another_process_through_the_registry(prefect_home, tmp_path):
    result = persisting(
        storage=LocalFileSystem(basepath=str(tmp_path / "elsewhere"))
    ).create_result({"answer": 42})
    assert (prefect_home / "blocks" / f"{result.storage_block_id}.json").exists()
    code = (
        "import sys; from prefect_compat.results import PersistedResult; "
        "print(PersistedResult.parse_raw(sys.argv[1]).get())"
    )
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code, result.json()],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{'answer': 42}"


def test_unknown_storage_id_is_a_clear_error(prefect_home):
    ref = PersistedResult(serializer_type="pickle", storage_block_id=uuid.uuid4(), storage_key="k")
    with pytest.raises(ValueError, match="Unable to find block document with id .* PREFECT_HOME"):
        ref.get()


def test_factory_read_by_key(prefect_home):
    factory = persisting(serializer="compressed/json")
    key = factory.create_result({"a": [1, 2]}).storage_key
    assert ResultFactory(False, True).read(key) == {
        "a": [1, 2]
    }  # the document names its serializer


# ------------------------------------------------------------------ bad values and documents


def test_value_the_serializer_cannot_encode(prefect_home):
    with pytest.raises(
        TypeError,
        match=r"^Object of type 'lock' is not JSON serializable \(the 'json' result serializer "
        r"cannot encode a value of type 'lock'; nothing was written\)",
    ):
        persisting(serializer="json").create_result(threading.Lock())
    with pytest.raises(TypeError, match=r"the 'pickle' result serializer cannot encode .* 'lock'"):
        persisting().create_result(threading.Lock())
    assert not (prefect_home / "storage").exists()


def corrupt_documents():
    good = PersistedResultBlob(JSONSerializer(), b'{"a": 1}').json()
    pickled = PersistedResultBlob(PickleSerializer(), PickleSerializer().dumps(1)).json()
    return {
        "truncated": good[: len(good) // 2],
        "not json": "\x00\x01binary",
        "json, not a document": "[1, 2, 3]",
        "no serializer": '{"data": "1"}',
        "unknown serializer": '{"serializer": {"type": "nope"}, "data": "1"}',
        "data from another serializer": pickled.replace(
            '"type": "pickle", "picklelib": "cloudpickle"', '"type": "json"'
        ),
        "corrupt pickle": pickled.replace("gAVLAS4=", "gAVLA"),
    }


@pytest.mark.parametrize("case", list(corrupt_documents()))
def test_corrupt_documents_name_the_key_and_serializer(prefect_home, case):
    fs = LocalFileSystem(basepath=str(prefect_home / "storage"))
    fs.write_path("bad-key", corrupt_documents()[case].encode("utf-8", "surrogatepass"))
    remember_storage(fs, fs._block_document_id)  # as the first write through it would
    ref = PersistedResult(
        serializer_type="json", storage_block_id=fs._block_document_id, storage_key="bad-key"
    )
    with pytest.raises(ResultReadError, match=r"key 'bad-key'.*'(json|pickle|nope)'"):
        ref.get()


# ------------------------------------------------------------------ resolution


def test_resolve_storage(prefect_home, tmp_path):
    default = resolve_storage(None)
    assert default == LocalFileSystem(basepath=str(prefect_home / "storage"))
    with settings.temporary_settings(updates={settings.PREFECT_LOCAL_STORAGE_PATH: str(tmp_path)}):
        assert resolve_storage(None) == LocalFileSystem(basepath=str(tmp_path))
    block = LocalFileSystem(basepath="/x")
    assert resolve_storage(block) is block
    block.save("my-results")
    assert resolve_storage("local-file-system/my-results") == block
    assert resolve_storage(block._block_document_id) == block


def test_resolve_storage_errors(prefect_home):
    with pytest.raises(
        ValueError, match="^Unable to find block document named dev-s3-block for block type s3"
    ):
        resolve_storage("s3/dev-s3-block")
    with pytest.raises(TypeError) as info:
        resolve_storage(1)
    assert str(info.value) == (
        "Result storage must be one of the following types: 'UUID', 'Block', 'str'. "
        "Got unsupported type 'int'."
    )

    class NotAFileSystem(Block):
        _block_type_slug = "test-not-a-file-system"

    with pytest.raises(TypeError, match="must be a file system block"):
        resolve_storage(NotAFileSystem())


def test_resolve_serializer(prefect_home):
    assert resolve_serializer(None) == PickleSerializer()
    with settings.temporary_settings(updates={settings.PREFECT_RESULTS_DEFAULT_SERIALIZER: "json"}):
        assert resolve_serializer(None) == JSONSerializer()
    instance = CompressedSerializer(serializer="json", compressionlib="zlib")
    assert resolve_serializer(instance) is instance
    assert resolve_serializer("compressed/pickle").type == "compressed/pickle"
    with pytest.raises(
        ValueError, match="Unknown result serializer 'nope'. Use one of 'pickle', 'json'"
    ):
        resolve_serializer("nope")
    with settings.temporary_settings(updates={settings.PREFECT_RESULTS_DEFAULT_SERIALIZER: "nope"}):
        with pytest.raises(ValueError, match=r"\(from PREFECT_RESULTS_DEFAULT_SERIALIZER\)"):
            resolve_serializer(None)
    with pytest.raises(TypeError, match="got int"):
        resolve_serializer(3)


def test_factory_takes_names_and_slugs(prefect_home, tmp_path):
    LocalFileSystem(basepath=str(tmp_path)).save("results-here")
    factory = ResultFactory(True, False, "local-file-system/results-here", "json")
    result = factory.create_result({"x": 1})
    assert json.loads((tmp_path / result.storage_key).read_text())["serializer"]["type"] == "json"
    assert factory.storage == factory.storage_block == LocalFileSystem(basepath=str(tmp_path))


# ------------------------------------------------------------------ S3 storage on moto


def test_persisting_to_s3(s3_bucket, s3_server, s3_admin, monkeypatch, prefect_home):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server)
    factory = persisting(storage=S3(bucket_path=f"{s3_bucket}/results"), serializer="json")
    result = factory.create_result({"on": "s3"})
    body = s3_admin.get_object(Bucket=s3_bucket, Key=f"results/{result.storage_key}")["Body"].read()
    assert json.loads(body)["data"] == '{"on": "s3"}'
    assert PersistedResult.parse_raw(result.json()).get() == {"on": "s3"}
    assert factory.read(result.storage_key) == {"on": "s3"}


# ------------------------------------------------------------------ properties and exceptions

values = st.recursive(
    st.integers() | st.floats(allow_nan=False) | st.text(max_size=8) | st.binary(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)


@settings_(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=values, serializer=st.sampled_from(["pickle", "compressed/pickle"]))
def test_persisted_results_round_trip_through_storage(prefect_home, value, serializer):
    result = persisting(serializer=serializer, cache_result_in_memory=False).create_result(value)
    if isinstance(result, LiteralResult):
        assert result.get() == value
    else:
        assert PersistedResult.parse_raw(result.json()).get() == value


def test_missing_result_names_disabled_persistence():
    error = MissingResult()
    assert isinstance(error, PrefectException)
    assert str(error).startswith(
        "State data is missing. Typically, this occurs when result persistence is disabled"
    )
    assert "persist_result=True" in str(error)
    assert str(MissingResult("custom")) == "custom"


def test_2x_modules_import_no_cloud_sdks(tmp_path):
    code = (
        "import sys, prefect_compat.results, prefect_compat.filesystems, prefect_compat.settings; "
        "print(sorted(m for m in ('boto3', 'botocore', 'google.cloud') if m in sys.modules))"
    )
    env = {**os.environ, "PREFECT_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]"

"""S3Result and GCSResult on real local servers (moto, gcp-storage-emulator).

Each test runs against both backends. What a Result wrote is checked with an
independent SDK client, not through the Result itself.
"""

from __future__ import annotations

import pickle
import re

import pytest

from prefect_compat.engine.results.gcs_result import GCSResult
from prefect_compat.engine.results.s3_result import S3Result
from prefect_compat.engine.serializers import JSONSerializer
from prefect_compat.exceptions import ResultReadError


class S3Backend:
    def __init__(self, endpoint_url, bucket, admin):
        self.bucket = bucket
        self.admin = admin
        self.boto3_kwargs = {"endpoint_url": endpoint_url}

    def result(self, bucket=None, **kwargs):
        return S3Result(bucket or self.bucket, boto3_kwargs=self.boto3_kwargs, **kwargs)

    def new_bucket(self, name):
        self.admin.create_bucket(Bucket=name)

    def put_raw(self, key, data, bucket=None):
        self.admin.put_object(Bucket=bucket or self.bucket, Key=key, Body=data)

    def get_raw(self, key, bucket=None):
        return self.admin.get_object(Bucket=bucket or self.bucket, Key=key)["Body"].read()


class GCSBackend:
    def __init__(self, bucket, admin):
        self.bucket = bucket
        self.admin = admin

    def result(self, bucket=None, **kwargs):
        return GCSResult(bucket or self.bucket, **kwargs)

    def new_bucket(self, name):
        self.admin.create_bucket(name)

    def put_raw(self, key, data, bucket=None):
        self.admin.bucket(bucket or self.bucket).blob(key).upload_from_string(data)

    def get_raw(self, key, bucket=None):
        return self.admin.bucket(bucket or self.bucket).blob(key).download_as_bytes()


@pytest.fixture(params=["s3", "gcs"])
def backend(request):
    if request.param == "s3":
        return S3Backend(
            request.getfixturevalue("s3_server"),
            request.getfixturevalue("s3_bucket"),
            request.getfixturevalue("s3_admin"),
        )
    return GCSBackend(request.getfixturevalue("gcs_bucket"), request.getfixturevalue("gcs_admin"))


def test_templated_write_then_read_round_trip(backend):
    template = backend.result(location="{task_name}/{x}.pkl")
    written = template.write({"sq": 9}, task_name="sq", x=3)
    assert written.location == "sq/3.pkl"
    assert written.value == {"sq": 9}
    assert template.location == "{task_name}/{x}.pkl"  # the receiver is not changed
    assert template.value is None
    assert pickle.loads(backend.get_raw("sq/3.pkl")) == {"sq": 9}

    loaded = template.read("sq/3.pkl")
    assert loaded.value == {"sq": 9}
    assert loaded.location == "sq/3.pkl"
    assert loaded.bucket == backend.bucket


def test_exists_formats_the_location(backend):
    result = backend.result(location="{task_name}/{x}.pkl")
    result.write(1, task_name="t", x=1)
    assert result.exists("{task_name}/{x}.pkl", task_name="t", x=1) is True
    assert result.exists("{task_name}/{x}.pkl", task_name="t", x=2) is False
    assert result.exists("t/1.pkl") is True


def test_without_a_location_the_default_is_a_dated_unique_key(backend):
    written = backend.result().write([1, 2])
    assert re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}/[0-9a-f-]{36}\.prefect_result", written.location)
    assert backend.result().read(written.location).value == [1, 2]


def test_serializer_decides_the_stored_bytes(backend):
    result = backend.result(location="v.json", serializer=JSONSerializer())
    result.write({"a": [1, 2]})
    assert backend.get_raw("v.json") == b'{"a": [1, 2]}'
    assert result.read("v.json").value == {"a": [1, 2]}


def test_reading_a_missing_location_names_it(backend):
    with pytest.raises(ResultReadError, match=r"'never/written\.pkl'") as info:
        backend.result().read("never/written.pkl")
    assert isinstance(info.value, FileNotFoundError)  # one `except` for every backend


def test_corrupt_bytes_name_location_and_serializer(backend):
    backend.put_raw("bad.pkl", b"this is not a pickle")
    with pytest.raises(ResultReadError, match=r"'bad\.pkl'.*PickleSerializer"):
        backend.result().read("bad.pkl")


def test_empty_object_is_an_error_not_none(backend):
    """Prefect turned EOFError into value None; a zero-byte object must not read as None."""
    backend.put_raw("empty.pkl", b"")
    with pytest.raises(ResultReadError, match=r"'empty\.pkl'"):
        backend.result().read("empty.pkl")


def test_equality_includes_the_bucket_and_ignores_the_cached_client(backend):
    used = backend.result(location="x.pkl")
    used.write(1)  # builds and caches the storage client on `used`
    assert used == backend.result(location="x.pkl")
    assert used != backend.result(bucket="other-bucket", location="x.pkl")
    assert used != backend.result(location="y.pkl")


def test_a_copy_pointed_at_another_bucket_writes_there(backend):
    original = backend.result(location="k.pkl")
    original.write("first")
    other = "pc-other-" + backend.bucket[-12:]
    backend.new_bucket(other)
    moved = original.copy()
    moved.bucket = other
    moved.write("second")
    assert pickle.loads(backend.get_raw("k.pkl", bucket=other)) == "second"
    assert pickle.loads(backend.get_raw("k.pkl")) == "first"


def test_pickled_result_works_after_unpickling(backend):
    """What a Dask worker receives: the client is dropped and rebuilt on use."""
    result = backend.result(location="{x}.pkl")
    result.write("before", x=1)
    restored = pickle.loads(pickle.dumps(result))
    assert restored == result
    assert restored.read("1.pkl").value == "before"
    assert restored.write("after", x=2).location == "2.pkl"
    assert pickle.loads(backend.get_raw("2.pkl")) == "after"


def test_s3_upload_options_reach_the_object(s3_server, s3_bucket, s3_admin):
    result = S3Result(
        s3_bucket,
        boto3_kwargs={"endpoint_url": s3_server},
        upload_options={"ContentType": "application/x-prefect-result"},
        location="typed.pkl",
    )
    result.write(5)
    head = s3_admin.head_object(Bucket=s3_bucket, Key="typed.pkl")
    assert head["ContentType"] == "application/x-prefect-result"


def test_s3_result_public_settings():
    result = S3Result("b", boto3_kwargs={"region_name": "eu-west-1"})
    assert (result.bucket, result.boto3_kwargs, result.upload_options) == (
        "b",
        {"region_name": "eu-west-1"},
        {},
    )
    assert repr(result.from_value(3)) == "<S3Result: 3>"


def test_gcs_result_without_bucket_says_how_to_fix():
    with pytest.raises(ValueError, match=r"GCSResult\(bucket='my-results'\)"):
        GCSResult().read("x.pkl")

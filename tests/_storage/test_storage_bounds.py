"""Remote calls are bounded by default; overrides; the missing bucket is named.

S3 on moto_server and GCS on gcp-storage-emulator (tests/fixtures/servers.py); a
hung endpoint is a socket that accepts and never answers (`hung_server`), a dead one
a closed port. Bounds in these tests are one second per connect and read, so they
end quickly; the only timing assertion is "within the bound, with a generous margin".
"""

from __future__ import annotations

import time

import pytest

from prefect_compat._storage.base import NotFound, StorageError
from prefect_compat._storage.gcs import GCSStorage
from prefect_compat._storage.s3 import S3Storage, bounded_config
from prefect_compat.engine.results import GCSResult, S3Result
from prefect_compat.utilities.configuration import set_temporary_config
from tests.fixtures.servers import free_port

MARGIN = 10.0  # seconds added to every bound: a slow, shared CI machine


# -- S3 ------------------------------------------------------------------------------


def test_s3_clients_are_bounded_by_the_shipped_config(s3_server):
    config = S3Storage("b", {"endpoint_url": s3_server}).client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (5, 10)
    assert config.retries == {"total_max_attempts": 2, "mode": "standard"}


def test_s3_config_keys_change_the_bound(s3_server):
    keys = {"results.s3.read_timeout": 2, "results.s3.max_attempts": 3}
    with set_temporary_config(keys):
        config = S3Storage("b", {"endpoint_url": s3_server}).client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (5, 2)
    assert config.retries["total_max_attempts"] == 3


def test_boto3_config_overrides_only_the_options_it_sets(s3_server):
    from botocore.config import Config

    mine = Config(read_timeout=60, retries={"max_attempts": 7})
    config = S3Storage("b", {"endpoint_url": s3_server, "config": mine}).client.meta.config
    assert config.read_timeout == 60
    assert config.retries["total_max_attempts"] == 8  # botocore: 7 retries = 8 attempts
    assert config.connect_timeout == 5  # not set by the user: still bounded


def test_a_bad_bound_in_the_config_is_refused_naming_the_key():
    with set_temporary_config({"results.s3.read_timeout": "soon"}):
        with pytest.raises(ValueError, match=r"results\.s3\.read_timeout.*'soon'.*PREFECT__"):
            bounded_config()


def test_s3_hung_endpoint_fails_within_the_bound_naming_the_endpoint(s3_bucket, hung_server):
    storage = S3Storage("results", {"endpoint_url": hung_server.url})
    keys = {"results.s3.connect_timeout": 1, "results.s3.read_timeout": 1}
    with set_temporary_config({**keys, "results.s3.max_attempts": 2}):
        for call in (lambda: storage.write_bytes("k.bin", b"1"), lambda: storage.read_bytes("k")):
            started = time.monotonic()
            with pytest.raises(StorageError) as info:
                call()
            assert time.monotonic() - started < 2 * (1 + 1) + 1 + MARGIN
            message = str(info.value)
            assert "S3 bucket 'results', key 'k" in message
            assert f"at {hung_server.url}" in message
            assert "ReadTimeoutError" in message
            assert "gave up after 2 attempts with connect_timeout=1s and read_timeout=1s" in message
    assert len(hung_server.accepted) == 4  # two calls, two attempts each


def test_s3_write_to_a_missing_bucket_says_the_bucket_is_missing(s3_server, s3_bucket):
    result = S3Result("no-such-bucket", boto3_kwargs={"endpoint_url": s3_server})
    with pytest.raises(StorageError, match=r"the bucket 'no-such-bucket' does not exist") as info:
        result.write(1)
    assert not isinstance(info.value, NotFound)
    assert "Create it, or fix the bucket name" in str(info.value)


# -- GCS -----------------------------------------------------------------------------


def test_gcs_calls_are_bounded_by_the_shipped_config():
    options = GCSStorage("b").options
    assert options["timeout"] == (5, 10)
    assert options["retry"].timeout == 15
    with set_temporary_config({"results.gcs.retry_timeout": 0}):
        assert GCSStorage("b").options["retry"] is None  # 0: a single attempt


def test_gcs_result_takes_timeout_retry_and_project(gcs_bucket):
    from google.api_core.retry import Retry

    retry = Retry(timeout=3)
    result = GCSResult(bucket=gcs_bucket, project="proj", timeout=2.5, retry=retry)
    store = result._storage()
    assert store.options["timeout"] == 2.5
    assert store.options["retry"] is retry
    assert store.gcs_bucket.client.project == "proj"
    assert GCSResult(bucket=gcs_bucket, retry=None)._storage().options["retry"] is None
    written = result.write({"v": 1})
    assert result.read(written.location).value == {"v": 1}


def test_gcs_dead_endpoint_fails_within_the_bound_naming_the_endpoint(monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", dead)
    keys = {"results.gcs.connect_timeout": 1, "results.gcs.read_timeout": 1}
    with set_temporary_config({**keys, "results.gcs.retry_timeout": 2}):
        storage = GCSStorage("results")
        started = time.monotonic()
        with pytest.raises(StorageError) as info:
            storage.write_bytes("k.bin", b"1")
        assert time.monotonic() - started < 2 + 1 + 1 + MARGIN
    message = str(info.value)
    assert f"GCS bucket 'results', blob 'k.bin' at {dead}" in message
    assert "gave up after retrying for up to 2" in message
    assert "[results.gcs]" in message


def test_gcs_hung_endpoint_fails_within_the_bound(monkeypatch, hung_server):
    monkeypatch.setenv("DISABLE_GCS_PYTHON_CLIENT_OTEL_BUCKET_METADATA", "true")
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", hung_server.url)
    keys = {"results.gcs.connect_timeout": 1, "results.gcs.read_timeout": 1}
    with set_temporary_config({**keys, "results.gcs.retry_timeout": 0}):
        storage = GCSStorage("results")
        started = time.monotonic()
        with pytest.raises(StorageError, match=r"blob 'slow\.bin' at http.*Timeout") as info:
            storage.read_bytes("slow.bin")
        assert time.monotonic() - started < 1 + 1 + MARGIN
    assert "gave up after 1 attempt" in str(info.value)
    assert len(hung_server.accepted) == 1


def test_gcs_missing_bucket_is_named_on_write_and_read(gcs_bucket):
    storage = GCSStorage("no-such-bucket")
    with pytest.raises(StorageError, match="the bucket 'no-such-bucket' does not exist") as info:
        storage.write_bytes("k.bin", b"1")
    assert not isinstance(info.value, NotFound)
    assert "No result stored" not in str(info.value)  # not a read's wording
    with pytest.raises(StorageError, match="the bucket 'no-such-bucket' does not exist") as info:
        storage.read_bytes("k.bin")
    assert not isinstance(info.value, NotFound)
    with pytest.raises(NotFound, match="No result stored in GCS bucket"):
        GCSStorage(gcs_bucket).read_bytes("absent.bin")  # bucket there, blob missing

"""S3Storage and GCSStorage against the storage contract, on real local servers.

moto's S3 server and gcp-storage-emulator run as subprocesses (tests/fixtures/
servers.py). Requests are observed on the real transport (botocore event hooks,
a spy on requests' Session.request) rather than mocked. Network failures use a
closed port (refused) and a socket that accepts but never answers (hung).
"""

from __future__ import annotations

import json
import pickle
import sys
import threading

import pytest
import requests

import prefect_compat
from prefect_compat._storage.base import NotFound, StorageError
from prefect_compat._storage.gcs import GCSStorage, make_gcs_client
from prefect_compat._storage.s3 import S3Storage
from tests.contracts.storage_contract import StorageContract
from tests.fixtures.servers import free_port, run_server

# ------------------------------------------------------------------ helpers


def fast_failing_s3_kwargs(endpoint_url):
    """One attempt, short timeouts: a dead endpoint fails quickly instead of retrying."""
    from botocore.config import Config

    config = Config(connect_timeout=1, read_timeout=1, retries={"total_max_attempts": 1})
    return {"endpoint_url": endpoint_url, "config": config}


@pytest.fixture
def s3_hook():
    """hook(client, event, handler): a botocore event handler removed when the test ends.

    Clients are shared per process (see S3Storage), so handlers must not outlive a test.
    """
    registered = []

    def hook(client, event, handler):
        client.meta.events.register(event, handler)
        registered.append((client, event, handler))

    yield hook
    for client, event, handler in registered:
        client.meta.events.unregister(event, handler)


@pytest.fixture
def s3_operations(s3_hook):
    """record(client) -> the names of the S3 operations `client` performs from now on."""

    def record(client):
        seen = []
        s3_hook(client, "before-call.s3", lambda model, **_: seen.append(model.name))
        return seen

    return record


@pytest.fixture
def http_requests(monkeypatch):
    """(method, url) of the HTTP requests this test's thread makes through `requests`.

    A spy, not a mock. Other threads are ignored: google-cloud-storage 3.x fetches
    bucket metadata once per client and bucket in a background thread.
    """
    seen = []
    real_request = requests.Session.request
    test_thread = threading.get_ident()

    def spy(self, method, url, *args, **kwargs):
        if threading.get_ident() == test_thread:
            seen.append((method.upper(), url))
        return real_request(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    return seen


# ------------------------------------------------------------------ S3


class TestS3Storage(StorageContract):
    @pytest.fixture
    def storage(self, s3_server, s3_bucket):
        return S3Storage(s3_bucket, boto3_kwargs={"endpoint_url": s3_server})

    def test_write_is_one_put_at_the_key_and_returns_it(
        self, storage, s3_admin, s3_bucket, s3_operations
    ):
        operations = s3_operations(storage.client)
        assert storage.write_bytes("dir/obj.bin", b"abc") == "dir/obj.bin"
        assert operations == ["PutObject"]
        body = s3_admin.get_object(Bucket=s3_bucket, Key="dir/obj.bin")["Body"].read()
        assert body == b"abc"

    def test_exists_is_a_head_request_and_never_downloads(self, storage, s3_operations):
        storage.write_bytes("big.bin", b"x" * 100_000)
        operations = s3_operations(storage.client)
        assert storage.exists("big.bin") is True
        assert storage.exists("absent.bin") is False
        assert operations == ["HeadObject", "HeadObject"]

    def test_a_miss_asks_for_the_bucket_once_per_storage(self, storage, s3_operations):
        operations = s3_operations(storage.client)
        assert storage.exists("absent-1.bin") is False
        assert storage.exists("absent-2.bin") is False
        assert operations == ["HeadObject", "HeadBucket", "HeadObject"]

    def test_upload_options_are_put_object_arguments(self, s3_server, s3_bucket, s3_admin):
        options = {"ContentType": "application/x-prefect", "Metadata": {"flow": "etl"}}
        storage = S3Storage(s3_bucket, {"endpoint_url": s3_server}, upload_options=options)
        storage.write_bytes("typed.bin", b"1")
        head = s3_admin.head_object(Bucket=s3_bucket, Key="typed.bin")
        assert head["ContentType"] == "application/x-prefect"
        assert head["Metadata"] == {"flow": "etl"}

    def test_a_miss_stays_false_when_head_bucket_is_denied(self, storage, s3_hook):
        """A policy may allow reading keys but deny HeadBucket: the miss is a plain False,
        only a bucket S3 says is missing raises."""
        from types import SimpleNamespace

        def deny(**_):
            forbidden = {"Error": {"Code": "403", "Message": "Forbidden"}}
            return SimpleNamespace(status_code=403, headers={}), forbidden

        s3_hook(storage.client, "before-call.s3.HeadBucket", deny)
        assert storage.exists("absent.bin") is False
        assert storage.exists("absent-too.bin") is False

    @pytest.mark.parametrize("operation", ["read_bytes", "exists"])
    def test_missing_bucket_is_a_storage_error_not_a_missing_result(
        self, s3_server, s3_bucket, operation
    ):
        """exists() too: Prefect's S3Result.exists raises NoSuchBucket, and a False would
        send the run on to compute the task and fail only at the write."""
        storage = S3Storage("no-such-bucket-here", boto3_kwargs={"endpoint_url": s3_server})
        with pytest.raises(StorageError, match="NoSuchBucket") as info:
            getattr(storage, operation)("k.bin")
        assert not isinstance(info.value, NotFound)
        assert "bucket 'no-such-bucket-here' does not exist" in str(info.value)
        assert "'k.bin'" in str(info.value)

    def test_refused_endpoint_is_a_storage_error_naming_bucket_and_key(self, s3_bucket):
        dead = f"http://127.0.0.1:{free_port()}"
        storage = S3Storage("results", boto3_kwargs=fast_failing_s3_kwargs(dead))
        for call in (
            lambda: storage.read_bytes("a/k.bin"),
            lambda: storage.write_bytes("a/k.bin", b"1"),
            lambda: storage.exists("a/k.bin"),
        ):
            with pytest.raises(StorageError, match=r"bucket 'results', key 'a/k\.bin'") as info:
                call()
            assert "Could not connect" in str(info.value)
            assert not isinstance(info.value, NotFound)

    def test_hung_endpoint_times_out_once_as_storage_error(self, s3_bucket, hung_server):
        """exists() must not turn a network failure into False (or retry when told not to)."""
        storage = S3Storage("results", boto3_kwargs=fast_failing_s3_kwargs(hung_server.url))
        with pytest.raises(StorageError, match=r"bucket 'results', key 'slow\.bin'.*timeout"):
            storage.exists("slow.bin")
        assert len(hung_server.accepted) == 1

    @pytest.mark.parametrize(
        ("boto3_extra", "secrets", "expected_key_id"),
        [
            ({}, {}, "testing"),  # boto3's default chain: the env set by s3_bucket
            (
                {},
                {"AWS_CREDENTIALS": {"ACCESS_KEY": "FROMCTX", "SECRET_ACCESS_KEY": "s"}},
                "FROMCTX",
            ),
            (
                {"aws_access_key_id": "EXPLICIT", "aws_secret_access_key": "s"},
                {"AWS_CREDENTIALS": {"ACCESS_KEY": "FROMCTX", "SECRET_ACCESS_KEY": "s"}},
                "EXPLICIT",
            ),
            (
                {"credentials": {"ACCESS_KEY": "PREFECTSTYLE", "SECRET_ACCESS_KEY": "s"}},
                {},
                "PREFECTSTYLE",
            ),
        ],
        ids=["default-chain", "context-secret", "explicit-wins", "credentials-dict"],
    )
    def test_credentials_source(
        self, s3_server, s3_bucket, s3_hook, boto3_extra, secrets, expected_key_id
    ):
        storage = S3Storage(s3_bucket, {"endpoint_url": s3_server, **boto3_extra})
        signed = []
        with prefect_compat.context(secrets=secrets):
            s3_hook(
                storage.client,
                "before-send.s3",
                lambda request, **_: signed.append(request.headers["Authorization"]),
            )
            storage.write_bytes("signed.bin", b"1")
        assert len(signed) == 1
        assert f"Credential={expected_key_id}/" in signed[0].decode()

    def test_no_credentials_anywhere_says_where_to_put_them(
        self, s3_server, s3_bucket, monkeypatch
    ):
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.delenv(name)
        storage = S3Storage(s3_bucket, boto3_kwargs={"endpoint_url": s3_server})
        expected = r"key 'c\.bin' at http://127\.0\.0\.1:\d+: Unable to locate credentials"
        with pytest.raises(StorageError, match=expected):
            storage.write_bytes("c.bin", b"1")
        with pytest.raises(StorageError, match="AWS_CREDENTIALS secret"):
            storage.read_bytes("c.bin")

    def test_pickling_drops_the_client_and_the_copy_still_works(self, storage):
        storage.write_bytes("p.bin", b"before")
        with pytest.raises((TypeError, pickle.PicklingError)):
            pickle.dumps(storage.client)  # so the storage could not pickle with it
        restored = pickle.loads(pickle.dumps(storage))
        assert restored.read_bytes("p.bin") == b"before"
        restored.write_bytes("p.bin", b"after")
        assert storage.read_bytes("p.bin") == b"after"

    def test_storages_with_the_same_settings_share_one_client(self, s3_server, s3_bucket):
        """Unpickling per task on a worker must not build a new client (~100 ms) per task."""
        settings = fast_failing_s3_kwargs(s3_server)  # includes a botocore Config object
        first = S3Storage(s3_bucket, settings)
        again = pickle.loads(pickle.dumps(S3Storage(s3_bucket, fast_failing_s3_kwargs(s3_server))))
        other = S3Storage(s3_bucket, {**settings, "region_name": "eu-west-1"})
        assert again.client is first.client
        assert other.client is not first.client

    def test_missing_boto3_names_the_extra(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "boto3", None)
        with pytest.raises(ImportError, match=r"S3Result.*pip install 'prefect-compat\[aws\]'"):
            S3Storage("results").read_bytes("k.bin")


# ------------------------------------------------------------------ GCS


class TestGCSStorage(StorageContract):
    @pytest.fixture
    def storage(self, gcs_bucket):
        return GCSStorage(gcs_bucket)

    def test_write_is_one_upload_and_returns_the_blob_name(self, storage, http_requests):
        assert storage.write_bytes("dir/obj.bin", b"abc") == "dir/obj.bin"
        assert len(http_requests) == 1
        method, url = http_requests[0]
        assert method == "POST"
        assert f"/upload/storage/v1/b/{storage.bucket}/o" in url
        blob = make_gcs_client().bucket(storage.bucket).blob("dir/obj.bin")
        assert blob.download_as_bytes() == b"abc"

    def test_exists_reads_metadata_and_never_downloads(self, storage, http_requests):
        storage.write_bytes("big.bin", b"x" * 100_000)
        del http_requests[:]
        assert storage.exists("big.bin") is True
        assert storage.exists("absent.bin") is False
        assert [method for method, _ in http_requests] == ["GET", "GET"]
        for _, url in http_requests:
            assert "alt=media" not in url
            assert "/download/" not in url

    def test_refused_endpoint_is_a_storage_error_naming_bucket_and_blob(self, monkeypatch):
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{free_port()}")
        storage = GCSStorage("results", timeout=1, retry=None)
        for call in (
            lambda: storage.read_bytes("a/k.bin"),
            lambda: storage.write_bytes("a/k.bin", b"1"),
            lambda: storage.exists("a/k.bin"),
        ):
            with pytest.raises(StorageError, match=r"bucket 'results', blob 'a/k\.bin'") as info:
                call()
            assert "ConnectionError" in str(info.value)
            assert not isinstance(info.value, NotFound)

    def test_hung_endpoint_times_out_once_as_storage_error(self, monkeypatch, hung_server):
        """Connections are counted, so the library's background bucket-metadata fetch
        (google-cloud-storage 3.x) is switched off with its own env variable."""
        monkeypatch.setenv("DISABLE_GCS_PYTHON_CLIENT_OTEL_BUCKET_METADATA", "true")
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", hung_server.url)
        storage = GCSStorage("results", timeout=0.5, retry=None)
        with pytest.raises(StorageError, match=r"bucket 'results', blob 'slow\.bin'.*Timeout"):
            storage.exists("slow.bin")
        assert len(hung_server.accepted) == 1

    def test_no_credentials_anywhere_says_where_to_put_them(self, monkeypatch, tmp_path):
        """Application default credentials point at a missing file: no network involved."""
        monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
        storage = GCSStorage("results", project="p")
        expected = r"blob 'c\.bin' at https://storage\.googleapis\.com: DefaultCredentialsError"
        with pytest.raises(StorageError, match=expected) as info:
            storage.read_bytes("c.bin")
        assert "GCP_CREDENTIALS secret" in str(info.value)

    def test_pickling_drops_the_client_and_the_copy_still_works(self, storage):
        storage.write_bytes("p.bin", b"before")
        with pytest.raises((TypeError, pickle.PicklingError)):
            pickle.dumps(storage.gcs_bucket)  # so the storage could not pickle with it
        restored = pickle.loads(pickle.dumps(storage))
        assert restored.read_bytes("p.bin") == b"before"
        restored.write_bytes("p.bin", b"after")
        assert storage.read_bytes("p.bin") == b"after"

    def test_missing_google_cloud_storage_names_the_extra(self, monkeypatch, gcs_bucket):
        monkeypatch.setitem(sys.modules, "google.cloud.storage", None)
        with pytest.raises(ImportError, match=r"GCSResult.*pip install 'prefect-compat\[gcp\]'"):
            GCSStorage(gcs_bucket).read_bytes("k.bin")


def _service_account_info():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": "secret-project",
        "private_key_id": "1",
        "private_key": pem,
        "client_email": "runner@secret-project.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


@pytest.mark.parametrize("as_json_text", [False, True], ids=["dict", "json-text"])
def test_gcs_client_uses_the_context_service_account(monkeypatch, as_json_text):
    """No request is made: the client is built from the secret, not from ADC."""
    monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    info = _service_account_info()
    secret = json.dumps(info) if as_json_text else info
    with prefect_compat.context(secrets={"GCP_CREDENTIALS": secret}):
        client = make_gcs_client()
    assert client.project == "secret-project"
    assert client._credentials.service_account_email == info["client_email"]


def test_a_server_that_cannot_start_errors_with_its_log_tail(tmp_path):
    """The fixtures' failure mode: an error carrying the log, never a skip."""
    attempts = []

    def argv(port):
        attempts.append(port)
        return [sys.executable, "-c", f"print('cannot bind {port}'); raise SystemExit(3)"]

    with pytest.raises(
        RuntimeError, match=r"(?s)exited with code 3.*Log tail:\ncannot bind"
    ) as info:
        with run_server("broken-server", argv, tmp_path):
            pass
    assert len(attempts) == 3  # a lost port race is retried on a fresh port
    assert f"cannot bind {attempts[-1]}" in str(info.value)

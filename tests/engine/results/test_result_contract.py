"""The ResultContract run against every storage-backed Result.

LocalResult on a tmp dir, S3Result on moto's S3 server, GCSResult on the GCS
emulator, AzureResult on Azurite (servers from tests/fixtures/servers.py). Raw bytes
are put and checked with plain file I/O or an independent SDK client, never through
the Result under test.
"""

from __future__ import annotations

import os

import pytest

from prefect_compat.engine.results import AzureResult, GCSResult, LocalResult, S3Result
from tests.contracts.result_contract import ResultContract


class LocalBackend:
    def __init__(self, root):
        self.root = str(root)

    def make(self, **kwargs):
        return LocalResult(dir=self.root, **kwargs)

    def stored_at(self, key):
        return os.path.join(self.root, key)

    def put_raw(self, key, data):
        path = self.stored_at(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)

    def get_raw(self, key):
        with open(self.stored_at(key), "rb") as fh:
            return fh.read()


class S3Backend:
    def __init__(self, endpoint_url, bucket, admin):
        self.endpoint_url = endpoint_url
        self.bucket = bucket
        self.admin = admin

    def make(self, **kwargs):
        return S3Result(self.bucket, boto3_kwargs={"endpoint_url": self.endpoint_url}, **kwargs)

    def stored_at(self, key):
        return key

    def put_raw(self, key, data):
        self.admin.put_object(Bucket=self.bucket, Key=key, Body=data)

    def get_raw(self, key):
        return self.admin.get_object(Bucket=self.bucket, Key=key)["Body"].read()


class GCSBackend:
    def __init__(self, bucket, admin):
        self.bucket = bucket
        self.admin = admin

    def make(self, **kwargs):
        return GCSResult(bucket=self.bucket, **kwargs)

    def stored_at(self, key):
        return key

    def put_raw(self, key, data):
        self.admin.bucket(self.bucket).blob(key).upload_from_string(data)

    def get_raw(self, key):
        return self.admin.bucket(self.bucket).blob(key).download_as_bytes()


class AzureBackend:
    def __init__(self, container, connection_string, admin):
        self.container = container
        self.connection_string = connection_string
        self.admin = admin

    def make(self, **kwargs):
        return AzureResult(self.container, connection_string=self.connection_string, **kwargs)

    def stored_at(self, key):
        return key

    def put_raw(self, key, data):
        self.admin.get_blob_client(self.container, key).upload_blob(data, overwrite=True)

    def get_raw(self, key):
        return self.admin.get_blob_client(self.container, key).download_blob().readall()


class TestLocalResultContract(ResultContract):
    @pytest.fixture
    def backend(self, tmp_path):
        return LocalBackend(tmp_path / "results")


class TestS3ResultContract(ResultContract):
    @pytest.fixture
    def backend(self, s3_server, s3_bucket, s3_admin):
        return S3Backend(s3_server, s3_bucket, s3_admin)


class TestGCSResultContract(ResultContract):
    @pytest.fixture
    def backend(self, gcs_bucket, gcs_admin):
        return GCSBackend(gcs_bucket, gcs_admin)


class TestAzureResultContract(ResultContract):
    @pytest.fixture
    def backend(self, azure_container, azure_connection, azure_admin):
        return AzureBackend(azure_container, azure_connection, azure_admin)

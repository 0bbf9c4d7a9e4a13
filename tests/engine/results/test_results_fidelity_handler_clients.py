"""0.13 handlers' initialize_client()/initialize_service(): build the SDK client eagerly.

Building sends no request, so the endpoints here point at a port nothing listens on.
"""

from __future__ import annotations

import pytest

from prefect_compat.engine.result_handlers import (
    AzureResultHandler,
    GCSResultHandler,
    S3ResultHandler,
)

UNREACHABLE_AZURE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
    "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;"
)


def test_s3_initialize_client(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    handler = S3ResultHandler("box", boto3_kwargs={"endpoint_url": "http://127.0.0.1:9"})
    assert handler.initialize_client() is None
    assert handler.client.meta.service_model.service_name == "s3"
    assert handler.client.meta.endpoint_url == "http://127.0.0.1:9"


def test_gcs_initialize_client(monkeypatch):
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", "http://127.0.0.1:9")
    handler = GCSResultHandler("box")
    assert handler.initialize_client() is None
    assert handler.gcs_bucket.name == "box"


def test_azure_initialize_service():
    handler = AzureResultHandler("box", connection_string=UNREACHABLE_AZURE)
    assert handler.initialize_service() is None
    assert handler.service.account_name == "devstoreaccount1"


def test_azure_initialize_service_without_credentials_fails_there(monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    with pytest.raises(ValueError, match="AZ_CREDENTIALS"):
        AzureResultHandler("box").initialize_service()

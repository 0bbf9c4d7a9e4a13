"""AzureResult.initialize_service (Prefect 1.4.1's public method): builds, never sends."""

from __future__ import annotations

import pytest

from prefect_compat.engine.results import AzureResult

# A well-formed connection string for a port nothing listens on: building the client
# must not contact it.
UNREACHABLE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
    "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;"
)


def test_initialize_service_builds_the_client_without_a_request():
    result = AzureResult("box", connection_string=UNREACHABLE)
    assert result.initialize_service() is None
    assert type(result.service).__name__ == "BlobServiceClient"
    assert result.service.account_name == "devstoreaccount1"


def test_initialize_service_without_a_connection_string_says_how_to_give_one(monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    with pytest.raises(ValueError, match="Azure connection string not provided"):
        AzureResult("box").initialize_service()

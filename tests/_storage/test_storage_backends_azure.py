"""AzureStorage on a real Azurite blob emulator (tests/fixtures/servers.py).

Requests are observed on the real transport (a spy on requests' Session.request,
which azure-core's default transport uses), never mocked. Network failures use a
closed port (refused) and a socket that accepts but never answers (hung).
"""

from __future__ import annotations

import pickle
import sys
import threading
import time

import pytest
import requests

from prefect_compat._storage.azure import AzureStorage, make_blob_service
from prefect_compat._storage.base import NotFound, StorageError
from prefect_compat.utilities.configuration import set_temporary_config
from tests.contracts.storage_contract import StorageContract
from tests.fixtures.servers import azure_connection_string, free_port

ONE_SECOND_ONE_ATTEMPT = {
    "results.azure.connect_timeout": 1,
    "results.azure.read_timeout": 1,
    "results.azure.max_attempts": 1,
}


@pytest.fixture
def http_requests(monkeypatch):
    """(method, url) of the HTTP requests this test's thread makes through `requests`."""
    seen = []
    real_request = requests.Session.request
    test_thread = threading.get_ident()

    def spy(self, method, url, *args, **kwargs):
        if threading.get_ident() == test_thread:
            seen.append((method.upper(), url))
        return real_request(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    return seen


class TestAzureStorage(StorageContract):
    @pytest.fixture
    def storage(self, azure_container, azure_connection):
        return AzureStorage(azure_container, azure_connection)

    def test_write_is_one_put_at_the_blob_and_returns_its_name(
        self, storage, azure_admin, http_requests
    ):
        assert storage.write_bytes("dir/obj.bin", b"abc") == "dir/obj.bin"
        assert len(http_requests) == 1
        method, url = http_requests[0]
        assert method == "PUT"
        assert f"/{storage.container}/dir/obj.bin" in url
        blob = azure_admin.get_blob_client(storage.container, "dir/obj.bin")
        assert blob.download_blob().readall() == b"abc"

    def test_exists_reads_properties_and_never_downloads(self, storage, http_requests):
        storage.write_bytes("big.bin", b"x" * 100_000)
        del http_requests[:]
        assert storage.exists("big.bin") is True
        assert storage.exists("absent.bin") is False
        assert [method for method, _ in http_requests] == ["HEAD", "HEAD"]

    def test_missing_container_is_named_on_write_and_read(self, azure_connection, azure_server):
        storage = AzureStorage("no-such-container", azure_connection)
        with pytest.raises(StorageError, match="container 'no-such-container' does not exist"):
            storage.write_bytes("k.bin", b"1")
        with pytest.raises(StorageError, match="ContainerNotFound") as info:
            storage.read_bytes("k.bin")
        assert not isinstance(info.value, NotFound)
        assert f"blob 'k.bin' at {azure_server}/devstoreaccount1" in str(info.value)
        assert storage.exists("k.bin") is False  # as Prefect: a missing container is "absent"

    def test_refused_endpoint_names_container_blob_endpoint_and_bound(self):
        dead = f"http://127.0.0.1:{free_port()}"
        storage = AzureStorage("results", azure_connection_string(dead))
        with set_temporary_config(ONE_SECOND_ONE_ATTEMPT):
            for call in (
                lambda: storage.read_bytes("a/k.bin"),
                lambda: storage.write_bytes("a/k.bin", b"1"),
                lambda: storage.exists("a/k.bin"),
            ):
                with pytest.raises(StorageError) as info:
                    call()
                message = str(info.value)
                assert f"Azure container 'results', blob 'a/k.bin' at {dead}/" in message
                assert "ServiceRequestError" in message
                assert "gave up after 1 attempt with connect_timeout=1s" in message
                assert "[results.azure]" in message

    def test_hung_endpoint_fails_within_the_configured_bound(self, hung_server):
        """Two attempts of (1 s connect + 1 s read) and a 0 s backoff: about 2 s."""
        storage = AzureStorage("results", azure_connection_string(hung_server.url))
        settings = {**ONE_SECOND_ONE_ATTEMPT, "results.azure.max_attempts": 2}
        with set_temporary_config({**settings, "results.azure.retry_backoff": 0}):
            started = time.monotonic()
            with pytest.raises(StorageError, match=r"blob 'slow\.bin'.*Timeout.*2 attempts"):
                storage.write_bytes("slow.bin", b"1")
            elapsed = time.monotonic() - started
        assert len(hung_server.accepted) == 2
        assert elapsed < 2 * 2 + 10  # the bound, with a generous margin for a slow machine

    def test_default_bounds_come_from_the_shipped_config(self):
        service = make_blob_service(azure_connection_string("http://127.0.0.1:9"))
        retry = service._config.retry_policy
        assert retry.total_retries == 1  # max_attempts = 2
        assert retry.backoff == 1
        transport_options = service._config.transport.connection_config
        assert (transport_options.timeout, transport_options.read_timeout) == (5, 10)

    def test_pickling_drops_the_service_and_the_copy_still_works(self, storage):
        storage.write_bytes("p.bin", b"before")
        assert storage.service is not None
        restored = pickle.loads(pickle.dumps(storage))
        assert restored._service is None
        assert restored.read_bytes("p.bin") == b"before"
        restored.write_bytes("p.bin", b"after")
        assert storage.read_bytes("p.bin") == b"after"

    def test_storages_with_the_same_settings_share_one_service(self, azure_connection):
        first = AzureStorage("a", azure_connection)
        again = pickle.loads(pickle.dumps(AzureStorage("b", azure_connection)))
        assert again.service is first.service
        with set_temporary_config({"results.azure.read_timeout": 3}):
            assert AzureStorage("a", azure_connection).service is not first.service

    def test_connection_string_without_a_key_uses_default_azure_credential(self):
        """No request is made: the client is only built."""
        from azure.identity import DefaultAzureCredential

        storage = AzureStorage("c", "BlobEndpoint=https://acct.blob.core.windows.net/;")
        assert isinstance(storage.service.credential, DefaultAzureCredential)
        assert storage.service.url == "https://acct.blob.core.windows.net/"
        by_name = AzureStorage("c", "AccountName=other;EndpointSuffix=core.windows.net")
        assert by_name.service.url == "https://other.blob.core.windows.net/"

    def test_missing_sdk_names_the_extra(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "azure.storage.blob", None)
        expected = r"AzureResult.*pip install 'prefect-compat\[azure\]'"
        with pytest.raises(ImportError, match=expected):
            AzureStorage("c", "UseDevelopmentStorage=true;AccountKey=x").read_bytes("k.bin")

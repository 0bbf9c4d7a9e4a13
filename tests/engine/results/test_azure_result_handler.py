"""The 0.13 `AzureResultHandler` on Azurite, and its conversion to `AzureResult`.

Observed on Prefect 0.13.19 (probes with a recording stand-in for the retired v2
SDK's BlockBlobService): the signature is `(container, connection_string=None,
azure_credentials_secret="AZ_CREDENTIALS")`; `connection_string` falls back to
AZURE_STORAGE_CONNECTION_STRING when the handler is built; without one the secret
(ACCOUNT_NAME with ACCOUNT_KEY or SAS_TOKEN) is used, and a missing secret fails with
'Local Secret "AZ_CREDENTIALS" was not found.'; the payload is the base64 text of a
cloudpickle under `YYYY/M/D/<uuid>.prefect_result`; it converts to
`AzureResult(container, connection_string, connection_string_secret=None)`.
"""

from __future__ import annotations

import base64
import inspect
import pickle
import re

import cloudpickle
import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat._compat import handlers as compat
from prefect_compat.engine.result_handlers import AzureResultHandler
from prefect_compat.engine.results import AzureResult
from prefect_compat.engine.results.result_handler_result import ResultHandlerResult
from prefect_compat.utilities.configuration import set_temporary_config

pytestmark = pytest.mark.filterwarnings("ignore:Result Handlers are deprecated")


@pytest.fixture(autouse=True)
def fresh_warnings():
    compat._WARNED.clear()
    yield
    compat._WARNED.clear()


def test_signature_and_attributes_are_prefect_013s(monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    assert str(inspect.signature(AzureResultHandler.__init__)) == (
        "(self, container: 'str', connection_string: 'str | None' = None, "
        "azure_credentials_secret: 'str' = 'AZ_CREDENTIALS') -> 'None'"
    )
    handler = AzureResultHandler("c")
    assert vars(handler) == {
        "container": "c",
        "connection_string": None,
        "azure_credentials_secret": "AZ_CREDENTIALS",
    }
    assert repr(handler) == "<ResultHandler: AzureResultHandler>"
    assert handler == AzureResultHandler("c")
    assert AzureResultHandler.__module__ == (
        "prefect_compat.engine.result_handlers.azure_result_handler"
    )


def test_round_trip_on_azurite(azure_container, azure_connection, azure_admin):
    handler = AzureResultHandler(azure_container, connection_string=azure_connection)
    key = handler.write({"answer": 42})
    assert re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}/[0-9a-f-]{36}\.prefect_result", key)
    raw = azure_admin.get_blob_client(azure_container, key).download_blob().readall()
    assert cloudpickle.loads(base64.b64decode(raw)) == {"answer": 42}
    assert handler.read(key) == {"answer": 42}
    restored = pickle.loads(pickle.dumps(handler))  # no client in the pickle
    assert "_store" not in vars(restored)
    assert restored.read(key) == {"answer": 42}


def test_environment_is_read_when_the_handler_is_built(monkeypatch, azure_connection):
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azure_connection)
    assert AzureResultHandler("c").connection_string == azure_connection


def test_account_secret_builds_the_connection(monkeypatch):
    """No request is made: only the client is built from the secret."""
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    handler = AzureResultHandler("c", azure_credentials_secret="AZ")
    with prefect_compat.context(secrets={"AZ": {"ACCOUNT_NAME": "acct", "ACCOUNT_KEY": "a2V5"}}):
        assert handler.service.url == "https://acct.blob.core.windows.net/"
        assert handler.service.credential.account_name == "acct"
    sas = '{"ACCOUNT_NAME": "other", "SAS_TOKEN": "sv=2020&sig=abc"}'
    with prefect_compat.context(secrets={"AZ": sas}):
        assert handler._storage().connection_string == (
            "BlobEndpoint=https://other.blob.core.windows.net;SharedAccessSignature=sv=2020&sig=abc"
        )
    with pytest.raises(ValueError, match=r'^Local Secret "AZ" was not found\.'):
        handler.write(1)


def test_converts_to_azure_result(azure_connection):
    handler = AzureResultHandler("box", connection_string=azure_connection)
    result = ResultHandlerResult.from_result_handler(handler)
    assert type(result) is AzureResult
    assert (result.container, result.connection_string) == ("box", azure_connection)
    assert result.connection_string_secret is None


def test_conversion_without_a_connection_string_warns_that_writes_will_fail(monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    with pytest.warns(UserWarning, match=r"does not read the 'AZ_CREDENTIALS' secret.*fail"):
        result = compat.result_from_handler(AzureResultHandler("box"))
    assert type(result) is AzureResult and result.connection_string is None


def test_a_task_with_the_handler_checkpoints_to_the_container(
    azure_container, azure_connection, azure_admin
):
    handler = AzureResultHandler(azure_container, connection_string=azure_connection)

    @task(result_handler=handler)
    def seven():
        return 7

    with Flow("az-handler") as flow:
        out = seven()
    assert type(out.result) is AzureResult
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run()
    location = state.result[out]._result.location
    raw = azure_admin.get_blob_client(azure_container, location).download_blob().readall()
    assert cloudpickle.loads(raw) == 7  # written by the converted AzureResult: plain pickle

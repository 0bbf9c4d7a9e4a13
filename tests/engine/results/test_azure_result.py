"""AzureResult beyond the shared contract: Prefect's signature, where the connection
string comes from, and a checkpointing flow, all on a real Azurite emulator.

Observed on Prefect 1.4.1 (probes, azure-storage-blob 12.x): `connection_string`
falls back to AZURE_STORAGE_CONNECTION_STRING when the Result is built, and then to
the secret named by `connection_string_secret` when it is first used; explicit beats
the environment, the environment beats the secret; with none of them, use fails with
"Azure connection string not provided. ..."; a missing secret with
'Local Secret "NAME" was not found.'.
"""

from __future__ import annotations

import inspect
import pickle

import cloudpickle
import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.engine.results import AzureResult
from prefect_compat.utilities.configuration import set_temporary_config
from tests.fixtures.servers import azure_connection_string, free_port


def test_signature_is_prefects():
    signature = inspect.signature(AzureResult.__init__)
    assert str(signature) == (
        "(self, container: 'str', connection_string: 'str | None' = None, "
        "connection_string_secret: 'str | None' = None, **kwargs: 'Any') -> 'None'"
    )
    result = AzureResult("c", location="{task_name}.pkl")
    assert (result.container, result.location, result.value) == ("c", "{task_name}.pkl", None)
    assert repr(result) == "<AzureResult: None>"


def test_the_environment_is_read_when_the_result_is_built(
    monkeypatch, azure_container, azure_connection, azure_admin
):
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azure_connection)
    result = AzureResult(azure_container)
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING")
    assert result.connection_string == azure_connection
    written = result.write({"from": "env"})
    blob = azure_admin.get_blob_client(azure_container, written.location)
    assert cloudpickle.loads(blob.download_blob().readall()) == {"from": "env"}


def test_the_secret_is_read_when_the_result_is_used(azure_container, azure_connection, azure_admin):
    result = AzureResult(azure_container, connection_string_secret="AZ_CONN")
    assert result.connection_string is None
    with prefect_compat.context(secrets={"AZ_CONN": azure_connection}):
        written = result.write(3, task_name="t")
        assert result.read(written.location).value == 3
    assert written.location.endswith(".prefect_result")
    restored = pickle.loads(pickle.dumps(written))  # the secret's value is not in the pickle
    assert azure_connection not in repr(vars(restored))
    assert "_store" not in vars(restored)


def test_explicit_beats_the_environment_which_beats_the_secret(monkeypatch):
    explicit, env, secret = (azure_connection_string(f"http://127.0.0.1:{p}") for p in (1, 2, 3))
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", env)
    with prefect_compat.context(secrets={"S": secret}):
        assert (
            AzureResult("c", connection_string=explicit, connection_string_secret="S")
            ._storage()
            .connection_string
            == explicit
        )
        assert AzureResult("c", connection_string_secret="S")._storage().connection_string == env
        monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING")
        assert AzureResult("c", connection_string_secret="S")._storage().connection_string == (
            secret
        )


def test_no_connection_string_anywhere_fails_on_use_with_prefects_message(monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    result = AzureResult("c")
    with pytest.raises(ValueError, match=r"^Azure connection string not provided\. Set either"):
        result.write(1)
    with pytest.raises(ValueError, match=r'^Local Secret "NOPE" was not found\..*SECRETS__NOPE'):
        AzureResult("c", connection_string_secret="NOPE").read("k")


def test_a_flow_checkpoints_to_azure(azure_container, azure_connection, azure_admin):
    location = "{flow_name}/{task_name}/{map_index}.pkl"

    @task(result=AzureResult(azure_container, azure_connection, location=location))
    def double(x):
        return 2 * x

    with Flow("az") as flow:
        doubled = double.map([1, 2])
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run()
    assert state.is_successful()
    children = state.result[doubled].map_states
    assert [c._result.location for c in children] == ["az/double/0.pkl", "az/double/1.pkl"]
    for index, expected in enumerate([2, 4]):
        blob = azure_admin.get_blob_client(azure_container, f"az/double/{index}.pkl")
        assert cloudpickle.loads(blob.download_blob().readall()) == expected


def test_a_dead_endpoint_fails_the_task_naming_it():
    dead = f"http://127.0.0.1:{free_port()}"

    @task(result=AzureResult("c", connection_string=azure_connection_string(dead)))
    def one():
        return 1

    with Flow("dead") as flow:
        out = one()
    with set_temporary_config({"flows.checkpointing": True, "results.azure.max_attempts": 1}):
        state = flow.run()
    assert state.is_failed()
    assert state.result[out].is_failed()
    assert "Azure container 'c', blob" in state.result[out].message
    assert f"at {dead}/devstoreaccount1" in state.result[out].message

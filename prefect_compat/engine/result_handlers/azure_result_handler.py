"""`AzureResultHandler`: base64-encoded cloudpickles in an Azure container (becomes `AzureResult`).

Reads and writes go through `AzureStorage`, the Storage behind `AzureResult`, so
clients, bounds and error messages are the same; azure-storage-blob is imported on
first use. Prefect 0.13 built this handler on the retired v2 SDK
(`BlockBlobService`); the stored format (base64 text of a cloudpickle) and the keys
(`YYYY/M/D/<uuid>.prefect_result`) are kept.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from prefect_compat import _context
from prefect_compat._compat.handlers import dated_key, pickle_bytes, read_pickle
from prefect_compat._storage.azure import AzureStorage
from prefect_compat.engine.result_handlers.result_handler import ResultHandler

__all__ = ["AzureResultHandler"]


def _credentials_connection_string(name: str) -> str:
    """A connection string from a Prefect-style secret: ACCOUNT_NAME + ACCOUNT_KEY or SAS_TOKEN."""
    secrets = _context.get("secrets") or {}
    if name not in secrets:
        raise ValueError(
            f'Local Secret "{name}" was not found. AzureResultHandler needs a connection '
            f"string, or the secret {name!r} holding ACCOUNT_NAME and ACCOUNT_KEY (or "
            f"SAS_TOKEN), e.g. PREFECT__CONTEXT__SECRETS__{name}='{{...}}'."
        )
    value = secrets[name]
    if isinstance(value, str):
        import json

        value = json.loads(value)
    account, key, sas = (value.get(k) for k in ("ACCOUNT_NAME", "ACCOUNT_KEY", "SAS_TOKEN"))
    if key:
        return f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key}"
    endpoint = f"BlobEndpoint=https://{account}.blob.core.windows.net"
    return f"{endpoint};SharedAccessSignature={sas}" if sas else endpoint


class AzureResultHandler(ResultHandler):
    """Blobs named `YYYY/M/D/<uuid>.prefect_result` in `container`.

    Connection: `connection_string`, else `AZURE_STORAGE_CONNECTION_STRING` (read
    when the handler is built), else the secret named `azure_credentials_secret`
    (ACCOUNT_NAME with ACCOUNT_KEY or SAS_TOKEN).
    """

    def __init__(
        self,
        container: str,
        connection_string: str | None = None,
        azure_credentials_secret: str = "AZ_CREDENTIALS",
    ) -> None:
        self.container = container
        self.connection_string = (
            connection_string or os.environ.get("AZURE_STORAGE_CONNECTION_STRING") or None
        )
        self.azure_credentials_secret = azure_credentials_secret

    def _storage(self) -> AzureStorage:
        connection_string = self.connection_string or _credentials_connection_string(
            self.azure_credentials_secret
        )
        store: AzureStorage | None = self.__dict__.get("_store")
        if (
            store is None
            or store.container != self.container
            or store.connection_string != connection_string
        ):
            store = self._store = AzureStorage(self.container, connection_string)
        return store

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_store", None)
        return state

    @property
    def service(self) -> Any:
        """The `BlobServiceClient` (built on first use; never pickled)."""
        return self._storage().service

    def initialize_service(self) -> None:
        """Build the blob service client now instead of on first use (0.13's name)."""
        _ = self.service

    def write(self, result: Any) -> str:
        """Upload `result`; return the blob name."""
        key = dated_key()
        return self._storage().write_bytes(key, base64.b64encode(pickle_bytes(result)))

    def read(self, uri: str) -> Any:
        """Download and load blob `uri`."""
        owner = f"AzureResultHandler(container={self.container!r})"
        return read_pickle(self._storage(), uri, owner)

"""`AzureResult`: results as blobs in an Azure Blob Storage container.

Storage, clients, bounds and error translation live in `_storage/azure.py`; the
format -> serialize -> store sequence lives in `_storage/result_io.py`. This class
holds the settings (public, so they take part in equality) and resolves the
connection string the way Prefect 1.x does:

1. `connection_string=` as given, else
2. the `AZURE_STORAGE_CONNECTION_STRING` environment variable, read when the Result
   is built (so it shows in `.connection_string`), else
3. the secret named `connection_string_secret`, read from `context.secrets` when the
   Result is first used (so a worker's own context applies).

A blob that already exists is overwritten (Prefect's AzureResult refuses to write
over an existing blob; see docs/compat-notes.md).
"""

from __future__ import annotations

import os
from typing import Any

from prefect_compat._storage import result_io
from prefect_compat._storage.azure import AzureStorage
from prefect_compat.engine.result.base import Result

__all__ = ["AzureResult"]

ENV_VAR = "AZURE_STORAGE_CONNECTION_STRING"


def _secret(name: str) -> str:
    from prefect_compat import context

    secrets = context.get("secrets") or {}
    if name not in secrets:
        raise ValueError(
            f'Local Secret "{name}" was not found. Set it in context.secrets, e.g. with '
            f"the environment variable PREFECT__CONTEXT__SECRETS__{name}='<connection string>'."
        )
    return str(secrets[name])


class AzureResult(Result):
    """A Result stored as blob `location` in `container`."""

    def __init__(
        self,
        container: str,
        connection_string: str | None = None,
        connection_string_secret: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.container = container
        self.connection_string = connection_string or os.environ.get(ENV_VAR) or None
        self.connection_string_secret = connection_string_secret
        super().__init__(**kwargs)

    def _resolved_connection_string(self) -> str:
        if self.connection_string:
            return self.connection_string
        if self.connection_string_secret:
            return _secret(self.connection_string_secret)
        raise ValueError(
            "Azure connection string not provided. Set either directly with "
            "connection_string or via Prefect Secret using connection_string_secret "
            f"parameter (or set the {ENV_VAR} environment variable before building the "
            "AzureResult)."
        )

    def _storage(self) -> AzureStorage:
        store: AzureStorage | None = self.__dict__.get("_store")
        if (
            store is None
            or store.container != self.container
            or (self.connection_string and store.connection_string != self.connection_string)
        ):
            store = self._store = AzureStorage(self.container, self._resolved_connection_string())
        return store

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the settings only: a connection string read from a secret stays here."""
        state = self.__dict__.copy()
        state.pop("_store", None)
        return state

    @property
    def service(self) -> Any:
        """The `azure.storage.blob.BlobServiceClient` (built on first use; never pickled)."""
        return self._storage().service

    def initialize_service(self) -> None:
        """Build the blob service client now rather than on first use (no request is
        sent); raises ValueError when no connection string can be found."""
        _ = self.service

    def write(self, value_: Any, **kwargs: Any) -> AzureResult:
        """Upload `value_` to the formatted location; the copy records that blob name."""
        return result_io.write_result(self, value_, kwargs)

    def read(self, location: str) -> AzureResult:
        """Download and deserialize blob `location`."""
        return result_io.read_result(self, location)

    def exists(self, location: str, **kwargs: Any) -> bool:
        """Whether blob `location.format(**kwargs)` exists (properties only, no download)."""
        return result_io.exists_result(self, location, **kwargs)

"""0.13's `Azure` storage: takes the connection string itself (1.x takes a secret name)."""

from __future__ import annotations

from typing import Any

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import azure as _azure

__all__ = ["Azure"]


class Azure(Legacy013, _azure.Azure):
    """0.13 path of `prefect.storage.Azure`, with 0.13's `connection_string=`."""

    default_label = "azure-flow-storage"

    def __init__(
        self,
        container: str,
        connection_string: str | None = None,
        blob_name: str | None = None,
        stored_as_script: bool = False,
        **kwargs: Any,
    ) -> None:
        self._given_connection_string = connection_string
        super().__init__(
            container, blob_name=blob_name, stored_as_script=stored_as_script, **kwargs
        )

    @property
    def connection_string(self) -> str:  # type: ignore[override]
        """The one given, else `AZURE_STORAGE_CONNECTION_STRING`."""
        return self._given_connection_string or super().connection_string

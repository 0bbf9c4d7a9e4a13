"""`Azure` storage: flows in an Azure Blob container (stored, inert: no azure import)."""

from __future__ import annotations

import importlib
import os
from typing import Any

from prefect_compat.storage.base import Storage, timestamped_key

__all__ = ["Azure"]


def _azure_result(container: str, secret: str | None) -> Any:
    """An AzureResult for the container, where this build of prefect-compat has one."""
    try:
        module = importlib.import_module("prefect_compat.engine.results.azure_result")
    except ImportError:
        return None
    return module.AzureResult(container=container, connection_string_secret=secret)


class Azure(Storage):
    """Container and blob name for a flow kept in Azure; build/get_flow need a backend."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        container: str,
        connection_string_secret: str | None = None,
        blob_name: str | None = None,
        overwrite: bool = False,
        stored_as_script: bool = False,
        **kwargs: Any,
    ) -> None:
        self.container = container
        self.connection_string_secret = connection_string_secret
        self.blob_name = blob_name
        self.overwrite = overwrite
        super().__init__(
            result=_azure_result(container, connection_string_secret),
            stored_as_script=stored_as_script,
            **kwargs,
        )

    @property
    def connection_string(self) -> str:
        """From the context secret `connection_string_secret`, else the environment."""
        from prefect_compat import _context

        if self.connection_string_secret:
            secrets = _context.get("secrets") or {}
            value = secrets.get(self.connection_string_secret)
            if value:
                return str(value)
        value = os.environ.get("AZURE_STORAGE_CONNECTION_STRING")
        if value:
            return value
        raise ValueError(
            "Azure connection string not provided. Set `AZURE_STORAGE_CONNECTION_STRING` "
            "environment variable or save connection string as Prefect secret."
        )

    def add_flow(self, flow: Any) -> str:
        return self._record(flow, self.blob_name or timestamped_key(flow))

"""AzureStorage: results as block blobs in one Azure Blob Storage container.

azure-storage-blob is imported on first use (`_lazy.require`), never at module
import. The service client is built from a connection string: with an account key
or a SAS token it is used as is; without either (an endpoint only) the client
authenticates with azure-identity's `DefaultAzureCredential`, as Prefect 1.x does.
Clients are cached on the instance and per process under their settings, and
dropped on pickling.

A write is one `upload_blob(..., overwrite=True)`: a blob becomes visible only when
its upload commits, never partially. `exists` asks for the blob's properties and
never downloads. Azure errors are translated here into `StorageError` / `NotFound`,
chained with `from`, naming container, blob, endpoint and Azure's error code.

Every call is bounded by `[results.azure]` (`connect_timeout`, `read_timeout`,
`max_attempts`, `retry_backoff`): a hung or dead endpoint fails a call after at
most `max_attempts * (connect_timeout + read_timeout)` seconds plus the backoff,
instead of the SDK's default of 4 attempts 15, 18 and 24 s apart.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Dict, Iterator, Tuple

from prefect_compat._lazy import require
from prefect_compat._storage.base import (
    ForkSafeLock,
    NotFound,
    StorageError,
    backend_settings,
    bound_text,
)

__all__ = ["AZURE_DEFAULTS", "AzureStorage", "make_blob_service"]

# Fallbacks for a config without [results.azure]; the shipped config.toml documents them.
AZURE_DEFAULTS = {
    "connect_timeout": 5.0,
    "read_timeout": 10.0,
    "max_attempts": 2,
    "retry_backoff": 1.0,
}
_CONTAINER_MISSING = "ContainerNotFound"
_CLIENTS: Dict[Tuple[Any, ...], Any] = {}
_CLIENTS_LOCK = ForkSafeLock()
_MAX_CLIENTS = 16


def _require(module: str) -> ModuleType:
    return require(module, extra="azure", feature="AzureResult")


def parse_connection_string(connection_string: str) -> Dict[str, str]:
    """`Key=value;...` pairs (keys as written; values may contain '=')."""
    parts: Dict[str, str] = {}
    for item in connection_string.split(";"):
        key, sep, value = item.strip().partition("=")
        if sep and key:
            parts[key] = value
    return parts


def _account_url(parts: Dict[str, str]) -> str:
    if parts.get("BlobEndpoint"):
        return parts["BlobEndpoint"]
    name = parts.get("AccountName")
    if not name:
        raise ValueError(
            "The Azure connection string names no BlobEndpoint and no AccountName: give "
            "one of them (e.g. 'AccountName=myaccount;AccountKey=...')."
        )
    protocol = parts.get("DefaultEndpointsProtocol", "https")
    suffix = parts.get("EndpointSuffix", "core.windows.net")
    return f"{protocol}://{name}.blob.{suffix}"


def _client_options(settings: Dict[str, float]) -> Dict[str, Any]:
    blob = _require("azure.storage.blob")
    attempts = max(1, int(settings["max_attempts"]))
    retry = blob.LinearRetry(
        backoff=settings["retry_backoff"], retry_total=attempts - 1, random_jitter_range=0
    )
    return {
        "connection_timeout": settings["connect_timeout"],
        "read_timeout": settings["read_timeout"],
        "retry_policy": retry,
    }


def make_blob_service(connection_string: str) -> Any:
    """A bounded `BlobServiceClient` for `connection_string` (cached per process)."""
    settings = backend_settings("azure", AZURE_DEFAULTS)
    key = (os.getpid(), connection_string, *sorted(settings.items()))
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = _build_service(connection_string, _client_options(settings))
            if len(_CLIENTS) >= _MAX_CLIENTS:  # bounded: drop the oldest
                del _CLIENTS[next(iter(_CLIENTS))]
            _CLIENTS[key] = client
    return client


def _build_service(connection_string: str, options: Dict[str, Any]) -> Any:
    blob = _require("azure.storage.blob")
    parts = parse_connection_string(connection_string)
    if parts.get("AccountKey") or parts.get("SharedAccessSignature"):
        return blob.BlobServiceClient.from_connection_string(connection_string, **options)
    identity = require("azure.identity", extra="azure", feature="AzureResult without a key")
    return blob.BlobServiceClient(
        _account_url(parts), credential=identity.DefaultAzureCredential(), **options
    )


class AzureStorage:
    """Blobs in `container`; the location recorded for a key is the blob name."""

    def __init__(self, container: str, connection_string: str) -> None:
        self.container = container
        self.connection_string = connection_string
        self._service: Any = None

    @property
    def service(self) -> Any:
        """The `BlobServiceClient` (built on first use; no request is made to build it)."""
        if self._service is None:
            self._service = make_blob_service(self.connection_string)
        return self._service

    @property
    def endpoint(self) -> str:
        """The account URL the client talks to (no request made, no client built)."""
        if self._service is None:
            try:
                return _account_url(parse_connection_string(self.connection_string))
            except ValueError:
                return "?"
        return str(self._service.url)

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["_service"] = None
        return state

    def _blob(self, key: str) -> Any:
        return self.service.get_blob_client(self.container, key)

    def _where(self, key: str) -> str:
        return f"Azure container {self.container!r}, blob {key!r} at {self.endpoint}"

    def _check(self, key: str) -> str:
        if not key or ".." in key.split("/"):
            raise StorageError(
                f"Location {key!r} escapes its prefix in Azure container {self.container!r}: "
                "use a non-empty name with no '..' segments."
            )
        return key

    def _bound(self) -> str:
        settings = backend_settings("azure", AZURE_DEFAULTS)
        attempts = max(1, int(settings["max_attempts"]))
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        return bound_text("azure", tries, settings["connect_timeout"], settings["read_timeout"])

    @contextmanager
    def _translated(self, action: str, key: str) -> Iterator[None]:
        """Turn azure-core errors raised inside the block into StorageError / NotFound."""
        errors = _require("azure.core.exceptions")
        try:
            yield
        except errors.ResourceNotFoundError as exc:
            code = getattr(exc, "error_code", None)
            if code == _CONTAINER_MISSING or action == "write":
                raise StorageError(
                    f"Cannot {action} {self._where(key)}: the container {self.container!r} "
                    f"does not exist ({code}). Create it, or fix the container name."
                ) from exc
            raise NotFound(f"No result stored in {self._where(key)} ({code})") from exc
        except errors.ClientAuthenticationError as exc:
            raise StorageError(
                f"Cannot {action} {self._where(key)}: {type(exc).__name__} "
                f"({getattr(exc, 'error_code', None)}). Check the account key or SAS token in "
                "the connection string."
            ) from exc
        except (errors.ServiceRequestError, errors.ServiceResponseError) as exc:
            reason = f"{type(exc).__name__}: {_first_line(exc)}; {self._bound()}"
            raise StorageError(f"Cannot {action} {self._where(key)}: {reason}") from exc
        except errors.AzureError as exc:
            code = getattr(exc, "error_code", None) or type(exc).__name__
            reason = f"{code}: {_first_line(exc)}"
            raise StorageError(f"Cannot {action} {self._where(key)}: {reason}") from exc

    def read_bytes(self, key: str) -> bytes:
        with self._translated("read", self._check(key)):
            return bytes(self._blob(key).download_blob().readall())

    def write_bytes(self, key: str, data: bytes) -> str:
        with self._translated("write", self._check(key)):
            self._blob(key).upload_blob(data, overwrite=True)
        return key

    def exists(self, key: str) -> bool:
        with self._translated("check", self._check(key)):
            return bool(self._blob(key).exists())

    def delete(self, key: str) -> None:
        with self._translated("delete", self._check(key)):
            self._blob(key).delete_blob()


def _first_line(exc: BaseException) -> str:
    """Azure error texts carry the raw XML response after the first line: keep that line."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

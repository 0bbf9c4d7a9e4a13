"""GCSStorage: results as blobs in one Google Cloud Storage bucket.

google-cloud-storage is imported on first use (`_lazy.require`), never at module
import. Credentials, in order: `STORAGE_EMULATOR_HOST` set → anonymous credentials
(the emulator accepts no others); `context.secrets["GCP_CREDENTIALS"]` (a
service-account dict or its JSON text); application default credentials. The
client is cached on the instance and per process under those settings, and
dropped on pickling.

A write is one `upload_from_string` (GCS makes an object visible only once the
upload completes, never partially); `exists` asks for metadata and never
downloads. Google API, auth and transport errors are translated here into
`StorageError` / `NotFound`, chained with `from`, naming bucket, blob and reason.
`call_options` (e.g. `timeout=`, `retry=`) are passed to every blob call.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Dict, Iterator, Tuple, Type

from prefect_compat._lazy import require
from prefect_compat._storage.base import NotFound, StorageError

__all__ = ["GCSStorage", "make_gcs_client"]

_EMULATOR_PROJECT = "prefect-compat"
_ENV_PREFIXES = ("GOOGLE_", "GCLOUD_", "CLOUDSDK_")
_CLIENTS: Dict[Tuple[Any, ...], Any] = {}
_CLIENTS_LOCK = threading.Lock()
_MAX_CLIENTS = 16
_ERRORS: Tuple[Type[BaseException], ...] | None = None


def _require(module: str) -> ModuleType:
    return require(module, extra="gcp", feature="GCSResult")


def _errors() -> Tuple[Type[BaseException], ...]:
    """The backend exception types translated at this boundary (resolved once)."""
    global _ERRORS
    if _ERRORS is None:
        api = _require("google.api_core.exceptions")
        auth = _require("google.auth.exceptions")
        # requests' errors are OSErrors; checksum and response errors live in
        # storage.exceptions on google-cloud-storage 3.x, resumable_media on 2.x.
        found = [api.GoogleAPIError, auth.GoogleAuthError, OSError]
        for name in ("google.cloud.storage.exceptions", "google.resumable_media.common"):
            try:
                media = importlib.import_module(name)
            except ImportError:
                continue
            found += [media.InvalidResponse, media.DataCorruption]
            break
        _ERRORS = tuple(found)
    return _ERRORS


def _secret_credentials() -> Dict[str, Any] | None:
    from prefect_compat import context

    info = (context.get("secrets") or {}).get("GCP_CREDENTIALS")
    if isinstance(info, str):
        info = json.loads(info)
    return dict(info) if info else None


def make_gcs_client(project: str | None = None) -> Any:
    """A storage Client for the emulator, the context secret, or default credentials."""
    storage = _require("google.cloud.storage")
    emulator = os.environ.get("STORAGE_EMULATOR_HOST")
    info = None if emulator else _secret_credentials()
    env = sorted(item for item in os.environ.items() if item[0].startswith(_ENV_PREFIXES))
    key = (os.getpid(), project, emulator, json.dumps(info, sort_keys=True), *env)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            if emulator:
                anonymous = _require("google.auth.credentials").AnonymousCredentials()
                client = storage.Client(project=project or _EMULATOR_PROJECT, credentials=anonymous)
            elif info:
                service_account = _require("google.oauth2.service_account")
                credentials = service_account.Credentials.from_service_account_info(info)
                client = storage.Client(
                    project=project or info.get("project_id"), credentials=credentials
                )
            else:
                client = storage.Client(project=project)
            if len(_CLIENTS) >= _MAX_CLIENTS:  # bounded: drop the oldest
                del _CLIENTS[next(iter(_CLIENTS))]
            _CLIENTS[key] = client
    return client


class GCSStorage:
    """Blobs in `bucket`; the location recorded for a key is the blob name."""

    def __init__(self, bucket: str, project: str | None = None, **call_options: Any) -> None:
        self.bucket = bucket
        self.project = project
        self.call_options = call_options
        self._bucket: Any = None

    @property
    def gcs_bucket(self) -> Any:
        """The `google.cloud.storage.Bucket` handle (no request is made to build it)."""
        if self._bucket is None:
            self._bucket = make_gcs_client(self.project).bucket(self.bucket)
        return self._bucket

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["_bucket"] = None
        return state

    def _where(self, key: str) -> str:
        return f"GCS bucket {self.bucket!r}, blob {key!r}"

    @contextmanager
    def _translated(self, action: str, key: str) -> Iterator[None]:
        """Turn Google API, auth and transport errors inside the block into StorageError."""
        errors = _errors()
        not_found: Type[BaseException] = _require("google.api_core.exceptions").NotFound
        auth_error: Type[BaseException] = _require("google.auth.exceptions").GoogleAuthError
        try:
            yield
        except not_found as exc:
            raise NotFound(f"No result stored in {self._where(key)} ({exc})") from exc
        except auth_error as exc:
            raise StorageError(
                f"Cannot {action} {self._where(key)}: {type(exc).__name__}: {exc}. Set the "
                "GCP_CREDENTIALS secret in context (service-account info), or configure "
                "application default credentials (GOOGLE_APPLICATION_CREDENTIALS)."
            ) from exc
        except errors as exc:
            reason = f"{type(exc).__name__}: {exc}"
            raise StorageError(f"Cannot {action} {self._where(key)}: {reason}") from exc

    def _check(self, key: str) -> str:
        if not key or ".." in key.split("/"):
            raise StorageError(
                f"Location {key!r} escapes its prefix in GCS bucket {self.bucket!r}: use a "
                "non-empty name with no '..' segments."
            )
        return key

    def read_bytes(self, key: str) -> bytes:
        with self._translated("read", self._check(key)):
            return bytes(self.gcs_bucket.blob(key).download_as_bytes(**self.call_options))

    def write_bytes(self, key: str, data: bytes) -> str:
        with self._translated("write", self._check(key)):
            blob = self.gcs_bucket.blob(key)
            blob.upload_from_string(data, "application/octet-stream", **self.call_options)
        return key

    def exists(self, key: str) -> bool:
        with self._translated("check", self._check(key)):
            return bool(self.gcs_bucket.blob(key).exists(**self.call_options))

    def delete(self, key: str) -> None:
        with self._translated("delete", self._check(key)):
            self.gcs_bucket.blob(key).delete(**self.call_options)

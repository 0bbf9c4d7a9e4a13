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
`StorageError` / `NotFound`, chained with `from`, naming bucket, blob, endpoint
and reason.

Every blob call is bounded: `timeout` (a `(connect, read)` pair) and `retry` (a
google `Retry` whose total budget is `retry_timeout` seconds) default to the
`[results.gcs]` config section, so a dead endpoint fails a call after at most
`retry_timeout + connect_timeout + read_timeout` seconds instead of the client
library's two minutes. Pass `timeout=` / `retry=` to override (`retry=None`: one
attempt).
"""

from __future__ import annotations

import importlib
import json
import os
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Dict, Iterator, Tuple, Type

from prefect_compat._lazy import require
from prefect_compat._storage.base import (
    ForkSafeLock,
    NotFound,
    StorageError,
    backend_settings,
    bound_text,
)

__all__ = ["FROM_CONFIG", "GCSStorage", "GCS_DEFAULTS", "make_gcs_client"]

# Fallbacks for a config without [results.gcs]; the shipped config.toml documents them.
GCS_DEFAULTS = {"connect_timeout": 5.0, "read_timeout": 10.0, "retry_timeout": 15.0}


class _FromConfig:
    """Marker default: take this setting from the `[results.gcs]` config section."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<from config>"

    def __reduce__(self) -> str:
        return "FROM_CONFIG"


FROM_CONFIG: Any = _FromConfig()

_EMULATOR_PROJECT = "prefect-compat"
_ENV_PREFIXES = ("GOOGLE_", "GCLOUD_", "CLOUDSDK_")
_CLIENTS: Dict[Tuple[Any, ...], Any] = {}
_CLIENTS_LOCK = ForkSafeLock()
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
            _no_background_fetches(client)
            if len(_CLIENTS) >= _MAX_CLIENTS:  # bounded: drop the oldest
                del _CLIENTS[next(iter(_CLIENTS))]
            _CLIENTS[key] = client
    return client


def _no_background_fetches(client: Any) -> None:
    """google-cloud-storage 3.x looks up each bucket's metadata for its tracing spans in
    a thread of its own, with its own retries (minutes against a hung endpoint) and
    none of our timeouts. Our clients skip it: every call we make stays on the caller's
    thread, bounded. (A client without that cache, older versions, is left as it is.)"""
    if getattr(client, "_bucket_metadata_cache", None) is not None:
        client._bucket_metadata_cache = None


def bounded_retry(retry_timeout: float) -> Any:
    """Google's default retry policy (transient errors only) with a total budget."""
    if not retry_timeout:
        return None
    policy = _require("google.cloud.storage.retry").DEFAULT_RETRY
    policy = policy.with_delay(initial=0.5, maximum=4.0, multiplier=2.0)
    if hasattr(policy, "with_timeout"):  # google-api-core >= 2.17
        return policy.with_timeout(retry_timeout)
    return policy.with_deadline(retry_timeout)  # pragma: no cover - older google-api-core


class GCSStorage:
    """Blobs in `bucket`; the location recorded for a key is the blob name.

    `timeout` and `retry` go to every blob call; left at `FROM_CONFIG` they come from
    `[results.gcs]` when the client is first used. Other `call_options` are passed
    through as given.
    """

    def __init__(
        self,
        bucket: str,
        project: str | None = None,
        timeout: Any = FROM_CONFIG,
        retry: Any = FROM_CONFIG,
        **call_options: Any,
    ) -> None:
        self.bucket = bucket
        self.project = project
        self.timeout = timeout
        self.retry = retry
        self.call_options = call_options
        self._bucket: Any = None
        self._options: Dict[str, Any] | None = None

    @property
    def options(self) -> Dict[str, Any]:
        """The keyword arguments of every blob call: bounded timeout and retry."""
        if self._options is None:
            settings = backend_settings("gcs", GCS_DEFAULTS)
            options = dict(self.call_options)
            options["timeout"] = (
                (settings["connect_timeout"], settings["read_timeout"])
                if self.timeout is FROM_CONFIG
                else self.timeout
            )
            retry = self.retry
            if retry is FROM_CONFIG:
                retry = bounded_retry(settings["retry_timeout"])
            options["retry"] = retry
            self._options = options
        return self._options

    @property
    def endpoint(self) -> str:
        """The API endpoint the client talks to (no request made, no client built)."""
        if self._bucket is None:  # e.g. building the client failed: say where it would go
            return os.environ.get("STORAGE_EMULATOR_HOST") or "https://storage.googleapis.com"
        client = self._bucket.client
        found = getattr(client, "api_endpoint", None)
        if not found:
            found = getattr(getattr(client, "_connection", None), "API_BASE_URL", "?")
        return str(found)

    @property
    def gcs_bucket(self) -> Any:
        """The `google.cloud.storage.Bucket` handle (no request is made to build it)."""
        if self._bucket is None:
            self._bucket = make_gcs_client(self.project).bucket(self.bucket)
        return self._bucket

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["_bucket"] = None
        state["_options"] = None
        return state

    def _where(self, key: str) -> str:
        return f"GCS bucket {self.bucket!r}, blob {key!r} at {self.endpoint}"

    def _bound(self) -> str:
        timeout = self.options["timeout"]
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        retry = self.options["retry"]
        budget = getattr(retry, "timeout", None) or getattr(retry, "deadline", None)
        tries = "after 1 attempt" if retry is None else f"after retrying for up to {budget}s"
        return bound_text("gcs", tries, connect, read, "GCSResult(timeout=..., retry=...)")

    def _missing_bucket(self, action: str, key: str, exc: BaseException) -> StorageError:
        return StorageError(
            f"Cannot {action} {self._where(key)}: the bucket {self.bucket!r} does not exist "
            f"({exc}). Create it, or fix the bucket name."
        )

    @contextmanager
    def _translated(self, action: str, key: str) -> Iterator[None]:
        """Turn Google API, auth and transport errors inside the block into StorageError."""
        errors = _errors()
        not_found: Type[BaseException] = _require("google.api_core.exceptions").NotFound
        auth_error: Type[BaseException] = _require("google.auth.exceptions").GoogleAuthError
        transport = (
            _require("requests").exceptions.RequestException,
            _require("google.api_core.exceptions").RetryError,
            ConnectionError,
            TimeoutError,
        )
        try:
            yield
        except not_found as exc:
            if action == "write" or not self._bucket_exists():
                raise self._missing_bucket(action, key, exc) from exc
            raise NotFound(f"No result stored in {self._where(key)} ({exc})") from exc
        except auth_error as exc:
            raise StorageError(
                f"Cannot {action} {self._where(key)}: {type(exc).__name__}: {exc}. Set the "
                "GCP_CREDENTIALS secret in context (service-account info), or configure "
                "application default credentials (GOOGLE_APPLICATION_CREDENTIALS)."
            ) from exc
        except transport as exc:
            reason = f"{type(exc).__name__}: {exc}; {self._bound()}"
            raise StorageError(f"Cannot {action} {self._where(key)}: {reason}") from exc
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

    def _bucket_exists(self) -> bool:
        """After a 404 on a blob: is it the bucket that is missing? (failure path only)"""
        try:
            return bool(self.gcs_bucket.exists(**self.options))
        except _errors():
            return True  # cannot tell: report the blob as missing

    def read_bytes(self, key: str) -> bytes:
        with self._translated("read", self._check(key)):
            return bytes(self.gcs_bucket.blob(key).download_as_bytes(**self.options))

    def write_bytes(self, key: str, data: bytes) -> str:
        with self._translated("write", self._check(key)):
            blob = self.gcs_bucket.blob(key)
            blob.upload_from_string(data, "application/octet-stream", **self.options)
        return key

    def exists(self, key: str) -> bool:
        with self._translated("check", self._check(key)):
            return bool(self.gcs_bucket.blob(key).exists(**self.options))

    def delete(self, key: str) -> None:
        with self._translated("delete", self._check(key)):
            self.gcs_bucket.blob(key).delete(**self.options)

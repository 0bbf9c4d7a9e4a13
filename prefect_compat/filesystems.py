"""Prefect 2.x file system blocks (`prefect.filesystems`): where persisted results go.

`LocalFileSystem(basepath=...)`, `S3(bucket_path=...)`, `GCS(bucket_path=...)` and
`RemoteFileSystem(basepath="s3://...")` read and write bytes by path. They are thin
adapters over the one storage seam, `prefect_compat._storage`: writes are atomic there
(local: temporary file and rename; object stores: one single-shot upload), and backend
errors arrive as `StorageError` naming bucket and key. Here we add what 2.x users see:

- a missing path raises `PathNotFound`, a ValueError (as 2.6.9's LocalFileSystem) that is
  also a FileNotFoundError: `"Path /base/key does not exist."`;
- a key that resolves outside the basepath (`../x`, an absolute path elsewhere) raises
  ValueError before anything is touched (2.6.9 only refuses absolute paths);
- a relative `basepath` resolves against the working directory at each read/write, `~`
  expands, and `basepath=None` means the working directory;
- S3 honours `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` and boto3's credential chain when
  the block carries no keys.

Blocks are saved by name into the local registry (`prefect_compat.blocks.core`).
boto3 and google-cloud-storage are imported on first use only.
"""

from __future__ import annotations

import json
import os
from typing import Any, ClassVar, Dict, FrozenSet, Tuple

from prefect_compat._lazy import require
from prefect_compat._storage.base import ForkSafeLock, NotFound, Storage
from prefect_compat._storage.gcs import GCSStorage, make_gcs_client
from prefect_compat._storage.local import LocalStorage, bare_name
from prefect_compat._storage.memory import MemoryStorage
from prefect_compat._storage.s3 import S3Storage
from prefect_compat.blocks.core import Block, SecretStr, as_secret

__all__ = [
    "GCS",
    "S3",
    "LocalFileSystem",
    "PathNotFound",
    "ReadableFileSystem",
    "RemoteFileSystem",
    "WritableFileSystem",
]


class PathNotFound(ValueError, FileNotFoundError):
    """Nothing is stored at the path (a ValueError like 2.6.9's; a FileNotFoundError too)."""


class ReadableFileSystem(Block):
    """A block that can read bytes by path."""

    def read_path(self, path: str) -> bytes:
        storage, key, where = self._locate(path)
        try:
            return storage.read_bytes(key)
        except NotFound as exc:
            raise PathNotFound(
                f"Path {where} does not exist. The result may have been deleted, or was "
                f"written to another storage than {self!r}."
            ) from exc

    def _locate(self, path: str) -> Tuple[Storage, str, str]:
        """(storage, key for it, text naming the location) for `path`; may raise ValueError."""
        raise NotImplementedError(f"{type(self).__name__} must implement read_path/write_path.")


class WritableFileSystem(ReadableFileSystem):
    """A block that can also write bytes by path (atomically, through `_storage`)."""

    def write_path(self, path: str, content: bytes) -> None:
        storage, key, _ = self._locate(path)
        storage.write_bytes(key, bytes(content))


# ------------------------------------------------------------------ local

_LOCAL: Dict[str, LocalStorage] = {}


def _local_storage(root: str) -> LocalStorage:
    storage = _LOCAL.get(root)
    if storage is None:
        storage = _LOCAL[root] = LocalStorage(root)
    return storage


class LocalFileSystem(WritableFileSystem):
    """Files under `basepath`, one per path; the directory is created on the first write."""

    _block_type_slug = "local-file-system"
    _block_type_name = "Local File System"
    _fields = ("basepath",)

    def __init__(self, basepath: Any | None = None) -> None:
        self.basepath = None if basepath is None else os.fspath(basepath)

    def _root(self) -> str:
        basepath = self.basepath
        known = self.__dict__.get("_absolute_root")
        if known is not None and known[0] == basepath:
            return known[1]  # type: ignore[no-any-return]
        base = "." if basepath is None else os.path.expanduser(basepath)
        root = os.path.abspath(base)  # a relative basepath follows the working directory
        if basepath is not None and os.path.isabs(basepath):  # the same root every call
            self.__dict__["_absolute_root"] = (basepath, root)
        return root

    def _locate(self, path: str) -> Tuple[Storage, str, str]:
        root = self._root()
        if type(path) is str and bare_name(path):
            full = os.path.join(root, path)  # a file name (a result key): inside the root
            return _local_storage(root), full, full
        full = os.path.normpath(os.path.join(root, os.fspath(path)))
        if full != root and not full.startswith(os.path.join(root, "")):
            raise ValueError(
                f"Provided path {full} is outside of the base path {root}. Use a path inside "
                "the basepath (no '..' segments, no absolute path elsewhere)."
            )
        return _local_storage(root), full, full


# ------------------------------------------------------------------ S3


def _s3_storage(bucket_path: str, client_kwargs: Dict[str, Any]) -> Tuple[S3Storage, str]:
    """(S3Storage for the bucket, key prefix) for `bucket/prefix`."""
    require("boto3", extra="aws", feature="The S3 block")
    bucket, _, prefix = bucket_path.split("://", 1)[-1].partition("/")
    if not bucket:
        raise ValueError(f"S3 bucket_path {bucket_path!r} has no bucket: use 'bucket/prefix'.")
    kwargs = {k: v for k, v in client_kwargs.items() if v is not None}
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint and "endpoint_url" not in kwargs:  # boto3 < 1.28 does not read these itself
        kwargs["endpoint_url"] = endpoint
    return S3Storage(bucket, kwargs), prefix.strip("/")


def _join(prefix: str, path: str) -> str:
    return f"{prefix}/{path}" if prefix else path


class S3(WritableFileSystem):
    """Objects `<prefix>/<path>` in the bucket of `bucket_path="bucket/prefix"`."""

    _block_type_slug = "s3"
    _block_type_name = "S3"
    _fields = ("bucket_path", "aws_access_key_id", "aws_secret_access_key")
    _secret_fields: ClassVar[FrozenSet[str]] = frozenset(
        {"aws_access_key_id", "aws_secret_access_key"}
    )

    def __init__(
        self,
        bucket_path: str,
        aws_access_key_id: Any | None = None,
        aws_secret_access_key: Any | None = None,
    ) -> None:
        self.bucket_path = str(bucket_path)
        self.aws_access_key_id = as_secret(aws_access_key_id)
        self.aws_secret_access_key = as_secret(aws_secret_access_key)

    @property
    def basepath(self) -> str:
        return f"s3://{self.bucket_path}"

    def _locate(self, path: str) -> Tuple[Storage, str, str]:
        kwargs = {k: v.get_secret_value() for k, v in self._secret_values().items()}
        storage, prefix = _s3_storage(self.bucket_path, kwargs)
        key = _join(prefix, path)
        return storage, key, f"s3://{storage.bucket}/{key}"

    def _secret_values(self) -> Dict[str, SecretStr]:
        values = {"aws_access_key_id": self.aws_access_key_id}
        values["aws_secret_access_key"] = self.aws_secret_access_key
        return {k: v for k, v in values.items() if v is not None}


# ------------------------------------------------------------------ GCS

_GCS_CLIENTS: Dict[Tuple[str | None, str], Any] = {}
_GCS_LOCK = ForkSafeLock()


def _service_account_client(project: str | None, info_text: str) -> Any:
    with _GCS_LOCK:
        client = _GCS_CLIENTS.get((project, info_text))
        if client is None:
            storage = require("google.cloud.storage", extra="gcp", feature="The GCS block")
            accounts = require(
                "google.oauth2.service_account", extra="gcp", feature="The GCS block"
            )
            info = json.loads(info_text)
            credentials = accounts.Credentials.from_service_account_info(info)
            client = storage.Client(
                project=project or info.get("project_id"), credentials=credentials
            )
            _GCS_CLIENTS[(project, info_text)] = client
    return client


class _BlockGCSStorage(GCSStorage):
    """GCSStorage with the block's service account (the emulator, if set, still wins)."""

    def __init__(self, bucket: str, project: str | None, info: str | None) -> None:
        super().__init__(bucket, project)
        self.info = info

    @property
    def gcs_bucket(self) -> Any:
        if self._bucket is None:
            if self.info and not os.environ.get("STORAGE_EMULATOR_HOST"):
                client = _service_account_client(self.project, self.info)
            else:
                client = make_gcs_client(self.project)
            self._bucket = client.bucket(self.bucket)
        return self._bucket


def _check_service_account(info: SecretStr | None) -> None:
    if info is None:
        return
    try:
        parsed = json.loads(info.get_secret_value())
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ValueError(
            "GCS(service_account_info=...) must be the service account's JSON key: its text "
            "or a dict. Leave it out to use application default credentials."
        )


class GCS(WritableFileSystem):
    """Blobs `<prefix>/<path>` in the bucket of `bucket_path="bucket/prefix"`."""

    _block_type_slug = "gcs"
    _block_type_name = "GCS"
    _fields = ("bucket_path", "service_account_info", "project")
    _secret_fields: ClassVar[FrozenSet[str]] = frozenset({"service_account_info"})

    def __init__(
        self,
        bucket_path: str,
        service_account_info: Any | None = None,
        project: str | None = None,
    ) -> None:
        if isinstance(service_account_info, dict):
            service_account_info = json.dumps(service_account_info)
        self.bucket_path = str(bucket_path)
        self.service_account_info = as_secret(service_account_info)
        _check_service_account(self.service_account_info)
        self.project = project

    @property
    def basepath(self) -> str:
        return f"gcs://{self.bucket_path}"

    def _locate(self, path: str) -> Tuple[Storage, str, str]:
        bucket, _, prefix = self.bucket_path.split("://", 1)[-1].partition("/")
        info = self.service_account_info
        storage = _BlockGCSStorage(bucket, self.project, info.get_secret_value() if info else None)
        key = _join(prefix.strip("/"), path)
        return storage, key, f"gcs://{bucket}/{key}"


# ------------------------------------------------------------------ RemoteFileSystem

_MEMORY = MemoryStorage()
_SCHEMES = ("s3", "gs", "gcs", "file", "memory")


class RemoteFileSystem(WritableFileSystem):
    """`basepath="<scheme>://..."` for the schemes prefect-compat stores through `_storage`.

    `s3://` takes fsspec-style `settings` (`key`, `secret`, `token`,
    `client_kwargs={"endpoint_url": ...}`); `gs://`/`gcs://` take `project` and `token`
    (service account JSON); `file://` is a local directory; `memory://` lives in this process.
    """

    _block_type_slug = "remote-file-system"
    _block_type_name = "Remote File System"
    _fields = ("basepath", "settings")

    def __init__(self, basepath: str, settings: Dict[str, Any] | None = None) -> None:
        scheme, sep, _ = str(basepath).partition("://")
        if not sep or not scheme:
            raise ValueError(f"Base path must start with a scheme. Got {basepath!r}.")
        if scheme not in _SCHEMES:
            supported = ", ".join(s + "://" for s in _SCHEMES)
            raise ValueError(
                f"RemoteFileSystem in prefect-compat supports {supported} paths; got "
                f"{basepath!r}. Use S3(...), GCS(...) or LocalFileSystem(...) instead."
            )
        self.basepath = str(basepath)
        self.settings = dict(settings or {})

    def _locate(self, path: str) -> Tuple[Storage, str, str]:
        scheme, _, rest = self.basepath.partition("://")
        where = f"{self.basepath.rstrip('/')}/{path}"
        if scheme == "file":
            storage, key, _ = LocalFileSystem(basepath=rest)._locate(path)
            return storage, key, where
        if scheme == "memory":
            return _MEMORY, _join(rest.strip("/"), path), where
        if scheme == "s3":
            client = dict(self.settings.get("client_kwargs") or {})
            client.setdefault("aws_access_key_id", self.settings.get("key"))
            client.setdefault("aws_secret_access_key", self.settings.get("secret"))
            client.setdefault("aws_session_token", self.settings.get("token"))
            storage, prefix = _s3_storage(rest, client)
            return storage, _join(prefix, path), where
        token = self.settings.get("token")
        info = json.dumps(token) if isinstance(token, dict) else token
        bucket, _, prefix = rest.partition("/")
        storage = _BlockGCSStorage(bucket, self.settings.get("project"), info)
        return storage, _join(prefix.strip("/"), path), where

"""S3Storage: results as objects in one S3 bucket, keyed by their location.

boto3 is imported on first use (`_lazy.require`), never at module import. The
client is built lazily and cached twice: on the instance, and per process under
its resolved settings, so a Result unpickled once per task on a Dask worker reuses
one client instead of paying ~100 ms for a new session each time. The instance
cache is dropped on pickling; clients never travel between processes.

A write is one `put_object` (S3 makes a single PUT visible all at once, never
partially); `exists` is a HEAD request and never downloads the object. botocore
errors are translated here, at the boundary, into `StorageError` / `NotFound`
chained with `from`, with messages naming bucket, key, endpoint and S3's reason.

Every client is bounded: a botocore `Config` built from `[results.s3]`
(`connect_timeout`, `read_timeout`, `max_attempts`) is merged under the `config`
a user passes in `boto3_kwargs`, so the options they set win and the rest stay
bounded. A hung endpoint therefore fails a call after at most
`max_attempts * (connect_timeout + read_timeout)` seconds plus a short backoff.
"""

from __future__ import annotations

import os
from contextlib import closing, contextmanager
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

__all__ = ["S3_DEFAULTS", "S3Storage", "bounded_config", "make_s3_client"]

# Fallbacks for a config without [results.s3]; the shipped config.toml documents them.
S3_DEFAULTS = {"connect_timeout": 5.0, "read_timeout": 10.0, "max_attempts": 2}

_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
_CREDENTIAL_NAMES = (
    ("aws_access_key_id", "ACCESS_KEY"),
    ("aws_secret_access_key", "SECRET_ACCESS_KEY"),
    ("aws_session_token", "SESSION_TOKEN"),
)
_CLIENTS: Dict[Tuple[Any, ...], Any] = {}
_CLIENTS_LOCK = ForkSafeLock()
_MAX_CLIENTS = 16


def _boto3() -> ModuleType:
    return require("boto3", extra="aws", feature="S3Result")


def _botocore_exceptions() -> ModuleType:
    return require("botocore.exceptions", extra="aws", feature="S3Result")


def _client_kwargs(boto3_kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """boto3 client kwargs with credentials resolved.

    Order: explicit `aws_*` keys (or a Prefect-style `credentials` dict) in
    `boto3_kwargs`, else `context.secrets["AWS_CREDENTIALS"]`, else nothing, which
    leaves boto3's default chain (env, config files, instance role) in charge.
    """
    kwargs = dict(boto3_kwargs)
    credentials = kwargs.pop("credentials", None)
    if credentials is None and "aws_access_key_id" not in kwargs:
        from prefect_compat import context

        credentials = (context.get("secrets") or {}).get("AWS_CREDENTIALS")
    if credentials:
        for kwarg, secret_key in _CREDENTIAL_NAMES:
            if credentials.get(secret_key) is not None:
                kwargs.setdefault(kwarg, credentials[secret_key])
    return kwargs


def bounded_config(user_config: Any = None) -> Any:
    """The botocore Config from `[results.s3]`, with `user_config`'s own options on top."""
    botocore_config = require("botocore.config", extra="aws", feature="S3Result")
    settings = backend_settings("s3", S3_DEFAULTS)
    bounded = botocore_config.Config(
        connect_timeout=settings["connect_timeout"],
        read_timeout=settings["read_timeout"],
        retries={"total_max_attempts": max(1, int(settings["max_attempts"])), "mode": "standard"},
    )
    return bounded if user_config is None else bounded.merge(user_config)


def make_s3_client(boto3_kwargs: Dict[str, Any]) -> Any:
    """An S3 client for `boto3_kwargs` (endpoint_url, region_name, config, ...), bounded."""
    boto3 = _boto3()
    kwargs = _client_kwargs(boto3_kwargs)
    kwargs["config"] = bounded_config(kwargs.get("config"))
    # Keyed on everything boto3 reads: the kwargs and the AWS_* environment.
    env = sorted(item for item in os.environ.items() if item[0].startswith("AWS_"))
    key = (os.getpid(), *sorted((name, _frozen(value)) for name, value in kwargs.items()), *env)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            if len(_CLIENTS) >= _MAX_CLIENTS:  # bounded: drop the oldest
                del _CLIENTS[next(iter(_CLIENTS))]
            # A Session per client: boto3's shared default session is not thread-safe.
            client = _CLIENTS[key] = boto3.session.Session().client("s3", **kwargs)
    return client


def _frozen(value: Any) -> str:
    """A stable text for a kwarg; objects such as botocore's Config by their fields."""
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return f"{type(value).__qualname__}{sorted(vars(value).items())!r}"
    return repr(value)


class S3Storage:
    """Objects in `bucket`; the location recorded for a key is the key itself."""

    _bucket_seen = False  # the bucket is known to exist (see `_check_bucket`)

    def __init__(
        self,
        bucket: str,
        boto3_kwargs: Dict[str, Any] | None = None,
        upload_options: Dict[str, Any] | None = None,
    ) -> None:
        self.bucket = bucket
        self.boto3_kwargs = dict(boto3_kwargs or {})
        self.upload_options = dict(upload_options or {})
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = make_s3_client(self.boto3_kwargs)
        return self._client

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["_client"] = None
        return state

    @property
    def endpoint(self) -> str:
        """The endpoint URL the client talks to (no request made, no client built)."""
        if self._client is None:
            return str(self.boto3_kwargs.get("endpoint_url") or "the AWS default endpoint")
        return str(self._client.meta.endpoint_url)

    def _where(self, key: str) -> str:
        return f"S3 bucket {self.bucket!r}, key {key!r} at {self.endpoint}"

    def _bound(self) -> str:
        config = self.client.meta.config  # the client exists: a call timed out
        retries = config.retries or {}
        attempts = retries.get("total_max_attempts") or retries.get("max_attempts", 4) + 1
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        override = "boto3_kwargs={'config': Config(...)}"
        return bound_text("s3", tries, config.connect_timeout, config.read_timeout, override)

    def _check(self, key: str) -> str:
        if not key or ".." in key.split("/"):
            raise StorageError(
                f"Location {key!r} escapes its prefix in S3 bucket {self.bucket!r}: use a "
                "non-empty key with no '..' segments."
            )
        return key

    @contextmanager
    def _translated(self, action: str, key: str) -> Iterator[None]:
        """Turn botocore errors raised inside the block into StorageError / NotFound."""
        errors = _botocore_exceptions()
        try:
            yield
        except errors.ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "Unknown"))
            reason = f"{code}: {error.get('Message') or exc}"
            if code == "NoSuchBucket":
                raise StorageError(
                    f"Cannot {action} {self._where(key)}: the bucket {self.bucket!r} does not "
                    f"exist ({reason}). Create it, or fix the bucket name."
                ) from exc
            if code in _MISSING_CODES:
                raise NotFound(f"No result stored in {self._where(key)} ({reason})") from exc
            raise StorageError(f"Cannot {action} {self._where(key)}: {reason}") from exc
        except errors.NoCredentialsError as exc:
            raise StorageError(
                f"Cannot {action} {self._where(key)}: {exc}. Pass aws_access_key_id/"
                "aws_secret_access_key in boto3_kwargs, set the AWS_CREDENTIALS secret in "
                "context, or configure boto3 (environment, profile or instance role)."
            ) from exc
        except (errors.ConnectionError, errors.HTTPClientError) as exc:
            raise StorageError(
                f"Cannot {action} {self._where(key)}: {type(exc).__name__}: {exc}; {self._bound()}"
            ) from exc
        except errors.BotoCoreError as exc:
            raise StorageError(f"Cannot {action} {self._where(key)}: {exc}") from exc

    def read_bytes(self, key: str) -> bytes:
        with self._translated("read", self._check(key)):
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            with closing(body):
                return bytes(body.read())  # a broken stream is translated too

    def write_bytes(self, key: str, data: bytes) -> str:
        with self._translated("write", self._check(key)):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, **self.upload_options)
        return key

    def exists(self, key: str) -> bool:
        """Whether `key` is stored (a HEAD request). A HEAD answer has no body, so its 404
        cannot tell a missing key from a missing bucket: only then is the bucket looked
        up too, and a missing bucket is an error, as in Prefect, not False."""
        try:
            with self._translated("check", self._check(key)):
                self.client.head_object(Bucket=self.bucket, Key=key)
        except NotFound:
            self._check_bucket(key)
            return False
        self._bucket_seen = True
        return True

    def _check_bucket(self, key: str) -> None:
        """StorageError naming the bucket if S3 says it does not exist. Asked once per
        storage: copies of a Result share it, so the misses of a whole mapped run cost
        one extra request in all. Any other answer (a policy that allows reading keys
        but denies HeadBucket, say) leaves the miss a plain False, as before."""
        if self._bucket_seen:
            return
        try:
            with self._translated("check", key):
                self.client.head_bucket(Bucket=self.bucket)
        except NotFound as exc:
            raise StorageError(
                f"Cannot check {self._where(key)}: the bucket {self.bucket!r} does not "
                "exist (NoSuchBucket). Create it, or fix the bucket name."
            ) from exc
        except StorageError:
            pass
        self._bucket_seen = True

    def delete(self, key: str) -> None:
        """Delete `key`; NotFound if absent (S3's DELETE itself succeeds on missing keys)."""
        with self._translated("delete", self._check(key)):
            self.client.head_object(Bucket=self.bucket, Key=key)
            self.client.delete_object(Bucket=self.bucket, Key=key)

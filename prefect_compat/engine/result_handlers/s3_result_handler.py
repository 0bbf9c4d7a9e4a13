"""`S3ResultHandler`: base64-encoded cloudpickles in an S3 bucket (becomes `S3Result`).

Reads and writes go through `S3Storage`, the Storage behind `S3Result`, so clients,
credentials and error messages are the same; boto3 is imported on first use.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any, Dict

from prefect_compat._compat.handlers import dated_key, pickle_bytes, read_pickle, secret_value
from prefect_compat.engine.result_handlers.result_handler import ResultHandler

if TYPE_CHECKING:
    from prefect_compat._storage.s3 import S3Storage

__all__ = ["S3ResultHandler"]

_KEY_ARGS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


class S3ResultHandler(ResultHandler):
    """Objects keyed `YYYY/M/D/<uuid>.prefect_result` in `bucket`.

    Credentials: the secret named by `aws_credentials_secret` in `context.secrets`
    (`ACCESS_KEY`, `SECRET_ACCESS_KEY`; it wins over keys in `boto3_kwargs`), else
    as for `S3Result`: `boto3_kwargs`, the `AWS_CREDENTIALS` secret, boto3's chain.
    """

    def __init__(
        self,
        bucket: str,
        aws_credentials_secret: str | None = None,
        boto3_kwargs: Dict[str, Any] | None = None,
    ) -> None:
        self.bucket = bucket
        self.aws_credentials_secret = aws_credentials_secret
        self.boto3_kwargs = boto3_kwargs or {}

    def _storage(self) -> S3Storage:
        from prefect_compat._storage.s3 import S3Storage  # the backend loads when used

        kwargs = dict(self.boto3_kwargs)
        if self.aws_credentials_secret:
            for name in _KEY_ARGS:
                kwargs.pop(name, None)
            kwargs["credentials"] = secret_value(
                self.aws_credentials_secret, "S3ResultHandler", "aws_credentials_secret"
            )
        store: S3Storage | None = self.__dict__.get("_store")
        if store is None or store.bucket != self.bucket or store.boto3_kwargs != kwargs:
            store = self._store = S3Storage(self.bucket, kwargs)
        return store

    @property
    def client(self) -> Any:
        """The boto3 S3 client (built on first use; never pickled)."""
        return self._storage().client

    def initialize_client(self) -> None:
        """Build the boto3 S3 client now instead of on first use (0.13's name)."""
        _ = self.client

    def write(self, result: Any) -> str:
        """Upload `result`; return its key."""
        key = dated_key()
        return self._storage().write_bytes(key, base64.b64encode(pickle_bytes(result)))

    def read(self, uri: str) -> Any:
        """Download and load the object at key `uri`."""
        return read_pickle(self._storage(), uri, f"S3ResultHandler(bucket={self.bucket!r})")

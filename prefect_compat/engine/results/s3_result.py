"""`S3Result`: results as objects in an S3 bucket (one PUT per write, HEAD for exists).

Storage, credentials and error translation live in `_storage/s3.py`; the
format -> serialize -> store sequence lives in `_storage/result_io.py`. This class
only holds the settings (public, so they take part in equality) and builds the
Storage, which copies of this Result share until a setting changes.
"""

from __future__ import annotations

from typing import Any, Dict

from prefect_compat._storage import result_io
from prefect_compat._storage.s3 import S3Storage
from prefect_compat.engine.result.base import Result

__all__ = ["S3Result"]


class S3Result(Result):
    """A Result stored at key `location` in `bucket`.

    `boto3_kwargs` go to the boto3 client (`endpoint_url`, `region_name`, `config`,
    `aws_access_key_id`, ...); without credentials there, `context.secrets
    ["AWS_CREDENTIALS"]` is used, else boto3's default chain. `upload_options` are
    extra `put_object` arguments (`ContentType`, `ServerSideEncryption`, ...).
    """

    def __init__(
        self,
        bucket: str,
        boto3_kwargs: Dict[str, Any] | None = None,
        upload_options: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.bucket = bucket
        self.boto3_kwargs = boto3_kwargs or {}
        self.upload_options = upload_options or {}
        super().__init__(**kwargs)

    def _storage(self) -> S3Storage:
        store: S3Storage | None = self.__dict__.get("_store")
        if (
            store is None
            or store.bucket != self.bucket
            or store.boto3_kwargs != self.boto3_kwargs
            or store.upload_options != self.upload_options
        ):
            store = self._store = S3Storage(self.bucket, self.boto3_kwargs, self.upload_options)
        return store

    @property
    def client(self) -> Any:
        """The boto3 S3 client (built on first use; never pickled)."""
        return self._storage().client

    def write(self, value_: Any, **kwargs: Any) -> S3Result:
        """Upload `value_` to the formatted location; the copy records that key."""
        return result_io.write_result(self, value_, kwargs)

    def read(self, location: str) -> S3Result:
        """Download and deserialize the object at key `location`."""
        return result_io.read_result(self, location)

    def exists(self, location: str, **kwargs: Any) -> bool:
        """Whether key `location.format(**kwargs)` exists (a HEAD request)."""
        return result_io.exists_result(self, location, **kwargs)

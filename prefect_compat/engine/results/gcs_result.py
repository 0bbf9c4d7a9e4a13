"""`GCSResult`: results as blobs in a Google Cloud Storage bucket.

Storage, credentials and error translation live in `_storage/gcs.py`; the
format -> serialize -> store sequence lives in `_storage/result_io.py`. This class
only holds the settings (public, so they take part in equality) and builds the
Storage, which copies of this Result share until a setting changes.

`project`, `timeout` and `retry` are ours (Prefect's GCSResult takes only `bucket`):
every blob call is bounded by `timeout` (seconds, or a `(connect, read)` pair) and
`retry` (a `google.api_core.retry.Retry`, or None for a single attempt), which
default to the `[results.gcs]` config section.
"""

from __future__ import annotations

from typing import Any

from prefect_compat._storage import result_io
from prefect_compat._storage.gcs import FROM_CONFIG, GCSStorage
from prefect_compat.engine.result.base import Result

__all__ = ["GCSResult"]


class GCSResult(Result):
    """A Result stored as blob `location` in `bucket`.

    Credentials: the emulator when `STORAGE_EMULATOR_HOST` is set, else
    `context.secrets["GCP_CREDENTIALS"]` (service-account info), else Google's
    application default credentials.
    """

    def __init__(
        self,
        bucket: str | None = None,
        project: str | None = None,
        timeout: Any = FROM_CONFIG,
        retry: Any = FROM_CONFIG,
        **kwargs: Any,
    ) -> None:
        self.bucket = bucket
        self.project = project
        self.timeout = timeout
        self.retry = retry
        super().__init__(**kwargs)

    def _storage(self) -> GCSStorage:
        store: GCSStorage | None = self.__dict__.get("_store")
        if (
            store is None
            or store.bucket != self.bucket
            or store.project != self.project
            or store.timeout is not self.timeout
            or store.retry is not self.retry
        ):
            if not self.bucket:
                raise ValueError(
                    "GCSResult has no bucket to read from or write to: pass one, e.g. "
                    "GCSResult(bucket='my-results')."
                )
            store = self._store = GCSStorage(
                self.bucket, project=self.project, timeout=self.timeout, retry=self.retry
            )
        return store

    @property
    def gcs_bucket(self) -> Any:
        """The `google.cloud.storage.Bucket` handle (built on first use; never pickled)."""
        return self._storage().gcs_bucket

    def write(self, value_: Any, **kwargs: Any) -> GCSResult:
        """Upload `value_` to the formatted location; the copy records that blob name."""
        return result_io.write_result(self, value_, kwargs)

    def read(self, location: str) -> GCSResult:
        """Download and deserialize blob `location`."""
        return result_io.read_result(self, location)

    def exists(self, location: str, **kwargs: Any) -> bool:
        """Whether blob `location.format(**kwargs)` exists (metadata only, no download)."""
        return result_io.exists_result(self, location, **kwargs)

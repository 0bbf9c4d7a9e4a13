"""`GCSResult`: results as blobs in a Google Cloud Storage bucket.

Storage, credentials and error translation live in `_storage/gcs.py`; the
format -> serialize -> store sequence lives in `_storage/result_io.py`. This class
only holds the bucket (public, so it takes part in equality) and builds the
Storage, which copies of this Result share until the bucket changes.
"""

from __future__ import annotations

from typing import Any

from prefect_compat._storage import result_io
from prefect_compat._storage.gcs import GCSStorage
from prefect_compat.engine.result.base import Result

__all__ = ["GCSResult"]


class GCSResult(Result):
    """A Result stored as blob `location` in `bucket`.

    Credentials: the emulator when `STORAGE_EMULATOR_HOST` is set, else
    `context.secrets["GCP_CREDENTIALS"]` (service-account info), else Google's
    application default credentials.
    """

    def __init__(self, bucket: str | None = None, **kwargs: Any) -> None:
        self.bucket = bucket
        super().__init__(**kwargs)

    def _storage(self) -> GCSStorage:
        store: GCSStorage | None = self.__dict__.get("_store")
        if store is None or store.bucket != self.bucket:
            if not self.bucket:
                raise ValueError(
                    "GCSResult has no bucket to read from or write to: pass one, e.g. "
                    "GCSResult(bucket='my-results')."
                )
            store = self._store = GCSStorage(self.bucket)
        return store

    @property
    def gcs_bucket(self) -> Any:
        """The `google.cloud.storage.Bucket` handle (built on first use; never pickled)."""
        return self._storage().gcs_bucket

    def write(self, value_: Any, **kwargs: Any) -> GCSResult:
        """Upload `value_` to the formatted location; the copy records that blob name."""
        return result_io.write_result(self, value_, **kwargs)

    def read(self, location: str) -> GCSResult:
        """Download and deserialize blob `location`."""
        return result_io.read_result(self, location)

    def exists(self, location: str, **kwargs: Any) -> bool:
        """Whether blob `location.format(**kwargs)` exists (metadata only, no download)."""
        return result_io.exists_result(self, location, **kwargs)

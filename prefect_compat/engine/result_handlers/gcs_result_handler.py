"""`GCSResultHandler`: base64-encoded cloudpickles in a GCS bucket (becomes `GCSResult`).

Reads and writes go through `GCSStorage`, the Storage behind `GCSResult`, so the
emulator, credentials and error messages are the same; google-cloud-storage is
imported on first use.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from prefect_compat import _context
from prefect_compat._compat.handlers import dated_key, pickle_bytes, read_pickle, secret_value
from prefect_compat.engine.result_handlers.result_handler import ResultHandler

if TYPE_CHECKING:
    from prefect_compat._storage.gcs import GCSStorage

__all__ = ["GCSResultHandler"]


class GCSResultHandler(ResultHandler):
    """Blobs named `YYYY/M/D/<uuid>.prefect_result` in `bucket`.

    Credentials: service-account info in the secret named by `credentials_secret`,
    else as for `GCSResult` (emulator, `GCP_CREDENTIALS` secret, default credentials).
    """

    def __init__(self, bucket: str | None = None, credentials_secret: str | None = None) -> None:
        self.bucket = bucket
        self.credentials_secret = credentials_secret

    def _storage(self) -> GCSStorage:
        from prefect_compat._storage.gcs import GCSStorage  # the backend loads when used

        store: GCSStorage | None = self.__dict__.get("_store")
        if store is None or store.bucket != self.bucket:
            if not self.bucket:
                raise ValueError(
                    "GCSResultHandler has no bucket to read from or write to: pass one, e.g. "
                    "GCSResultHandler(bucket='my-results')."
                )
            store = self._store = GCSStorage(self.bucket)
        if self.credentials_secret:
            # GCSStorage builds its client from the GCP_CREDENTIALS secret: show it ours.
            info = secret_value(self.credentials_secret, "GCSResultHandler", "credentials_secret")
            secrets = {**(_context.get("secrets") or {}), "GCP_CREDENTIALS": info}
            token = _context.push({"secrets": secrets})
            try:
                store.gcs_bucket  # noqa: B018 - built now, under these credentials
            finally:
                _context.pop(token)
        return store

    @property
    def gcs_bucket(self) -> Any:
        """The `google.cloud.storage.Bucket` handle (built on first use; never pickled)."""
        return self._storage().gcs_bucket

    def initialize_client(self) -> None:
        """Build the storage client and bucket handle now instead of on first use (0.13's name)."""
        _ = self.gcs_bucket

    def write(self, result: Any) -> str:
        """Upload `result`; return the blob name."""
        key = dated_key()
        return self._storage().write_bytes(key, base64.b64encode(pickle_bytes(result)))

    def read(self, uri: str) -> Any:
        """Download and load blob `uri`."""
        return read_pickle(self._storage(), uri, f"GCSResultHandler(bucket={self.bucket!r})")

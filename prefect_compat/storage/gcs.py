"""`GCS` storage: flows in a Google Cloud Storage bucket (stored, inert: no google import)."""

from __future__ import annotations

from typing import Any

from prefect_compat.storage.base import Storage, timestamped_key

__all__ = ["GCS"]


class GCS(Storage):
    """Bucket, key and project for a flow kept in GCS; build/get_flow need a backend."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        bucket: str,
        key: str | None = None,
        project: str | None = None,
        stored_as_script: bool = False,
        local_script_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        from prefect_compat.engine.results import GCSResult

        self.bucket = bucket
        self.key = key
        self.project = project
        self.local_script_path = local_script_path
        super().__init__(
            result=GCSResult(bucket=bucket), stored_as_script=stored_as_script, **kwargs
        )

    def add_flow(self, flow: Any) -> str:
        return self._record(flow, self.key or timestamped_key(flow))

"""`S3` storage: flows in an AWS S3 bucket (stored, inert: no boto3 is imported)."""

from __future__ import annotations

from typing import Any

from prefect_compat.storage.base import Storage, timestamped_key

__all__ = ["S3"]


class S3(Storage):
    """Bucket, key and client options for a flow kept in S3; build/get_flow need a backend."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        bucket: str,
        key: str | None = None,
        stored_as_script: bool = False,
        local_script_path: str | None = None,
        client_options: dict | None = None,
        upload_options: dict | None = None,
        **kwargs: Any,
    ) -> None:
        from prefect_compat.engine.results import S3Result

        self.bucket = bucket
        self.key = key
        self.upload_options = upload_options
        self.local_script_path = local_script_path
        self.client_options = client_options
        super().__init__(
            result=S3Result(bucket=bucket), stored_as_script=stored_as_script, **kwargs
        )

    def add_flow(self, flow: Any) -> str:
        return self._record(flow, self.key or timestamped_key(flow))

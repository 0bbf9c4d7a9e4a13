"""0.13's `S3` storage (0.13 has no `upload_options`)."""

from __future__ import annotations

from typing import Any

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import s3 as _s3

__all__ = ["S3"]


class S3(Legacy013, _s3.S3):
    """0.13 path of `prefect.storage.S3`."""

    default_label = "s3-flow-storage"

    def __init__(  # noqa: PLR0913 - Prefect 0.13's public signature
        self,
        bucket: str,
        key: str | None = None,
        stored_as_script: bool = False,
        local_script_path: str | None = None,
        client_options: dict | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            bucket,
            key=key,
            stored_as_script=stored_as_script,
            local_script_path=local_script_path,
            client_options=client_options,
            **kwargs,
        )

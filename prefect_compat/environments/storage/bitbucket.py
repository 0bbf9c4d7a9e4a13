"""0.13's `Bitbucket` storage."""

from __future__ import annotations

from typing import Any

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import bitbucket as _bitbucket

__all__ = ["Bitbucket"]


class Bitbucket(Legacy013, _bitbucket.Bitbucket):
    """0.13 path of `prefect.storage.Bitbucket`."""

    def __init__(  # noqa: PLR0913 - Prefect 0.13's public signature
        self,
        project: str,
        repo: str,
        host: str | None = None,
        path: str | None = None,
        ref: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(project, repo, host=host, path=path, ref=ref, **kwargs)

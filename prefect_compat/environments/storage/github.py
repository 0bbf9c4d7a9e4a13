"""0.13's `GitHub` storage: `path` optional, `ref` defaults to "master"."""

from __future__ import annotations

from typing import Any

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import github as _github

__all__ = ["GitHub"]


class GitHub(Legacy013, _github.GitHub):
    """0.13 path of `prefect.storage.GitHub`."""

    default_label = "github-flow-storage"

    def __init__(
        self, repo: str, path: str | None = None, ref: str = "master", **kwargs: Any
    ) -> None:
        super().__init__(repo, path, ref=ref, **kwargs)  # type: ignore[arg-type]

"""0.13's `GitLab` storage."""

from __future__ import annotations

from typing import Any

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import gitlab as _gitlab

__all__ = ["GitLab"]


class GitLab(Legacy013, _gitlab.GitLab):
    """0.13 path of `prefect.storage.GitLab`."""

    default_label = "gitlab-flow-storage"

    def __init__(
        self,
        repo: str,
        host: str | None = None,
        path: str | None = None,
        ref: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(repo, host=host, path=path, ref=ref, **kwargs)

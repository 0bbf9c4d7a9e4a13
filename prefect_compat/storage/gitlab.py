"""`GitLab` storage: a flow file in a GitLab repository (stored; get_flow needs a backend)."""

from __future__ import annotations

from typing import Any

from prefect_compat.storage.base import _GitHosted

__all__ = ["GitLab"]


class GitLab(_GitHosted):
    """Repository, host, file path and ref of a flow script on GitLab."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        repo: str,
        host: str | None = None,
        path: str | None = None,
        ref: str | None = None,
        access_token_secret: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.repo = repo
        self.host = host
        self.path = path
        self.ref = ref
        self.access_token_secret = access_token_secret
        super().__init__(**kwargs)

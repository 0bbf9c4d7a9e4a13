"""`GitHub` storage: a flow file in a GitHub repository (stored; get_flow needs a backend)."""

from __future__ import annotations

from typing import Any

from prefect_compat.storage.base import _GitHosted

__all__ = ["GitHub"]


class GitHub(_GitHosted):
    """Repository, file path and ref of a flow script on GitHub."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        repo: str,
        path: str,
        ref: str | None = None,
        access_token_secret: str | None = None,
        base_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.repo = repo
        self.path = path
        self.ref = ref
        self.access_token_secret = access_token_secret
        self.base_url = base_url
        super().__init__(**kwargs)

"""`Bitbucket` storage: a flow file in a Bitbucket repository (stored; get_flow needs a backend)."""

from __future__ import annotations

from typing import Any

from prefect_compat.storage.base import _GitHosted

__all__ = ["Bitbucket"]


class Bitbucket(_GitHosted):
    """Project, repository, file path and ref of a flow script on Bitbucket."""

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        project: str,
        repo: str,
        workspace: str | None = None,
        host: str | None = None,
        path: str | None = None,
        ref: str | None = None,
        access_token_secret: str | None = None,
        cloud_username_secret: str | None = None,
        cloud_app_password_secret: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.project = project
        self.repo = repo
        self.workspace = workspace
        self.host = host
        self.path = path
        self.ref = ref
        self.access_token_secret = access_token_secret
        self.cloud_username_secret = cloud_username_secret
        self.cloud_app_password_secret = cloud_app_password_secret
        super().__init__(**kwargs)

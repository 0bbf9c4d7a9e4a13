"""`CodeCommit` storage: a flow file in AWS CodeCommit (stored; get_flow needs a backend)."""

from __future__ import annotations

from typing import Any

from prefect_compat.storage.base import _GitHosted

__all__ = ["CodeCommit"]


class CodeCommit(_GitHosted):
    """Repository, file path and commit of a flow script in CodeCommit (no boto3 import)."""

    def __init__(
        self,
        repo: str,
        path: str | None = None,
        commit: str | None = None,
        client_options: dict | None = None,
        **kwargs: Any,
    ) -> None:
        self.repo = repo
        self.path = path
        self.commit = commit
        self.client_options = client_options
        super().__init__(**kwargs)

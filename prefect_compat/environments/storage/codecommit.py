"""0.13's `CodeCommit` storage."""

from __future__ import annotations

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import codecommit as _codecommit

__all__ = ["CodeCommit"]


class CodeCommit(Legacy013, _codecommit.CodeCommit):
    """0.13 path of `prefect.storage.CodeCommit`."""

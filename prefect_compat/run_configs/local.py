"""`LocalRun`: run on the agent's machine; `flow.run()` here honours `env` and `working_dir`."""

from __future__ import annotations

import os
from collections.abc import Iterable

from prefect_compat.run_configs.base import RunConfig

__all__ = ["LocalRun"]


class LocalRun(RunConfig):
    """Environment variables and a working directory for a run in a local process.

    `working_dir` is stored as an absolute path (relative to the current directory when
    the LocalRun is built), as in Prefect.
    """

    def __init__(
        self,
        *,
        env: dict | None = None,
        working_dir: str | None = None,
        labels: Iterable[str] | None = None,
    ) -> None:
        super().__init__(env=env, labels=labels)
        self.working_dir = os.path.abspath(working_dir) if working_dir else None

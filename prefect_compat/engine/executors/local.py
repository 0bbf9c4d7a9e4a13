"""0.13 path `prefect.engine.executors.local` (re-export; the class warns when built)."""

from prefect_compat._compat.paths import LocalExecutor

__all__ = ["LocalExecutor"]

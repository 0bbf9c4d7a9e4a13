"""0.13 path `prefect.engine.executors.dask` (re-export; the classes warn when built)."""

from prefect_compat._compat.paths import DaskExecutor, LocalDaskExecutor

__all__ = ["DaskExecutor", "LocalDaskExecutor"]

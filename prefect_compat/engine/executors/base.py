"""0.13 path `prefect.engine.executors.base` (re-export of the 1.x Executor)."""

from prefect_compat.executors.base import Executor

__all__ = ["Executor"]

"""Executors at their 1.x import path (`prefect.executors`)."""

from prefect_compat.executors.base import Executor
from prefect_compat.executors.local import LocalExecutor

__all__ = ["Executor", "LocalExecutor"]

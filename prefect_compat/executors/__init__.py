"""Executors at their 1.x import path (`prefect.executors`).

The Dask executors load on first attribute access, so importing this package never
imports dask or distributed (as `concurrent.futures` does for its executors).
"""

from __future__ import annotations

from typing import Any

from prefect_compat._attrs import lazy_submodules
from prefect_compat.executors.base import Executor
from prefect_compat.executors.local import LocalExecutor

__all__ = ["DaskExecutor", "Executor", "LocalDaskExecutor", "LocalExecutor"]

_LAZY = frozenset({"DaskExecutor", "LocalDaskExecutor"})


def _dask_class(name: str) -> Any:
    if name in _LAZY:
        from prefect_compat.executors import dask

        return getattr(dask, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# `dask` is the module prefect_compat.executors.dask (it imports dask itself only when
# an executor is built)
__getattr__, __dir__ = lazy_submodules(__name__, ("base", "dask", "local"), _dask_class)

"""Executors at their 0.13 import path (`prefect.engine.executors`).

`Executor` is the 1.x class itself; the others warn on instantiation that they moved
to `prefect.executors` (see `_compat/paths.py`). No dask import happens here.
"""

from prefect_compat._attrs import lazy_submodules as _lazy_submodules
from prefect_compat._compat.paths import DaskExecutor, LocalDaskExecutor, LocalExecutor
from prefect_compat.executors.base import Executor

__all__ = ["DaskExecutor", "Executor", "LocalDaskExecutor", "LocalExecutor"]

__getattr__, __dir__ = _lazy_submodules(__name__, ("base", "dask", "local"))

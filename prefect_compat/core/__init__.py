"""`prefect.core`: Task, Flow, Parameter and Edge, and their modules (loaded on first access)."""

from __future__ import annotations

import importlib
from typing import Any

from prefect_compat._attrs import lazy_submodules

__all__ = ["Edge", "Flow", "Parameter", "Task", "edge", "flow", "parameter", "task"]

_HOMES = {
    "Edge": "prefect_compat.core.edge",
    "Flow": "prefect_compat.core.flow",
    "Parameter": "prefect_compat.core.parameter",
    "Task": "prefect_compat.core.task",
}


def _class(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__getattr__, __dir__ = lazy_submodules(__name__, ("edge", "flow", "parameter", "task"), _class)

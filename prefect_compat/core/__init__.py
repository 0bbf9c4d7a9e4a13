"""`prefect.core`: Task, Flow, Parameter and Edge (loaded on first access)."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Edge", "Flow", "Parameter", "Task"]

_HOMES = {
    "Edge": "prefect_compat.core.edge",
    "Flow": "prefect_compat.core.flow",
    "Parameter": "prefect_compat.core.parameter",
    "Task": "prefect_compat.core.task",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value

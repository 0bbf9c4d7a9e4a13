"""`prefect.serialization`: Prefect's schemas, without marshmallow.

`StateSchema` (states), `StateResultSchema` (results: type and location only) and
their single-class variants behave as Prefect's; the flow, task, edge, schedule,
storage and run-config schemas write the dicts `flow.serialize()` gives in Prefect.
Submodules load on first attribute access. `ValidationError` is raised for data a
schema cannot dump or load, with the offending field in its message.
"""

from __future__ import annotations

import importlib
from typing import Any

from prefect_compat.serialization._schema import ValidationError

__all__ = [
    "ValidationError",
    "edge",
    "environment",
    "flow",
    "result",
    "result_handlers",
    "run_config",
    "schedule",
    "schedule_compat",
    "state",
    "storage",
    "task",
]

_SUBMODULES = frozenset(__all__) - {"ValidationError"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)

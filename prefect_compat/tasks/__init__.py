"""`prefect.tasks`: the Task base class plus the `core` and `control_flow` task packages.

Subpackages load on first attribute access, so importing one task module does not
import the others.
"""

from __future__ import annotations

import importlib
from typing import Any

from prefect_compat.core.task import Task

__all__ = ["Task", "control_flow", "core", "secrets"]

_SUBMODULES = frozenset({"control_flow", "core", "secrets"})


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

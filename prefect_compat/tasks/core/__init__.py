"""`prefect.tasks.core`: constants, functions, collections, operators, resource managers.

Modules load on first attribute access (`prefect_compat.tasks.core.operators`).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["collections", "constants", "function", "operators", "resource_manager"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

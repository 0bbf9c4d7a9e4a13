"""`prefect.tasks.core`: constants, functions, collections, operators, resource managers.

Modules load on first attribute access (`prefect_compat.tasks.core.operators`).
"""

from __future__ import annotations

from prefect_compat._attrs import lazy_submodules

__all__ = ["collections", "constants", "function", "operators", "resource_manager"]

__getattr__, __dir__ = lazy_submodules(__name__, __all__)

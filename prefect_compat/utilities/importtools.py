"""`prefect.utilities.importtools`: import an object from its dotted path."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["import_object"]


def import_object(name: str) -> Any:
    """The module or attribute at dotted path `name` (`"pkg.mod.Class"` or `"pkg.mod"`).

    Prefect's own paths (`"prefect.executors.LocalExecutor"`, as config files name
    classes) resolve to prefect-compat's objects even when the alias is not installed.
    """
    if name == "prefect" or name.startswith("prefect."):
        name = "prefect_compat" + name[len("prefect") :]
    try:
        return importlib.import_module(name)
    except ImportError:
        module, _, attr = name.rpartition(".")
        if not module:
            raise
        return getattr(importlib.import_module(module), attr)

"""`prefect.tasks`: the Task base class and the task packages prefect-compat provides.

Provided: `core`, `control_flow`, `secrets`, and from Prefect's task library the pieces
that run locally: `shell`, `database` (SQLite), `files`, `notifications` and `prefect`
(flow-run tasks, which fail clearly without a backend). The rest of Prefect's task
library (aws, gcp, snowflake, ...) is out of scope: importing it raises
ModuleNotFoundError saying so.

Subpackages load on first attribute access, so importing one task module does not
import the others.
"""

from __future__ import annotations

import importlib
from typing import Any

from prefect_compat.core.task import Task

__all__ = ["Task", "control_flow", "core", "secrets"]

_SUBMODULES = frozenset(
    {"control_flow", "core", "database", "files", "notifications", "prefect", "secrets", "shell"}
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

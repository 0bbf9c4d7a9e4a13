"""`prefect.tasks`: the Task base class plus the `core` and `control_flow` task packages.

Subpackages load on first attribute access, so importing one task module does not
import the others.
"""

from __future__ import annotations

from prefect_compat._attrs import lazy_submodules
from prefect_compat.core.task import Task

__all__ = ["Task", "control_flow", "core", "secrets"]

# the task-library packages that run locally load the same way
_SUBMODULES = (
    "control_flow",
    "core",
    "secrets",
    "database",
    "files",
    "notifications",
    "prefect",
    "shell",
)

__getattr__, __dir__ = lazy_submodules(__name__, _SUBMODULES)

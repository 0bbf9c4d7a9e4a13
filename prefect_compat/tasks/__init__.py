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

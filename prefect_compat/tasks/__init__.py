"""`prefect.tasks`: the Task base class and the task packages prefect-compat provides.

Provided: `core`, `control_flow`, `secrets`, and from Prefect's task library the pieces
that run locally: `shell`, `database` (SQLite), `files`, `notifications` and `prefect`
(flow-run tasks, which fail clearly without a backend). The rest of Prefect's task
library (aws, gcp, snowflake, ...) is out of scope: importing it raises
ModuleNotFoundError saying so.

Subpackages load on first attribute access, so importing one task module does not
import the others. Prefect 2.x names live here too: `task` (the one decorator) and
`task_input_hash`, a ready-made `cache_key_fn`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from prefect_compat._attrs import lazy_submodules
from prefect_compat.core.task import Task

__all__ = ["Task", "control_flow", "core", "secrets", "task", "task_input_hash"]

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


def task_input_hash(context: Any, arguments: dict[str, Any]) -> str | None:
    """A cache key for `@task(cache_key_fn=task_input_hash)`: the task, its code and its
    arguments. Equal arguments to the same, unchanged task give the same key; arguments
    that can be neither JSON-encoded nor pickled give None (the run is not cached)."""
    task = context.task
    code = getattr(getattr(task.fn, "__code__", None), "co_code", b"")
    parts = [task.task_key, code.hex(), arguments]
    try:
        payload = json.dumps(parts, sort_keys=True).encode("utf-8")
    except (TypeError, ValueError):
        import cloudpickle

        try:
            payload = cloudpickle.dumps(parts)
        except Exception:  # noqa: BLE001 - anything unpicklable: no key, no caching
            return None
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()


def _task_decorator(name: str) -> Any:
    if name == "task":  # the one decorator, also under its 2.x path
        from prefect_compat.utilities.tasks import task

        return task
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__getattr__, __dir__ = lazy_submodules(__name__, _SUBMODULES, fallback=_task_decorator)

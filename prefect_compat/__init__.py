"""prefect-compat: a fast, drop-in engine for Prefect Core 0.13 / 1.x flows.

Importing the package loads the configuration and sets up the context and logging,
nothing more: the engine, results and executors load on first use (module
`__getattr__` below), and optional libraries (boto3, google-cloud-storage, dask,
distributed) only when a feature needs them. Importing this package never makes
`import prefect` resolve here; see `install_alias` for that.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__version__ = "0.1.0"

from prefect_compat import _context
from prefect_compat._attrs import lazy_submodules
from prefect_compat.configuration import config
from prefect_compat.utilities.context import context, context_module
from prefect_compat.utilities.logging import configure_logging, get_logger


def _seed_context() -> dict[str, Any]:
    seed = dict(config.get("context") or {})
    seed["config"] = config
    seed["logger"] = get_logger()
    return seed


configure_logging(config=config)
_context.configure_seed(_seed_context)


def _refresh_from_environment() -> None:
    """Apply PREFECT__* variables set after this package was imported (the alias calls
    this when a script first imports `prefect`, as Prefect reads them then)."""
    from prefect_compat.configuration import refresh_from_environment

    if refresh_from_environment():
        configure_logging(config=config)
        _context.reseed()


# `prefect.context` is the context object in 1.x and a module in 2.x: a module registered
# under the submodule name (its attributes are the object's) makes `from
# prefect_compat.context import get_run_context` work while `prefect_compat.context`
# stays the 1.x context everywhere (utilities/context.py).
sys.modules[f"{__name__}.context"] = context_module(f"{__name__}.context")

_LAZY_NAMES = {
    "Task": "prefect_compat.core.task",
    "Parameter": "prefect_compat.core.parameter",
    "Flow": "prefect_compat.core.flow",
    "task": "prefect_compat.utilities.tasks",
    "tags": "prefect_compat.utilities.tasks",
    "apply_map": "prefect_compat.utilities.tasks",
    "mapped": "prefect_compat.utilities.edges",
    "unmapped": "prefect_compat.utilities.edges",
    "flatten": "prefect_compat.utilities.edges",
    "case": "prefect_compat.tasks.control_flow",
    "resource_manager": "prefect_compat.tasks.core.resource_manager",
    "install_alias": "prefect_compat._compat.alias",
    "Client": "prefect_compat.client",
    "flow": "prefect_compat.flows",
    "State": "prefect_compat.states",
    "get_run_logger": "prefect_compat.flows",
    "allow_failure": "prefect_compat.utilities.annotations",
}
# The submodules `import prefect` makes reachable (1.4.1 and 0.13.19), imported on first
# access; run_configs, schedules, storage and environments are deployment-side modules.
# The second group are Prefect 2.x modules.
_LAZY_MODULES = frozenset(
    {
        "client",
        "configuration",
        "core",
        "engine",
        "environments",
        "exceptions",
        "executors",
        "run_configs",
        "schedules",
        "serialization",
        "storage",
        "tasks",
        "triggers",
        "utilities",
        # 2.x
        "blocks",
        "filesystems",
        "flows",
        "futures",
        "results",
        "serializers",
        "settings",
        "states",
        "task_runners",
    }
)

_NOT_PROVIDED = frozenset({"api", "models", "plugins", "agent", "backend"})

__all__ = [
    "Flow",
    "Parameter",
    "State",
    "Task",
    "apply_map",
    "case",
    "config",
    "context",
    "flatten",
    "flow",
    "get_run_logger",
    "mapped",
    "resource_manager",
    "tags",
    "task",
    "unmapped",
]


def _lazy_name(name: str) -> Any:
    module = _LAZY_NAMES.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name in _NOT_PROVIDED:
        from prefect_compat.exceptions import not_provided

        raise not_provided(
            f"prefect-compat does not provide prefect.{name}: it runs flows locally and on "
            "Dask; the Prefect Cloud/Server API (api, models, plugins, agents) is out of scope.",
            caller=sys._getframe(2),
        )
    raise AttributeError(f"module 'prefect_compat' has no attribute {name!r}")


__getattr__, _dir = lazy_submodules(__name__, _LAZY_MODULES, fallback=_lazy_name)


def __dir__() -> list[str]:
    return sorted(set(_dir()) | set(_LAZY_NAMES))

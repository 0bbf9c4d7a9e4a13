"""`prefect.engine`: runners and the default-class lookups.

Kept light on purpose: importing any `prefect_compat.engine.*` module imports this
package first, so the runners load lazily on attribute access.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

from prefect_compat._attrs import lazy_submodules

__all__ = [
    "FlowRunner",
    "TaskRunner",
    "get_default_executor_class",
    "get_default_flow_runner_class",
    "get_default_task_runner_class",
]

_LAZY = {
    "FlowRunner": "prefect_compat.engine.flow_runner",
    "TaskRunner": "prefect_compat.engine.task_runner",
}
_SUBMODULES = (
    "cache_validators",
    "executors",
    "flow_runner",
    "result",
    "result_handlers",
    "results",
    "runner",
    "serializers",
    "signals",
    "state",
    "task_runner",
)


def _name(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name == "config":  # Prefect's engine package exposes the config object too
        from prefect_compat.configuration import config

        return config
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__getattr__, __dir__ = lazy_submodules(__name__, _SUBMODULES, _name)


def _resolve(dotted: str) -> Any:
    """Import `pkg.mod.Name`; Prefect's own paths (`prefect.*`) resolve to ours."""
    if dotted.startswith("prefect."):
        dotted = "prefect_compat." + dotted[len("prefect.") :]
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _default_class(key: str, fallback: str) -> Any:
    from prefect_compat.configuration import config

    value = config.engine[key].default_class
    if not isinstance(value, str):
        return value
    try:
        return _resolve(value)
    except (ImportError, AttributeError, ValueError):
        warnings.warn(
            f"Could not import {value}; using {fallback} instead. "
            f"Check engine.{key}.default_class in your config.",
            UserWarning,
            stacklevel=3,
        )
        return _resolve(fallback)


def get_default_executor_class() -> type:
    """The executor class named by `engine.executor.default_class`."""
    return _default_class("executor", "prefect.executors.LocalExecutor")


def get_default_flow_runner_class() -> type:
    """The flow runner class named by `engine.flow_runner.default_class`."""
    return _default_class("flow_runner", "prefect.engine.flow_runner.FlowRunner")


def get_default_task_runner_class() -> type:
    """The task runner class named by `engine.task_runner.default_class`."""
    return _default_class("task_runner", "prefect.engine.task_runner.TaskRunner")

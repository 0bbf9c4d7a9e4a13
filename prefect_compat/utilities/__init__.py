"""`prefect.utilities`: helper modules, each imported on first attribute access."""

from __future__ import annotations

from prefect_compat._attrs import lazy_submodules

_SUBMODULES = (
    "collections",
    "compatibility",
    "configuration",
    "context",
    "datetimes",
    "debug",
    "edges",
    "exceptions",
    "executors",
    "importtools",
    "logging",
    "notifications",
    "tasks",
)

__getattr__, __dir__ = lazy_submodules(__name__, _SUBMODULES)

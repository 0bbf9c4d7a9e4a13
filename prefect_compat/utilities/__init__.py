"""`prefect.utilities`: helper modules, each imported on first attribute access.

(No `from __future__ import annotations` here: it would bind the name `annotations`
in this package, hiding the `annotations` submodule.)
"""

from prefect_compat._attrs import lazy_submodules

_SUBMODULES = (
    "annotations",
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

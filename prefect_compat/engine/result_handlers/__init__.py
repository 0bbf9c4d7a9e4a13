"""`prefect.engine.result_handlers` (0.13): the 0.10-era handlers, superseded by Results.

Given to a Task or Flow, each becomes its Result (see `_compat/handlers.py` and
docs/migration.md). Each handler's module loads on first use, so a flow that only
uses LocalResultHandler never imports the S3 or GCS storage code; cloud handlers
import their SDK only when they read or write.
"""

import importlib as _importlib
from typing import Any as _Any

_MODULES = {
    "AzureResultHandler": "azure_result_handler",
    "ConstantResultHandler": "constant_result_handler",
    "GCSResultHandler": "gcs_result_handler",
    "JSONResultHandler": "json_result_handler",
    "LocalResultHandler": "local_result_handler",
    "ResultHandler": "result_handler",
    "S3ResultHandler": "s3_result_handler",
    "SecretResultHandler": "secret_result_handler",
}
_SUBMODULES = frozenset(_MODULES.values())

__all__ = [
    "AzureResultHandler",
    "ConstantResultHandler",
    "GCSResultHandler",
    "JSONResultHandler",
    "LocalResultHandler",
    "ResultHandler",
    "S3ResultHandler",
    "SecretResultHandler",
]


def __getattr__(name: str) -> _Any:
    if name in _SUBMODULES:  # `results.local_result.LocalResult`, as in Prefect
        return _importlib.import_module(f"{__name__}.{name}")
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULES) | _SUBMODULES)

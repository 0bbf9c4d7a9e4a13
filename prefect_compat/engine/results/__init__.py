"""`prefect.engine.results`: the Result classes, one module each, loaded on first use.

Lazy on purpose: a run that only keeps values in memory must not import the S3 or
GCS storage code, nor the 0.13 handler shims behind `ResultHandlerResult`.
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "AzureResult": "azure_result",
    "ConstantResult": "constant_result",
    "GCSResult": "gcs_result",
    "LocalResult": "local_result",
    "PrefectResult": "prefect_result",
    "ResultHandlerResult": "result_handler_result",
    "S3Result": "s3_result",
    "SecretResult": "secret_result",
}
_SUBMODULES = frozenset(_MODULES.values())

__all__ = [
    "AzureResult",
    "ConstantResult",
    "GCSResult",
    "LocalResult",
    "PrefectResult",
    "ResultHandlerResult",
    "S3Result",
    "SecretResult",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:  # `results.local_result.LocalResult`, as in Prefect
        return importlib.import_module(f"{__name__}.{name}")
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULES) | _SUBMODULES)

"""`prefect.engine.result`: the Result base class and the NoResult sentinel."""

from __future__ import annotations

from prefect_compat.engine.result.base import (
    NoResult,
    NoResultType,
    Result,
    ResultInterface,
    ResultNotImplementedError,
    SafeResult,
)

__all__ = [
    "NoResult",
    "NoResultType",
    "Result",
    "ResultInterface",
    "ResultNotImplementedError",
    "SafeResult",
    "base",
]

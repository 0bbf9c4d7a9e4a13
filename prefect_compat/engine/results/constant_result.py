"""`ConstantResult`: the Result of a constant bound as a task argument.

The value is fixed when the flow is built, so there is nothing to store or load:
`read` returns the Result itself, `exists` is always True and `write` is refused.
"""

from __future__ import annotations

from typing import Any

from prefect_compat.engine.result.base import Result

__all__ = ["ConstantResult"]


class ConstantResult(Result):
    """A Result that already holds its value and never persists it."""

    def __init__(self, **kwargs: Any) -> None:
        if "serializer" in kwargs:
            raise ValueError("Can't pass a serializer to a ConstantResult.")
        super().__init__(**kwargs)

    def read(self, location: str) -> ConstantResult:
        return self

    def exists(self, location: str, **kwargs: Any) -> bool:
        return True

    def write(self, value_: Any, **kwargs: Any) -> ConstantResult:
        raise ValueError(
            "Cannot write values to `ConstantResult` types. A constant's value is fixed "
            "when the flow is built; give the task another Result to store its output."
        )

"""`ConstantResultHandler`: a fixed value, never stored (becomes `ConstantResult`)."""

from __future__ import annotations

from typing import Any

from prefect_compat.engine.result_handlers.result_handler import ResultHandler

__all__ = ["ConstantResultHandler"]


class ConstantResultHandler(ResultHandler):
    """`read` always returns `value`; `write` ignores its argument and returns `repr(value)`."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def write(self, result: Any) -> str:
        return repr(self.value)

    def read(self, arg: Any = None) -> Any:
        """`value`, whatever `arg` (0.13's parameter name) is."""
        return self.value

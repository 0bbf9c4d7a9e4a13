"""`ResultHandlerResult` (0.13): a Result that stores values through a result handler.

Custom 0.10-style handlers given to a Task or Flow end up here: `write` calls the
handler's `write(value)` and records the location it returns, `read` calls the
handler's `read(location)`. Prefect's own handlers become their matching Result
instead (`from_result_handler`, table in `prefect_compat/_compat/handlers.py`).
"""

from __future__ import annotations

from typing import Any

from prefect_compat._compat.handlers import check_handler, result_from_handler
from prefect_compat.engine.result.base import Result, ResultNotImplementedError

__all__ = ["CONVERSIONS", "ResultHandlerResult"]  # noqa: F822 - CONVERSIONS via __getattr__


def __getattr__(name: str) -> Any:
    """`CONVERSIONS` (0.13's handler -> Result table), built on first use."""
    if name == "CONVERSIONS":
        from prefect_compat._compat.handlers import conversions

        value = conversions()
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ResultHandlerResult(Result):
    """A Result whose storage is `result_handler.write` / `result_handler.read`.

    Location templates and the serializer are not used: the handler decides both.
    """

    def __init__(self, result_handler: Any, **kwargs: Any) -> None:
        check_handler(result_handler)
        self.result_handler = result_handler
        super().__init__(**kwargs)

    @staticmethod
    def from_result_handler(result_handler: Any) -> Result:
        """The Result for `result_handler`: its matching Result class, else a wrapper."""
        return result_from_handler(result_handler)

    def write(self, value_: Any, **kwargs: Any) -> ResultHandlerResult:
        """A copy holding `value_`, located where the handler's `write` put it."""
        new = self.copy()
        new.location = self.result_handler.write(value_)
        new.value = value_
        return new

    def read(self, location: str) -> ResultHandlerResult:
        """A copy holding the value the handler's `read` returns for `location`."""
        new = self.copy()
        new.location = location
        new.value = self.result_handler.read(location)
        return new

    def exists(self, location: str, **kwargs: Any) -> bool:
        raise ResultNotImplementedError(
            f"ResultHandlerResult cannot tell whether {location!r} exists: result handlers "
            "have only read() and write(). For target= or caching, give the task a Result "
            "class such as LocalResult (see docs/migration.md)."
        )

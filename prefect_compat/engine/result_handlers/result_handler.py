"""`ResultHandler`: the 0.10-era interface for storing one task output.

`write(value)` stores the value and returns a location (a str); `read(location)`
returns the value. Superseded by `prefect_compat.engine.results` (see
docs/migration.md); handlers given to a Task or Flow are converted to Results by
`prefect_compat._compat.handlers`.
"""

from __future__ import annotations

from typing import Any

from prefect_compat.engine.result.base import ClassLogger

__all__ = ["ResultHandler"]


class ResultHandler:
    """Base class: subclasses implement `write(value) -> str` and `read(location)`.

    A subclass missing either one is refused, with the method named, when it is given
    to a Task or Flow.
    """

    logger = ClassLogger()  # prefect.<ClassName>; an instance may set its own

    def __repr__(self) -> str:
        return f"<ResultHandler: {type(self).__name__}>"

    def __eq__(self, other: object) -> bool:
        """Same exact type and equal public attributes."""
        if type(self) is not type(other):
            return False
        return _public(self.__dict__) == _public(other.__dict__)

    __hash__ = None  # type: ignore[assignment]  # equal-by-value and mutable

    def write(self, result: Any) -> str:
        """Store `result`; return the location to read it back from."""
        raise NotImplementedError(
            f"{type(self).__name__} does not implement write(); subclasses of ResultHandler "
            "must define write(value) -> location and read(location) -> value."
        )

    def read(self, loc: str) -> Any:
        """The value stored at location `loc` (0.13's parameter name)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not implement read(); subclasses of ResultHandler "
            "must define write(value) -> location and read(location) -> value."
        )


def _public(attrs: dict) -> dict:
    return {key: value for key, value in attrs.items() if not key.startswith("_")}

"""Prefect 2.x argument annotations: `allow_failure`, `quote` and `unmapped`.

    one(wait_for=[allow_failure(may_fail)])   # runs even if `may_fail` failed
    report(allow_failure(may_fail))           # gets the exception if it failed
    keep(quote(big_nested_thing))             # passed as it is: not searched or copied
    add.map([1, 2], unmapped(10))             # the same 10 for every mapped run

`unmapped` is the one class both eras use (`prefect.utilities.edges.unmapped`).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from prefect_compat.utilities.edges import unmapped

__all__ = ["BaseAnnotation", "Quote", "allow_failure", "quote", "unmapped"]

T = TypeVar("T")


class BaseAnnotation(Generic[T]):
    """Wraps one argument value to change how a 2.x task call treats it."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def unwrap(self) -> T:
        return self.value

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.value == self.value  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]


class allow_failure(BaseAnnotation[T]):  # noqa: N801 - Prefect's public name
    """An upstream future or state that may fail: the task still runs and gets the
    upstream's exception as the value (in `wait_for`, the task simply waits for it)."""

    __slots__ = ()


class Quote(BaseAnnotation[T]):
    """A value handed to the task exactly as it is: futures inside are not resolved
    and containers are not rebuilt (cheaper for large inputs)."""

    __slots__ = ()

    def unquote(self) -> T:
        return self.value


def quote(expr: T) -> Quote[T]:
    """Pass `expr` to a 2.x task as it is (see `Quote`)."""
    return Quote(expr)

"""Operator tasks: what `t + 1`, `t[0]`, `t > 3`, `t & u` build inside a flow.

Each is a Task whose run() applies one Python operator to its inputs `x` and `y`
(`GetItem`/`GetAttr` take `task_result` and `key`/`attr`). `==`, `!=`, `not` and `or`
are not overloaded on tasks (they keep their usual meaning); use `Equal`,
`NotEqual`, `Not`, `Or` or the `is_equal`/`is_not_equal`/`not_`/`or_` methods.
"""

from __future__ import annotations

import operator
from typing import Any, Callable

from prefect_compat.core.task import Task

__all__ = [
    "Add",
    "And",
    "Div",
    "Equal",
    "FloorDiv",
    "GetAttr",
    "GetItem",
    "GreaterThan",
    "GreaterThanOrEqual",
    "LessThan",
    "LessThanOrEqual",
    "Mod",
    "Mul",
    "Not",
    "NotEqual",
    "Or",
    "Pow",
    "Sub",
]


class _NoDefault:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<no default>"

    def __reduce__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


class GetItem(Task):
    """`task_result[key]`; a missing key (KeyError) gives `default` when one is set."""

    def __init__(self, default: Any = NO_DEFAULT, **kwargs: Any) -> None:
        self.default = default
        super().__init__(**kwargs)

    def run(self, task_result: Any, key: Any, default: Any = NO_DEFAULT) -> Any:  # type: ignore[override]  # run() takes the task's inputs
        if default is NO_DEFAULT:
            default = self.default
        try:
            return task_result[key]
        except KeyError:
            if default is NO_DEFAULT:
                raise
            return default


class GetAttr(Task):
    """`getattr(task_result, attr)`, with `default` for a missing attribute when set."""

    def __init__(self, default: Any = NO_DEFAULT, **kwargs: Any) -> None:
        self.default = default
        super().__init__(**kwargs)

    def run(self, task_result: Any, attr: Any, default: Any = NO_DEFAULT) -> Any:  # type: ignore[override]  # run() takes the task's inputs
        if default is NO_DEFAULT:
            default = self.default
        if default is NO_DEFAULT:
            return getattr(task_result, attr)
        return getattr(task_result, attr, default)


class _Binary(Task):
    """Applies `op` to `x` and `y`."""

    op: Callable[[Any, Any], Any]

    def run(self, x: Any, y: Any) -> Any:  # type: ignore[override]  # run() takes the task's inputs
        return type(self).op(x, y)


def _binary(name: str, op: Callable[[Any, Any], Any], doc: str) -> type[_Binary]:
    return type(name, (_Binary,), {"op": staticmethod(op), "__doc__": doc, "__module__": __name__})


Add = _binary("Add", operator.add, "`x + y`")
Sub = _binary("Sub", operator.sub, "`x - y`")
Mul = _binary("Mul", operator.mul, "`x * y`")
Div = _binary("Div", operator.truediv, "`x / y`")
FloorDiv = _binary("FloorDiv", operator.floordiv, "`x // y`")
Pow = _binary("Pow", operator.pow, "`x ** y`")
Mod = _binary("Mod", operator.mod, "`x % y`")
And = _binary("And", lambda x, y: x and y, "`x and y`")
Or = _binary("Or", lambda x, y: x or y, "`x or y`")
Equal = _binary("Equal", operator.eq, "`x == y`")
NotEqual = _binary("NotEqual", operator.ne, "`x != y`")
GreaterThan = _binary("GreaterThan", operator.gt, "`x > y`")
GreaterThanOrEqual = _binary("GreaterThanOrEqual", operator.ge, "`x >= y`")
LessThan = _binary("LessThan", operator.lt, "`x < y`")
LessThanOrEqual = _binary("LessThanOrEqual", operator.le, "`x <= y`")


class Not(Task):
    """`not x`."""

    def run(self, x: Any) -> bool:  # type: ignore[override]  # run() takes the task's inputs
        return not x

"""Task's operators: `a + b`, `a > b`, `a[0]`, `a | b`, `a.is_equal(b)`, ... build tasks.

Each operator adds a small task from `tasks/core/operators.py` to the flow being
built, bound to its operands, and returns it (`|` only adds a dependency). `Task`
binds the functions made here in its class body, so they are its own methods: every
one is named as if it were written in `core/task.py` (`__name__`, `__qualname__`
`Task.<name>`, `__module__`), which is where pickle looks them up, and keeps the
signature and docstring Task's method had.

These run while a flow is built, never during a task run, and add no call layer:
each function does the work itself. `tasks/core/operators.py` imports Task, so it is
imported on first use, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from prefect_compat.core.task import Task

__all__ = [
    "binary",
    "getitem",
    "iterate",
    "not_",
    "pipe",
    "reflected_pair",
    "resolve_annotations",
    "run_after",
    "run_before",
]

_Method = TypeVar("_Method", bound=Callable[..., Any])


def _named(name: str, doc: str | None = None) -> Callable[[_Method], _Method]:
    """Present the decorated function as `Task.<name>` (see the module docstring)."""

    def rename(fn: _Method) -> _Method:
        method: Any = fn
        method.__name__ = name
        method.__qualname__ = f"Task.{name}"
        method.__module__ = "prefect_compat.core.task"
        if doc is not None:
            method.__doc__ = doc
        return fn

    return rename


def resolve_annotations(task_class: type) -> None:
    """Let `typing.get_type_hints` resolve the "Task" in these functions' annotations, as it
    did when they were written in `core/task.py` (which calls this once Task exists)."""
    globals()["Task"] = task_class


def binary(operator: str, name: str, doc: str | None = None) -> Callable[[Any, Any], Task]:
    """The method `name`: `self.name(other)` is the task `<operator>` bound to (self, other)."""

    @_named(name, doc)
    def method(self, other: Any) -> Task:
        from prefect_compat.tasks.core import operators

        return getattr(operators, operator)().bind(self, other)

    return method


def reflected_pair(operator: str, name: str) -> tuple[Callable[..., Task], Callable[..., Task]]:
    """`__<name>__` and `__r<name>__`: `<operator>` bound to (self, other) / (other, self)."""

    @_named(f"__r{name}__")
    def reflected(self, other: Any) -> Task:
        from prefect_compat.tasks.core import operators

        return getattr(operators, operator)().bind(other, self)

    return binary(operator, f"__{name}__"), reflected


@_named("__iter__")
def iterate(self) -> Iterator[Task]:
    if self.nout is None:
        raise TypeError(
            f"Task is not iterable ({self!r}). If your task returns multiple results, "
            "pass `nout` to the task decorator/constructor, or provide a `Tuple` "
            "return-type annotation to your task."
        )
    return (self[i] for i in range(self.nout))


@_named("__getitem__")
def getitem(self, key: Any) -> Task:
    from prefect_compat._compat.era import legacy_013
    from prefect_compat.core.task import Task
    from prefect_compat.tasks.core.operators import GetItem

    # 1.x names the task after the expression (`pair[0]`, `d[k]` for a task key);
    # 0.13 left it "GetItem"
    label = key.name if isinstance(key, Task) else repr(key)
    name = None if legacy_013() else f"{self.name}[{label}]"
    return GetItem(name=name).bind(self, key)


@_named("__or__")
def run_before(self, other: Any) -> Any:
    """`a | b`: make `b` run after `a`; returns `b` as given (a list stays a list)."""
    from prefect_compat.utilities.tasks import as_task

    self.set_downstream(as_task(other))
    return other


@_named("__ror__")
def run_after(self, other: Any) -> Task:
    from prefect_compat.utilities.tasks import as_task

    self.set_upstream(as_task(other))
    return self


@_named("pipe")
def pipe(_prefect_self, _prefect_task: Task, **kwargs: Any) -> Task:
    """`self.pipe(t, **kw)` is `t(self, **kw)`; `self` itself is refused as a keyword."""
    if "self" in kwargs:  # the call could not pass it on: Task.__call__ takes `self`
        raise ValueError('You cannot use the keyword argument "self" in .pipe.')
    return _prefect_task(_prefect_self, **kwargs)


@_named("not_")
def not_(self) -> Task:
    from prefect_compat.tasks.core.operators import Not

    return Not().bind(self)

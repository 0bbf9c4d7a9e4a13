"""Collection tasks: build a list/tuple/set/dict from the results of other tasks.

`as_task([t1, 2])` turns a collection holding tasks into one of these, bound with
`arg_1=t1, arg_2=2`; run() puts the values back in argument order (arg_2 before
arg_10). `Dict` is bound to two such lists, `keys` and `values`.
"""

from __future__ import annotations

from typing import Any, Iterable  # noqa: UP035 - inputs() reports typing.Iterable, as Prefect

from prefect_compat.core.task import Task

__all__ = ["Dict", "List", "Set", "Tuple", "VarArgsTask"]


def _in_order(task_results: dict[str, Any]) -> list:  # bare: outputs() reports `list`, as Prefect
    return [task_results[k] for k in sorted(task_results, key=_arg_index)]


def _arg_index(key: str) -> tuple[int, str]:
    _, _, number = key.rpartition("_")
    return (int(number), key) if number.isdigit() else (0, key)


class VarArgsTask(Task):
    """A task whose call and bind accept positional arguments, stored as `arg_1`, `arg_2`, ..."""

    def __call__(self, *args: Any, **kwargs: Any) -> Task:
        return super().__call__(**_as_keywords(args, kwargs))

    def bind(self, *args: Any, **kwargs: Any) -> Task:
        return super().bind(**_as_keywords(args, kwargs))

    def run(self, **task_results: Any) -> Any:
        return None


def _as_keywords(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    keywords = {f"arg_{i}": value for i, value in enumerate(args, start=1)}
    keywords.update(kwargs)
    return keywords


class List(VarArgsTask):
    """Returns its arguments as a list."""

    def run(self, **task_results: Any) -> list:  # bare: outputs() reports `list`, as Prefect
        return _in_order(task_results)


class Tuple(VarArgsTask):
    """Returns its arguments as a tuple."""

    def run(self, **task_results: Any) -> tuple:
        return tuple(_in_order(task_results))


class Set(VarArgsTask):
    """Returns its arguments as a set."""

    def run(self, **task_results: Any) -> set:
        return set(_in_order(task_results))


class Dict(Task):
    """Returns `dict(zip(keys, values))`; the two must have the same length."""

    def run(self, keys: Iterable[Any], values: Iterable[Any]) -> dict:  # type: ignore[override]  # run() takes the task's inputs
        keys, values = list(keys), list(values)
        if len(keys) != len(values):
            raise ValueError(
                f"A different number of keys and values were provided! ({len(keys)} keys, "
                f"{len(values)} values)"
            )
        return dict(zip(keys, values))

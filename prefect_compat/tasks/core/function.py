"""`FunctionTask`: a task whose run() is a plain function (what `@task` builds).

The function's signature is checked and cached here, once per decorated function;
copies made by calls share it. The function is stored as the instance's `run`, so
`task.run(x)` calls it directly.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from prefect_compat.core._binding import RunSpec, infer_nout
from prefect_compat.core.task import Task

__all__ = ["FunctionTask"]


class FunctionTask(Task):
    """Wraps `fn`; `name` defaults to the function's name, `nout` to its Tuple annotation."""

    def __init__(self, fn: Callable[..., Any], name: str | None = None, **kwargs: Any) -> None:
        if not callable(fn):
            raise TypeError("`fn` must be callable")
        name = name or getattr(fn, "__name__", None) or type(self).__name__
        self._run_spec = RunSpec.of(fn, name)  # type: ignore[misc]  # per instance: Task._spec
        self.run = fn  # type: ignore[method-assign]
        if kwargs.get("nout") is None:
            kwargs["nout"] = infer_nout(fn)
        super().__init__(name=name, **kwargs)
        functools.update_wrapper(self, fn, updated=())  # type: ignore[arg-type]

    def run(self) -> Any:  # replaced per instance by the wrapped function
        """The wrapped function."""

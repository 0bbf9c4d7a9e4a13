"""`FunctionTask`: a task whose run() is a plain function (what `@task` builds).

The function's signature is checked and cached here, once per decorated function;
copies made by calls share it. The function is stored as the instance's `run`, so
`task.run(x)` calls it directly (and `task.fn(x)`, its 2.x name).

Keyword arguments of both eras are accepted: 1.x ones go to `Task.__init__`, 2.x ones
(`retries`, `cache_key_fn`, `persist_result`, ...) are validated and set by
`core/_task_v2.apply_options`; each acts only in its era.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from prefect_compat.core._binding import RunSpec, infer_nout
from prefect_compat.core._task_v2 import apply_options, split_options
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
        options = split_options(kwargs)
        super().__init__(name=name, **kwargs)
        functools.update_wrapper(self, fn, updated=())  # type: ignore[arg-type]
        if options:
            apply_options(self, options)

    def run(self) -> Any:  # replaced per instance by the wrapped function
        """The wrapped function."""

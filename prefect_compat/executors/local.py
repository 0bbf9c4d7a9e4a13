"""LocalExecutor: runs each submitted call at once, in the calling thread.

`submit` returns the call's value and `wait` returns what it is given, so the run
loop pays nothing for the executor seam (no futures, no threads, no Dask).
"""

from __future__ import annotations

from typing import Any, Callable

from prefect_compat.executors.base import Executor

__all__ = ["LocalExecutor"]


class LocalExecutor(Executor):
    """Synchronous executor, the default."""

    @property
    def inline(self) -> bool:
        """Runs in the caller's thread and context: no frame shipping needed."""
        return True

    def submit(
        self, fn: Callable[..., Any], *args: Any, extra_context: dict | None = None, **kwargs: Any
    ) -> Any:
        return fn(*args, **kwargs)

    def wait(self, futures: Any) -> Any:
        return futures

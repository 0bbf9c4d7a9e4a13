"""ThreadExecutor: each submitted call starts at once on a pool thread (private).

What Prefect 2.x's ConcurrentTaskRunner needs and the 1.x executors do not offer:
`LocalExecutor` runs calls inline and `LocalDaskExecutor` defers them until `wait`.
The pool lives for the length of `start()`; `submit` returns a
`concurrent.futures.Future`, `wait` resolves (nested lists/dicts of) them. Calls run
in a copy of the submitter's context, so the caller's frames (flow run, tags, ...)
are visible on the worker thread.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable

from prefect_compat.executors.base import Executor

__all__ = ["ThreadExecutor"]


class ThreadExecutor(Executor):
    """Runs calls on up to `max_workers` threads (default: Python's pool default)."""

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        super().__init__()

    @property
    def parallelism(self) -> int:
        return self._pool._max_workers if self._pool is not None else 0

    @contextmanager
    def start(self) -> Iterator[None]:
        self._pool = concurrent.futures.ThreadPoolExecutor(
            self.max_workers, thread_name_prefix="prefect-compat-task"
        )
        try:
            yield
        finally:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True)

    def submit(
        self, fn: Callable[..., Any], *args: Any, extra_context: dict | None = None, **kwargs: Any
    ) -> Any:
        if self._pool is None:
            raise RuntimeError("ThreadExecutor.submit() called outside start()")
        context = contextvars.copy_context()
        return self._pool.submit(context.run, fn, *args, **kwargs)

    def wait(self, futures: Any) -> Any:
        if isinstance(futures, concurrent.futures.Future):
            return futures.result()
        if type(futures) is dict:
            return {k: self.wait(v) for k, v in futures.items()}
        if type(futures) in (list, tuple):
            return type(futures)(self.wait(v) for v in futures)
        return futures

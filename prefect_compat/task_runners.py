"""`prefect.task_runners` (Prefect 2.x): where `.submit()`ted task runs execute.

Each task runner is a face over one of the engine's executors (`prefect.executors`'s
start/submit/wait seam), so 2.x runs use the same pools and the same context
shipping as 1.x flows:

  SequentialTaskRunner   LocalExecutor: a submitted run executes at once, inline
  ConcurrentTaskRunner   a thread pool (the default for `@flow`, as in 2.6.9)
  DaskTaskRunner         DaskExecutor on `distributed` (a temporary LocalCluster, or
                         `address=`); runs cross processes through
                         `_engine/remote.run_in_process` (logs come back, results are
                         proven picklable on the worker)

A flow run gets its own copy of the flow's runner (`duplicate()`), started on the
first `.submit()` and shut down, after waiting for every submitted run, when the
flow run ends.
"""

from __future__ import annotations

import enum
from contextlib import ExitStack
from typing import Any, Callable

__all__ = [
    "BaseTaskRunner",
    "ConcurrentTaskRunner",
    "DaskTaskRunner",
    "SequentialTaskRunner",
    "TaskConcurrencyType",
]


class TaskConcurrencyType(str, enum.Enum):
    SEQUENTIAL = "SEQUENTIAL"
    CONCURRENT = "CONCURRENT"
    PARALLEL = "PARALLEL"

    def __repr__(self) -> str:
        return f"TaskConcurrencyType.{self.name}"


class BaseTaskRunner:
    """Base class: subclasses say which executor they drive (`_make_executor`)."""

    concurrency_type = TaskConcurrencyType.SEQUENTIAL

    def __init__(self) -> None:
        self._executor: Any = None
        self._stack: ExitStack | None = None

    @property
    def name(self) -> str:
        return type(self).__name__.lower().replace("taskrunner", "")

    def duplicate(self) -> BaseTaskRunner:
        """A fresh, unstarted runner with the same settings (one per flow run)."""
        return type(self)()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # -- the engine's side ---------------------------------------------------------------
    def _make_executor(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement _make_executor()")

    def _started(self) -> Any:
        if self._executor is None:
            executor = self._make_executor()
            stack = ExitStack()
            stack.enter_context(executor.start())
            self._executor, self._stack = executor, stack
        return self._executor

    @property
    def crosses_processes(self) -> bool:
        return bool(self._started().crosses_processes)

    @property
    def inline(self) -> bool:
        return bool(self._started().inline)

    def _submit(self, fn: Callable[..., Any], args: tuple[Any, ...], label: str) -> Any:
        executor = self._started()
        return executor.submit(fn, *args, extra_context={"task_full_name": label})

    def _wait(self, handle: Any, timeout: float | None) -> Any:
        """The call's outcome, or None if it is not done within `timeout` seconds."""
        return self._started().wait(handle)

    def _done(self, handle: Any) -> bool:
        return True

    def _shutdown(self) -> None:
        stack, self._stack, self._executor = self._stack, None, None
        if stack is not None:
            stack.close()


class SequentialTaskRunner(BaseTaskRunner):
    """Submitted runs execute one after another, at once, in the flow's thread."""

    concurrency_type = TaskConcurrencyType.SEQUENTIAL

    def _make_executor(self) -> Any:
        from prefect_compat.executors.local import LocalExecutor

        return LocalExecutor()


class ConcurrentTaskRunner(BaseTaskRunner):
    """Submitted runs execute concurrently on a pool of threads."""

    concurrency_type = TaskConcurrencyType.CONCURRENT

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers
        super().__init__()

    def duplicate(self) -> BaseTaskRunner:
        return type(self)(self.max_workers)

    def _make_executor(self) -> Any:
        from prefect_compat.executors.threads import ThreadExecutor

        return ThreadExecutor(self.max_workers)

    def _wait(self, handle: Any, timeout: float | None) -> Any:
        import concurrent.futures

        try:
            return handle.result(timeout)
        except concurrent.futures.TimeoutError:
            return None

    def _done(self, handle: Any) -> bool:
        return bool(handle.done())


class DaskTaskRunner(BaseTaskRunner):
    """Submitted runs execute on a Dask `distributed` cluster (`prefect_dask` in 2.x)."""

    concurrency_type = TaskConcurrencyType.PARALLEL

    def __init__(  # noqa: PLR0913 - prefect-dask's public signature
        self,
        address: str | None = None,
        cluster_class: Any = None,
        cluster_kwargs: dict[str, Any] | None = None,
        adapt_kwargs: dict[str, Any] | None = None,
        client_kwargs: dict[str, Any] | None = None,
    ) -> None:
        from prefect_compat._lazy import require

        require("distributed", extra="dask", feature="DaskTaskRunner")
        if address is not None and (cluster_class is not None or cluster_kwargs is not None):
            raise ValueError("Cannot specify `address` and `cluster_class`/`cluster_kwargs`")
        self.address = address
        self.cluster_class = cluster_class
        self.cluster_kwargs = cluster_kwargs
        self.adapt_kwargs = adapt_kwargs
        self.client_kwargs = client_kwargs
        super().__init__()

    def duplicate(self) -> BaseTaskRunner:
        return type(self)(
            self.address,
            self.cluster_class,
            self.cluster_kwargs,
            self.adapt_kwargs,
            self.client_kwargs,
        )

    def __repr__(self) -> str:
        where = f"address={self.address!r}" if self.address else "a temporary cluster"
        return f"DaskTaskRunner({where})"

    def _make_executor(self) -> Any:
        from prefect_compat.executors.dask import DaskExecutor

        return DaskExecutor(
            address=self.address,
            cluster_class=self.cluster_class,
            cluster_kwargs=self.cluster_kwargs,
            adapt_kwargs=self.adapt_kwargs,
            client_kwargs=self.client_kwargs,
        )

    def _submit(self, fn: Callable[..., Any], args: tuple[Any, ...], label: str) -> Any:
        from prefect_compat._engine import remote

        executor = self._started()
        runner = remote.run_in_process if executor.crosses_processes else remote.run_in_frame
        return executor.submit(
            runner, remote.Frame(), label, fn, *args, extra_context={"task_full_name": label}
        )

    def _wait(self, handle: Any, timeout: float | None) -> Any:
        import distributed

        executor = self._started()
        try:
            with executor.client.as_current():
                distributed.wait(handle, timeout=timeout)
        except distributed.TimeoutError:
            return None
        return executor.wait(handle)

    def _done(self, handle: Any) -> bool:
        return bool(handle.done())


def resolve_task_runner(value: Any) -> BaseTaskRunner:
    """`@flow(task_runner=...)`: a runner class or instance (checked when decorated)."""
    if isinstance(value, type) and issubclass(value, BaseTaskRunner):
        value = value()
    if not isinstance(value, BaseTaskRunner):
        raise TypeError(
            f"task_runner must be a task runner class or instance (SequentialTaskRunner, "
            f"ConcurrentTaskRunner, DaskTaskRunner), got {value!r}."
        )
    return value

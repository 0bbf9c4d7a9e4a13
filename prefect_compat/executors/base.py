"""The Executor seam: `start()` (context manager), `submit(fn, *args)`, `wait(futures)`.

The run loop only ever calls these, plus `submit_many`, which the base implements
with `submit`. An executor that runs work elsewhere returns futures from `submit` and
resolves (nested lists/dicts of) them in `wait`.

Besides the three calls, the run loop reads four capabilities, declared here with
the defaults a third-party executor gets when it only implements `submit` and `wait`:

  inline              `submit` runs the call at once, in the caller's thread and
                      context, and returns its value (no futures). The loop then
                      hands it plain task runs and never ships a context frame.
                      Default False: calls may run on other threads, so each one
                      carries the flow-level context with it.
  crosses_processes   calls run in other processes. The loop then wraps each call so
                      that its state is proven picklable on the worker and its log
                      records travel back with it. Default False.
  parallelism         how many calls can run at once (worker threads). The loop cuts
                      a mapped fan-out into about four chunks per worker so the
                      per-call cost of a remote executor is paid per chunk. Default 0:
                      one call per child, no chunking.
  submit_many         `submit_many(fn, rows, labels)`: submit `fn(*row)` for every
                      row and return the futures in order; executors override it when
                      one batched call is cheaper than many (`client.map`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable

__all__ = ["Executor", "check_executor"]


class Executor:
    """Base class: subclasses implement `submit` and `wait`, and may override `start`."""

    def __init__(self) -> None:
        # `prefect.<ClassName>`, as Prefect names each executor's logger
        self.logger = logging.getLogger(f"prefect.{type(self).__name__}")

    # Capabilities (module docstring); subclasses override with attributes or properties.
    @property
    def inline(self) -> bool:
        return False

    @property
    def crosses_processes(self) -> bool:
        return False

    @property
    def parallelism(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"<Executor: {type(self).__name__}>"

    @contextmanager
    def start(self) -> Iterator[None]:
        """Hold the executor's resources (pools, clients) for the length of a flow run."""
        yield

    def submit(
        self, fn: Callable[..., Any], *args: Any, extra_context: dict | None = None, **kwargs: Any
    ) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement submit()")

    def submit_many(
        self, fn: Callable[..., Any], rows: list[tuple[Any, ...]], labels: list[str]
    ) -> list[Any]:
        """`submit(fn, *row)` for each row, in order (one future per row)."""
        return [
            self.submit(fn, *row, extra_context={"task_full_name": label})
            for row, label in zip(rows, labels)
        ]

    def wait(self, futures: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement wait()")


class _Adapted(Executor):
    """An executor that does not subclass `Executor`, given the base's defaults."""

    def __init__(self, executor: Any) -> None:
        super().__init__()
        self.executor = executor

    def __repr__(self) -> str:
        return repr(self.executor)

    def start(self) -> Any:
        start = getattr(self.executor, "start", None)
        return start() if start is not None else super().start()

    def submit(
        self, fn: Callable[..., Any], *args: Any, extra_context: dict | None = None, **kwargs: Any
    ) -> Any:
        return self.executor.submit(fn, *args, extra_context=extra_context, **kwargs)

    def wait(self, futures: Any) -> Any:
        return self.executor.wait(futures)


def check_executor(executor: Any) -> Executor:
    """`executor` ready for the run loop, or a TypeError naming what it lacks.

    Checked when a run is asked for, so a half-written executor fails before any
    task runs rather than at the first submission.
    """
    if isinstance(executor, type):
        raise TypeError(
            f"executor={executor.__name__} is a class; pass an instance, "
            f"e.g. executor={executor.__name__}()."
        )
    missing = []
    for name in ("submit", "wait"):
        method = getattr(type(executor), name, None)
        if not callable(method) or method is getattr(Executor, name):
            missing.append(name)
    if missing:
        raise TypeError(
            f"executor {executor!r} cannot run a flow: it does not implement "
            f"{' or '.join(f'{m}()' for m in missing)}. An executor needs submit(fn, *args, "
            "**kwargs) and wait(futures); subclass prefect.executors.Executor or use "
            "LocalExecutor / LocalDaskExecutor / DaskExecutor."
        )
    if isinstance(executor, Executor):
        return executor
    return _Adapted(executor)

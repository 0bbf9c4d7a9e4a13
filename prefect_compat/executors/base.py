"""The Executor seam: `start()` (context manager), `submit(fn, *args)`, `wait(futures)`.

The run loop only ever calls these three. An executor that runs work elsewhere
returns futures from `submit` and resolves (nested lists/dicts of) them in `wait`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable

__all__ = ["Executor"]


class Executor:
    """Base class: subclasses implement `submit` and `wait`, and may override `start`."""

    def __init__(self) -> None:
        pass

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

    def wait(self, futures: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement wait()")

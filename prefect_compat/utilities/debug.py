"""`prefect.utilities.debug`: helpers old test suites use to debug flows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prefect_compat.utilities.context import Context

__all__ = ["raise_on_exception"]


@contextmanager
def raise_on_exception() -> Iterator[None]:
    """Inside the block, task and flow errors are raised instead of becoming Failed states."""
    with Context()(raise_on_exception=True):
        yield

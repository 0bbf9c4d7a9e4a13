"""`prefect.utilities.debug`: helpers old test suites use to debug flows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect_compat.utilities.context import Context

__all__ = ["is_serializable", "raise_on_exception"]


def is_serializable(obj: Any, raise_on_error: bool = False) -> bool:
    """Whether `obj` survives cloudpickle (what shipping it to a Dask worker needs).

    With `raise_on_error=True` the pickling error is raised instead of returning False.
    """
    import pickle

    import cloudpickle

    try:
        cloudpickle.loads(cloudpickle.dumps(obj))
    except (
        pickle.PicklingError,
        TypeError,
        AttributeError,
        ValueError,
        ImportError,
        RecursionError,
    ):
        if raise_on_error:
            raise
        return False
    return True


@contextmanager
def raise_on_exception() -> Iterator[None]:
    """Inside the block, task and flow errors are raised instead of becoming Failed states."""
    with Context()(raise_on_exception=True):
        yield

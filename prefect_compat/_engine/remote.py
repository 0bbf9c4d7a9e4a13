"""Ship the flow run's context frame with every task run an executor sends elsewhere.

Worker threads and processes do not see the caller's context (a new thread starts
from the seeded defaults; a process has its own config). So a non-inline executor
gets `submit(run_in_frame, frame, fn, *args)`: the frame is one plain dict of the
flow-level keys (flow_name, parameters, checkpointing, custom context, ...), built
once per pass, that the worker pushes for the length of the call. Objects that each
process has anyway (config, loggers) are not shipped.
"""

from __future__ import annotations

from typing import Any, Callable

from prefect_compat import _context

__all__ = ["run_in_frame", "submitter"]

_LOCAL_ONLY = frozenset({"config", "logger"})


def run_in_frame(frame: dict[str, Any], fn: Callable[..., Any], *args: Any) -> Any:
    """Call `fn(*args)` with `frame` pushed on the worker's context."""
    token = _context.push(dict(frame))
    try:
        return fn(*args)
    finally:
        _context.pop(token)


def shippable_frame() -> dict[str, Any]:
    """The caller's visible context minus what every worker has of its own."""
    return {k: v for k, v in _context.flatten().items() if k not in _LOCAL_ONLY}


def submitter(executor: Any) -> Callable[..., Any]:
    """`executor.submit` for inline executors; a frame-carrying wrapper otherwise."""
    if getattr(executor, "inline", False):
        return executor.submit
    frame = shippable_frame()

    def submit(fn: Callable[..., Any], *args: Any) -> Any:
        return executor.submit(run_in_frame, frame, fn, *args)

    return submit

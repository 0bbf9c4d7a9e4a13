"""Task timeouts and `log_stdout`: paid only by tasks that set them.

A timed call runs in a daemon thread that carries the caller's context; if it has
not returned by the deadline the run ends TimedOut (a thread cannot be killed, so it
is left to finish in the background, as in Prefect's threaded fallback).
"""

from __future__ import annotations

import contextvars
import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from typing import Any

from prefect_compat.exceptions import TaskTimeoutSignal

__all__ = ["call_with_timeout", "stdout_to_logger"]


def call_with_timeout(task: Any, inputs: dict[str, Any], timeout: float | None) -> Any:
    """`task.run(**inputs)`, raising TaskTimeoutSignal after `timeout` seconds."""
    if not timeout:
        return task.run(**inputs)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = task.run(**inputs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc

    ctx = contextvars.copy_context()
    worker = threading.Thread(target=ctx.run, args=(target,), daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TaskTimeoutSignal("Execution timed out.")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


class _LoggerWriter(io.TextIOBase):
    """A text stream that sends each complete line to a logger at INFO."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__()
        self.logger = logger
        self.buffer_ = ""

    def write(self, text: str) -> int:
        self.buffer_ += text
        *lines, self.buffer_ = self.buffer_.split("\n")
        for line in lines:
            if line:
                self.logger.info(line)
        return len(text)

    def flush(self) -> None:
        if self.buffer_:
            self.logger.info(self.buffer_)
            self.buffer_ = ""


@contextmanager
def stdout_to_logger(logger: logging.Logger) -> Iterator[None]:
    """Redirect `print` output inside the block to `logger` (Prefect's `log_stdout`)."""
    writer = _LoggerWriter(logger)
    with redirect_stdout(writer):
        try:
            yield
        finally:
            writer.flush()

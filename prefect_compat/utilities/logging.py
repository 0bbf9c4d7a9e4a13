"""Loggers under the `prefect` logger, configured from the `logging.*` config keys.

Like Prefect, records go to stdout through one StreamHandler on the `prefect` logger,
formatted with `logging.format` / `logging.datefmt`; `logging.extra_loggers` get the
same handler, and `logging.log_attributes` names context keys copied onto each record.
Task loggers are built once per task by the engine, never per task run.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect_compat import _context

__all__ = [
    "LOG_MANAGER",
    "LOG_OVERHEAD",
    "MAX_BATCH_LOG_SIZE",
    "MAX_LOG_SIZE",
    "PREFECT_LOG_RECORD_ATTRIBUTES",
    "CloudHandler",
    "LogManager",
    "RedirectToLog",
    "configure_extra_loggers",
    "configure_logging",
    "create_diagnostic_logger",
    "get_logger",
    "getlogsize",
    "temporary_logger_config",
]

# Prefect's limits for shipping logs to Cloud; kept as names, nothing is shipped here.
MAX_LOG_SIZE = 1_000_000
MAX_BATCH_LOG_SIZE = 4_000_000
LOG_OVERHEAD = 298
PREFECT_LOG_RECORD_ATTRIBUTES = (
    "flow_name",
    "flow_run_id",
    "task_name",
    "task_slug",
    "task_run_id",
)

ROOT_NAME = "prefect"
_HANDLER_FLAG = "_prefect_compat_handler"


class _ContextAttributes(logging.Filter):
    """Copies the configured context keys onto every record (None when unset)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def filter(self, record: logging.LogRecord) -> bool:
        for name in self.names:
            setattr(record, name, _context.get(name))
        return True


def _make_handler(settings: Any) -> logging.Handler:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(settings.format, settings.datefmt))
    attributes = list(settings.get("log_attributes") or [])
    if attributes:
        handler.addFilter(_ContextAttributes(attributes))
    setattr(handler, _HANDLER_FLAG, True)
    return handler


def _level(value: Any) -> Any:
    # a level name in any case ("debug"), or a number (PREFECT__LOGGING__LEVEL=10 casts to int)
    return value.upper() if isinstance(value, str) else value


def configure_logging(config: Any = None) -> logging.Logger:
    """(Re)configure the `prefect` logger and any extra loggers from `config.logging`."""
    if config is None:
        from prefect_compat.configuration import config
    settings = config.logging
    root = logging.getLogger(ROOT_NAME)
    root.setLevel(_level(settings.level))
    handler = _make_handler(settings)
    for logger in [root] + [logging.getLogger(n) for n in settings.get("extra_loggers") or []]:
        for old in [h for h in logger.handlers if getattr(h, _HANDLER_FLAG, False)]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        if logger is not root:
            logger.setLevel(_level(settings.level))
    return root


def get_logger(name: str | None = None) -> logging.Logger:
    """The `prefect` logger, or its child `prefect.<name>`."""
    if name is None:
        return logging.getLogger(ROOT_NAME)
    return logging.getLogger(f"{ROOT_NAME}.{name}")


def configure_extra_loggers() -> None:
    """Give the loggers named in `logging.extra_loggers` the `prefect` handler and level."""
    configure_logging()


def create_diagnostic_logger(name: str) -> logging.Logger:
    """A logger `name` printing to stdout in the configured format (at the configured level)."""
    from prefect_compat.configuration import config

    logger = logging.getLogger(name)
    logger.setLevel(_level(config.logging.level))
    if not any(getattr(h, _HANDLER_FLAG, False) for h in logger.handlers):
        logger.addHandler(_make_handler(config.logging))
    return logger


def getlogsize(log: dict) -> int:
    """Prefect's size estimate of one log record sent to Cloud: overhead plus the message."""
    return LOG_OVERHEAD + len(log.get("message", ""))


class LogManager:
    """Prefect's Cloud log shipper; locally there is nowhere to ship to, so it keeps nothing."""

    def ensure_started(self) -> None:
        """No background thread is needed: nothing is sent."""

    def stop(self) -> None:
        """Nothing to flush."""

    def enqueue(self, message: dict) -> None:
        """Dropped: logs go to the `prefect` logger's handlers only."""


LOG_MANAGER = LogManager()


class CloudHandler(logging.Handler):
    """Prefect's handler that sends records to Cloud; here it drops them (no backend)."""

    def emit(self, record: logging.LogRecord) -> None:
        """Records reach stdout through the `prefect` stream handler, not through this one."""


class RedirectToLog:
    """A file-like object whose `write` logs non-blank text at INFO (used for `log_stdout`).

    Writes to the `prefect.stdout` logger unless another logger is given.
    """

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.stdout_logger = logger if logger is not None else get_logger("stdout")

    def write(self, s: str) -> None:
        if s.strip():
            self.stdout_logger.info(s)

    def flush(self) -> None:
        """Nothing is buffered."""


@contextmanager
def temporary_logger_config(
    level: int | str | None = None, stream_fmt: str | None = None, stream_datefmt: str | None = None
) -> Iterator[logging.Logger]:
    """Set the `prefect` logger's level and its stdout format inside a `with` block.

    Yields the `prefect` logger; the previous level and formatter are put back on exit.
    """
    root = get_logger()
    old_level = root.level
    handlers = [h for h in root.handlers if getattr(h, _HANDLER_FLAG, False)]
    old_formatters = [h.formatter for h in handlers]
    try:
        if level is not None:
            root.setLevel(_level(level))
        if stream_fmt is not None or stream_datefmt is not None:
            for handler, old in zip(handlers, old_formatters):
                fmt = stream_fmt if stream_fmt is not None else getattr(old, "_fmt", None)
                datefmt = (
                    stream_datefmt if stream_datefmt is not None else getattr(old, "datefmt", None)
                )
                handler.setFormatter(logging.Formatter(fmt, datefmt))
        yield root
    finally:
        root.setLevel(old_level)
        for handler, old in zip(handlers, old_formatters):
            handler.setFormatter(old)

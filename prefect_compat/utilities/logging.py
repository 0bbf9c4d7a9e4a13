"""Loggers under the `prefect` logger, configured from the `logging.*` config keys.

Like Prefect, records go to stdout through one StreamHandler on the `prefect` logger,
formatted with `logging.format` / `logging.datefmt`; `logging.extra_loggers` get the
same handler, and `logging.log_attributes` names context keys copied onto each record
(None when unset); a record made during a run also carries the run attributes
`PREFECT_LOG_RECORD_ATTRIBUTES` the context holds (`%(flow_name)s`, `%(task_slug)s`
work in `logging.format`). Both are set by the log record factory, whatever the logger.
Task loggers are built once per task by the engine, never per task run.

The runner lines of every task run ("Starting task run...", "Finished task run...")
are the most frequent records by far, so they take a cheap path: see `_log_lines.py`,
which holds them with the handler, formatter and record factory described above.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# The runner-line path moved to _log_lines.py; every name it defines stays importable here.
from prefect_compat.utilities._log_lines import (  # noqa: F401 - re-exported
    _ABSENT,
    _LEVEL_NAMES,
    _RUN_KINDS,
    DEFAULT_FORMAT,
    FLUSH_INTERVAL,
    PREFECT_LOG_RECORD_ATTRIBUTES,
    V2_RUN_LOGGERS,
    RunnerLine,
    _copy_context,
    _Created,
    _Formatter,
    _from_a_v2_run,
    _Handler,
    _is_buffered,
    _log_attributes,
    _record_factory,
    _RecordFactory,
    _silence_stream,
    _sole_handler,
)

__all__ = [
    "LOG_MANAGER",
    "LOG_OVERHEAD",
    "MAX_BATCH_LOG_SIZE",
    "MAX_LOG_SIZE",
    "PREFECT_LOG_RECORD_ATTRIBUTES",
    "CloudHandler",
    "LogManager",
    "RedirectToLog",
    "RunnerLine",
    "configure_extra_loggers",
    "configure_logging",
    "create_diagnostic_logger",
    "flush_handlers",
    "get_logger",
    "getlogsize",
    "temporary_logger_config",
]

# Prefect's limits for shipping logs to Cloud; kept as names, nothing is shipped here.
MAX_LOG_SIZE = 1_000_000
MAX_BATCH_LOG_SIZE = 4_000_000
LOG_OVERHEAD = 298

ROOT_NAME = "prefect"
TEST_LOGGER_NAME = "prefect-test-logger"  # what `configure_logging(testing=True)` sets up
_HANDLER_FLAG = "_prefect_compat_handler"


def flush_handlers() -> None:
    """Flush the `prefect` handlers (called at the end of every flow run)."""
    for handler in logging.getLogger(ROOT_NAME).handlers:
        if isinstance(handler, _Handler) and handler._buffered:
            handler.flush()


def _make_handler(settings: Any) -> logging.Handler:
    handler = _Handler(sys.stdout)
    handler.setFormatter(_Formatter(settings.format, settings.datefmt))
    setattr(handler, _HANDLER_FLAG, True)
    return handler


def _level(value: Any) -> Any:
    # a level name in any case ("debug"), or a number (PREFECT__LOGGING__LEVEL=10 casts to int)
    return value.upper() if isinstance(value, str) else value


def configure_logging(testing: bool = False, config: Any = None) -> logging.Logger:
    """(Re)configure the `prefect` logger and any extra loggers from `config.logging`.

    Returns the `prefect` logger; with `testing=True` (as Prefect) the logger
    configured and returned is `prefect-test-logger` instead. Calling it again
    replaces the handler it added rather than adding a second one.
    """
    if config is None:
        from prefect_compat.configuration import config
    settings = config.logging
    _record_factory(list(settings.get("log_attributes") or []))
    root = logging.getLogger(TEST_LOGGER_NAME if testing else ROOT_NAME)
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

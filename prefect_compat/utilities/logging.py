"""Loggers under the `prefect` logger, configured from the `logging.*` config keys.

Like Prefect, records go to stdout through one StreamHandler on the `prefect` logger,
formatted with `logging.format` / `logging.datefmt`; `logging.extra_loggers` get the
same handler, and `logging.log_attributes` names context keys copied onto each record.
Task loggers are built once per task by the engine, never per task run.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from prefect_compat import _context

__all__ = ["configure_logging", "get_logger"]

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
